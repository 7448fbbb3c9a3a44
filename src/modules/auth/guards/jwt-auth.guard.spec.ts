import 'reflect-metadata';
import { EventEmitter } from 'node:events';
import { jest } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { Test, TestingModule } from '@nestjs/testing';
import passport from 'passport';
import { Strategy } from 'passport-jwt';
import { ClientSuspendedError, ServiceUnavailableError, UnauthenticatedError } from '../../../common/errors.js';
import { AppConfigService } from '../../../config/config.service.js';
import type { AccessTokenClaims, AuthContext } from '../auth-context.js';
import { AuthContextService } from '../auth-context.service.js';
import { ImpersonationAuditService } from '../impersonation-audit.service.js';
import { AccessTokenUsageService } from '../access-token-usage.service.js';
import { bearerToken, JwtStrategy } from '../strategies/jwt.strategy.js';
import { JWT_AUDIENCE, JWT_ISSUER, TokenService } from '../token.service.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';

const SECRET = 'guard-spec-secret-guard-spec-secret-0123456789';
const USER_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const SESSION_ID = '16fd2706-8baf-433b-82eb-8c7fada847da';

type Resolve = (claims: AccessTokenClaims) => Promise<AuthContext>;

const authOf = (claims: AccessTokenClaims, impersonation: AuthContext['impersonation'] = null): AuthContext =>
  ({ user: { id: claims.sub, clientId: claims.clientId }, sessionId: claims.sid, impersonation, claims }) as unknown as AuthContext;

interface Harness {
  module: TestingModule;
  guard: JwtAuthGuard;
  tokens: TokenService;
  resolve: jest.Mock<Resolve>;
  track: jest.Mock<ImpersonationAuditService['track']>;
}

/** The guard and strategy as the app wires them, with the caller lookup and the audit log faked. */
async function harness(resolve: Resolve = async (claims) => authOf(claims), secret = SECRET): Promise<Harness> {
  const fakes = { resolve: jest.fn(resolve), track: jest.fn<ImpersonationAuditService['track']>() };
  const module = await Test.createTestingModule({
    imports: [JwtModule.register({ secret })],
    providers: [
      JwtAuthGuard,
      JwtStrategy,
      TokenService,
      { provide: AppConfigService, useValue: new AppConfigService({ JWT_SECRET: secret, ACCESS_TOKEN_TTL: 900 } as never) },
      { provide: AuthContextService, useValue: { resolve: fakes.resolve } },
      { provide: ImpersonationAuditService, useValue: { track: fakes.track } },
      { provide: AccessTokenUsageService, useValue: { touch: () => undefined } },
    ],
  }).compile();
  await module.init();
  return { module, guard: module.get(JwtAuthGuard), tokens: module.get(TokenService), ...fakes };
}

function http(authorization?: string) {
  const req: { headers: Record<string, string | undefined>; method: string; url: string; auth?: AuthContext } = {
    headers: { authorization },
    method: 'GET',
    url: '/api/v1/projects?limit=5',
  };
  const res = { raw: Object.assign(new EventEmitter(), { statusCode: 200 }) };
  const ctx = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }) } as unknown as ExecutionContext;
  return { req, res, ctx };
}

/** Signed with the service's key; `expiresIn: null` leaves `exp` out (or to the payload). */
const sign = (payload: object, { expiresIn = 900, ...options }: { expiresIn?: number | null; algorithm?: 'HS512'; issuer?: string } = {}) =>
  new JwtService({ secret: SECRET }).sign(payload, {
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    algorithm: 'HS256',
    ...(expiresIn === null ? {} : { expiresIn }),
    ...options,
  });
const claims: AccessTokenClaims = { sub: USER_ID, sid: SESSION_ID, clientId: null, typ: 'access' };

describe('JwtAuthGuard with the JwtStrategy', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(() => h.module.close());

  it('puts the caller of a valid access token on req.auth', async () => {
    const { req, ctx } = http(`Bearer ${h.tokens.signAccess(claims)}`);
    await expect(h.guard.canActivate(ctx)).resolves.toBe(true);
    expect(req.auth?.user.id).toBe(USER_ID);
    expect(h.resolve).toHaveBeenCalledWith(expect.objectContaining({ ...claims, iss: JWT_ISSUER, aud: JWT_AUDIENCE }));
  });

  it('answers a missing, malformed or forged token with 401 UNAUTHENTICATED without looking anyone up', async () => {
    const token = h.tokens.signAccess(claims);
    const forged = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const header of [undefined, '', 'Basic abc', 'Bearer', `Bearer ${token} extra`, 'Bearer not.a.jwt', `Bearer ${forged}`])
      await expect(h.guard.canActivate(http(header).ctx)).rejects.toThrow(UnauthenticatedError);
    expect(h.resolve).not.toHaveBeenCalled();
  });

  // Each of these verifies with the right key or none: only the algorithm, issuer, audience or expiry rule refuses it.
  it('refuses tokens that are not HS256, from another issuer, for another audience, expired or without an expiry', async () => {
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, iss: JWT_ISSUER, aud: JWT_AUDIENCE, exp: 4102444800 })).toString('base64url')}.`;
    const refused = [
      unsigned,
      sign(claims, { algorithm: 'HS512' }),
      sign(claims, { issuer: 'someone-else' }),
      h.tokens.signPurpose('2fa-challenge', { sub: USER_ID }, 300),
      sign({ ...claims, iat: Math.floor(Date.now() / 1000) - 120, exp: Math.floor(Date.now() / 1000) - 60 }, { expiresIn: null }),
      sign(claims, { expiresIn: null }),
    ];
    for (const token of refused) await expect(h.guard.canActivate(http(`Bearer ${token}`).ctx)).rejects.toThrow(UnauthenticatedError);
    expect(h.resolve).not.toHaveBeenCalled();
  });

  it('passes what the caller lookup refuses with through unchanged (403 CLIENT_SUSPENDED, 401 with its message)', async () => {
    const suspended = new ClientSuspendedError();
    const ended = new UnauthenticatedError('The session has ended');
    for (const err of [suspended, ended]) {
      h.resolve.mockRejectedValueOnce(err);
      await expect(h.guard.canActivate(http(`Bearer ${h.tokens.signAccess(claims)}`).ctx)).rejects.toBe(err);
    }
  });

  // A database outage must not look like a bad token: clients would throw their sessions away.
  it('answers an unreachable main database with 503, not 401', async () => {
    h.resolve.mockRejectedValueOnce(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    await expect(h.guard.canActivate(http(`Bearer ${h.tokens.signAccess(claims)}`).ctx)).rejects.toThrow(ServiceUnavailableError);
    h.resolve.mockRejectedValueOnce(new Error('something unexpected'));
    await expect(h.guard.canActivate(http(`Bearer ${h.tokens.signAccess(claims)}`).ctx)).rejects.toThrow(UnauthenticatedError);
  });

  it('verifies a token once and still checks its session on every request', async () => {
    const verifier = jest.spyOn(Strategy as unknown as { JwtVerifier: (...args: unknown[]) => void }, 'JwtVerifier');
    try {
      const header = `Bearer ${h.tokens.signAccess(claims)}`;
      for (let i = 0; i < 3; i++) await h.guard.canActivate(http(header).ctx);
      expect(verifier).toHaveBeenCalledTimes(1);
      expect(h.resolve).toHaveBeenCalledTimes(3);
      // A remembered token whose session has ended since is refused like any other.
      h.resolve.mockRejectedValueOnce(new UnauthenticatedError('The session has ended'));
      await expect(h.guard.canActivate(http(header).ctx)).rejects.toThrow('The session has ended');
    } finally {
      verifier.mockRestore();
    }
  });

  it('refuses a remembered token once it has expired', async () => {
    const header = `Bearer ${h.tokens.signAccess(claims, 60)}`;
    await h.guard.canActivate(http(header).ctx);
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    try {
      await expect(h.guard.canActivate(http(header).ctx)).rejects.toThrow(UnauthenticatedError);
    } finally {
      clock.mockRestore();
    }
  });

  it('hands every request made with an impersonation token, and only those, to the audit', async () => {
    await h.guard.canActivate(http(`Bearer ${h.tokens.signAccess(claims)}`).ctx);
    expect(h.track).not.toHaveBeenCalled();
    const impersonation = {
      sessionId: SESSION_ID,
      impersonator: { id: 'a', email: 'a@x.test' },
      allowWrites: false,
      expiresAt: new Date(),
    };
    h.resolve.mockImplementationOnce(async (c) => authOf(c, impersonation));
    const { req, res, ctx } = http(`Bearer ${h.tokens.signAccess(claims)}`);
    await h.guard.canActivate(ctx);
    expect(h.track).toHaveBeenCalledWith(SESSION_ID, req, res);
  });
});

describe('JwtAuthGuard with several applications in one process', () => {
  const registered = () => (passport as unknown as { _strategy(name: string): unknown })._strategy('jwt');

  it("answers with its own application's strategy, not the newest one, and leaves passport's registry empty", async () => {
    const first = await harness();
    const second = await harness(undefined, 'another-guard-spec-secret-0123456789abcdef');
    const [firstToken, secondToken] = [first.tokens.signAccess(claims), second.tokens.signAccess(claims)];
    await expect(first.guard.canActivate(http(`Bearer ${firstToken}`).ctx)).resolves.toBe(true);
    await expect(first.guard.canActivate(http(`Bearer ${secondToken}`).ctx)).rejects.toBeInstanceOf(UnauthenticatedError);
    await expect(second.guard.canActivate(http(`Bearer ${secondToken}`).ctx)).resolves.toBe(true);
    await expect(second.guard.canActivate(http(`Bearer ${firstToken}`).ctx)).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(registered()).toBeUndefined();
    await Promise.all([first.module.close(), second.module.close()]);
  });

  it('keeps concurrent requests apart: each gets the caller of its own token', async () => {
    // The lookup answers in another order than the requests came in, so outcomes cross if requests share state.
    let n = 0;
    const h = await harness(async (c) => {
      await new Promise((r) => setTimeout(r, 20 - 2 * (n++ % 10)));
      return authOf(c);
    });
    const users = Array.from({ length: 20 }, (_, i) => `7c9e6679-7425-40de-944b-${String(i).padStart(12, '0')}`);
    const requests = users.map((sub, i) => http(`Bearer ${i % 2 ? h.tokens.signAccess({ ...claims, sub }) : sign({ ...claims, sub })}`));
    await Promise.all(requests.map(({ ctx }) => h.guard.canActivate(ctx)));
    expect(requests.map(({ req }) => req.auth?.user.id)).toEqual(users);
    await h.module.close();
  });
});

describe('bearerToken', () => {
  it('takes the token of a Bearer authorization header, scheme in any case', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('  BEARER   abc  ')).toBe('abc');
  });

  it('refuses anything else', () => {
    for (const h of [undefined, '', 'Bearer', 'Bearer ', 'Basic abc', 'Bearer a b', 'Token abc', 'Bearerabc'])
      expect(bearerToken(h)).toBeNull();
    expect(bearerToken(['Bearer a', 'Bearer b'])).toBeNull();
  });
});
