import 'reflect-metadata';
import { jest } from '@jest/globals';
import { JwtModule } from '@nestjs/jwt';
import { Test } from '@nestjs/testing';
import { AppConfigService } from '../../config/config.service.js';
import type { AccessTokenClaims } from './auth-context.js';
import { TokenService } from './token.service.js';

const SECRET = 'token-spec-secret-token-spec-secret-0123456789';

async function tokenService(secret = SECRET): Promise<TokenService> {
  const module = await Test.createTestingModule({
    imports: [JwtModule.register({ secret })],
    providers: [
      TokenService,
      { provide: AppConfigService, useValue: new AppConfigService({ JWT_SECRET: secret, ACCESS_TOKEN_TTL: 900 } as never) },
    ],
  }).compile();
  return module.get(TokenService);
}

const claims = { sub: '7c9e6679-7425-40de-944b-e07fc1f90ae7', sid: 's-1', clientId: 'c-1' };
const verified = (exp: number): AccessTokenClaims => ({ ...claims, typ: 'access', exp });
const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

describe('TokenService: remembered access tokens', () => {
  afterEach(() => jest.restoreAllMocks());

  it('remembers a verified token by its full text and hands out frozen claims', async () => {
    const tokens = await tokenService();
    const token = tokens.signAccess(claims);
    expect(tokens.rememberedAccess(token)).toBeUndefined();
    tokens.rememberAccess(token, verified(inSeconds(60)));
    const hit = tokens.rememberedAccess(token)!;
    expect(hit).toMatchObject({ ...claims, typ: 'access' });
    expect(Object.isFrozen(hit)).toBe(true);
    // Another signature over the same claims is another text: it must be verified in full.
    const [header, payload, signature] = token.split('.');
    const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    expect(tokens.rememberedAccess(`${header}.${payload}.${flipped}`)).toBeUndefined();
  });

  it('forgets a remembered token once it has expired', async () => {
    const tokens = await tokenService();
    tokens.rememberAccess('t', verified(inSeconds(60)));
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    expect(tokens.rememberedAccess('t')).toBeUndefined();
  });

  it('never remembers claims without an expiry', async () => {
    const tokens = await tokenService();
    tokens.rememberAccess('t', { ...claims, typ: 'access' });
    expect(tokens.rememberedAccess('t')).toBeUndefined();
  });
});

describe('TokenService: purpose tokens', () => {
  it('accepts a purpose token for its purpose only, and only with our key', async () => {
    const tokens = await tokenService();
    const challenge = tokens.signPurpose('2fa-challenge', { sub: claims.sub }, 300);
    expect(tokens.verifyPurpose('2fa-challenge', challenge)).toMatchObject({ sub: claims.sub, typ: '2fa-challenge' });
    expect(tokens.verifyPurpose('password-reset', challenge)).toBeNull();
    expect(tokens.verifyPurpose('2fa-challenge', tokens.signAccess(claims))).toBeNull();
    expect((await tokenService('another-secret-another-secret-another-0123456789')).verifyPurpose('2fa-challenge', challenge)).toBeNull();
  });
});
