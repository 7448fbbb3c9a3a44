import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { ClientSuspendedError, RateLimitedError } from '../../common/errors.js';
import { TenantRegistryService } from '../../database/tenant-registry.service.js';
import { CredentialsRow, UsersRepository, PasswordService } from '../identity/index.js';
import { InvalidCredentialsError } from './auth.errors.js';
import { AuthService, TWO_FACTOR_CHALLENGE } from './auth.service.js';
import { ClientSummaryRepository } from './client-summary.repository.js';
import { SessionsService } from './sessions.service.js';
import { ThrottleAttempt, ThrottleService } from './throttle.service.js';
import { TokenService } from './token.service.js';
import { TwoFactorService } from './two-factor.service.js';

const USER = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const CLIENT = '16fd2706-8baf-433b-82eb-8c7fada847da';
const PASSWORD = 'CorrectHorse123';
const META = { ip: '10.0.0.7', userAgent: 'spec' };

const credentials = (over: Partial<CredentialsRow> = {}): CredentialsRow => ({
  id: USER,
  clientId: CLIENT,
  passwordHash: 'hash-of-correct-password',
  isActive: true,
  twoFactorEnabled: false,
  ...over,
});

/** AuthService with typed fakes around it: `row` is the only account, and its password is PASSWORD. */
async function setup(row: CredentialsRow | null = credentials(), clientStatus = 'active') {
  const attempt = { succeeded: jest.fn<ThrottleAttempt['succeeded']>().mockResolvedValue(), failed: jest.fn<ThrottleAttempt['failed']>() };
  const f = {
    throttle: { attempt: jest.fn<(...a: Parameters<ThrottleService['attempt']>) => Promise<typeof attempt>>().mockResolvedValue(attempt) },
    users: {
      findCredentialsByEmail: jest.fn<UsersRepository['findCredentialsByEmail']>().mockResolvedValue(row),
      findWithRoles: jest.fn(async () => ({
        id: USER,
        email: 'ana@example.test',
        name: 'Ana',
        clientId: CLIENT,
        timeZone: 'UTC',
        isActive: true,
        twoFactorEnabled: false,
        createdAt: new Date('2026-01-01T00:00:00Z'),
        roles: [],
      })),
    },
    // Every verification does the same work, known user or not (what verifyOrBurn exists for).
    passwords: {
      verifyOrBurn: jest.fn<PasswordService['verifyOrBurn']>(async (hash, password) => !!hash && password === PASSWORD),
    },
    sessions: { start: jest.fn(async () => ({ accessToken: 'a', refreshToken: 'r', expiresIn: 900 })) },
    tokens: { signPurpose: jest.fn<TokenService['signPurpose']>().mockReturnValue('challenge') },
    registry: { get: jest.fn(async () => ({ id: CLIENT, status: clientStatus })) },
  };
  const module = await Test.createTestingModule({
    providers: [
      AuthService,
      { provide: ClientSummaryRepository, useValue: {} },
      { provide: TwoFactorService, useValue: {} },
      { provide: ThrottleService, useValue: f.throttle },
      { provide: UsersRepository, useValue: f.users },
      { provide: PasswordService, useValue: f.passwords },
      { provide: SessionsService, useValue: f.sessions },
      { provide: TokenService, useValue: f.tokens },
      { provide: TenantRegistryService, useValue: f.registry },
    ],
  }).compile();
  return { auth: module.get(AuthService), attempt, ...f };
}

describe('AuthService.login', () => {
  it('counts the attempt for the normalised e-mail and the IP before checking, and starts over on success', async () => {
    const { auth, throttle, attempt, passwords, sessions } = await setup();
    const res = await auth.login({ email: '  Ana@Example.TEST ', password: PASSWORD }, META);
    expect(res).toMatchObject({ accessToken: 'a', user: { id: USER } });
    expect(throttle.attempt).toHaveBeenCalledWith('login', 'ana@example.test', META.ip);
    expect(throttle.attempt.mock.invocationCallOrder[0]).toBeLessThan(passwords.verifyOrBurn.mock.invocationCallOrder[0]);
    expect(attempt.succeeded).toHaveBeenCalledTimes(1);
    expect(attempt.failed).not.toHaveBeenCalled();
    expect(sessions.start).toHaveBeenCalledWith({ id: USER, clientId: CLIENT }, META, expect.anything());
  });

  // An attacker must not learn which e-mails have accounts: same error, same Argon2 work, same throttling.
  it('answers an unknown e-mail, a wrong password and a deactivated user alike, each after one password verification', async () => {
    const cases = [
      { row: null, password: PASSWORD },
      { row: credentials(), password: 'wrong-password' },
      { row: credentials({ isActive: false }), password: PASSWORD },
    ];
    for (const c of cases) {
      const { auth, attempt, passwords, sessions } = await setup(c.row);
      const err = await auth.login({ email: 'ana@example.test', password: c.password }, META).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidCredentialsError);
      expect((err as InvalidCredentialsError).message).toBe(new InvalidCredentialsError().message);
      expect(passwords.verifyOrBurn).toHaveBeenCalledTimes(1);
      expect(attempt.failed).toHaveBeenCalledTimes(1);
      expect(attempt.succeeded).not.toHaveBeenCalled();
      expect(sessions.start).not.toHaveBeenCalled();
    }
  });

  it('checks nothing once the throttle refuses the attempt', async () => {
    const { auth, throttle, passwords, users } = await setup();
    throttle.attempt.mockRejectedValueOnce(new RateLimitedError(60));
    await expect(auth.login({ email: 'ana@example.test', password: PASSWORD }, META)).rejects.toBeInstanceOf(RateLimitedError);
    expect(users.findCredentialsByEmail).not.toHaveBeenCalled();
    expect(passwords.verifyOrBurn).not.toHaveBeenCalled();
  });

  it('tells a user of a suspended client so only after the right password', async () => {
    const suspended = await setup(credentials(), 'suspended');
    await expect(suspended.auth.login({ email: 'ana@example.test', password: 'wrong' }, META)).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    await expect(suspended.auth.login({ email: 'ana@example.test', password: PASSWORD }, META)).rejects.toBeInstanceOf(
      ClientSuspendedError,
    );
    // A deleted client answers like wrong credentials.
    const deleted = await setup(credentials(), 'deleted');
    await expect(deleted.auth.login({ email: 'ana@example.test', password: PASSWORD }, META)).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
    expect(deleted.sessions.start).not.toHaveBeenCalled();
  });

  it('answers a 2FA account with a challenge instead of a session', async () => {
    const { auth, tokens, sessions } = await setup(credentials({ twoFactorEnabled: true }));
    await expect(auth.login({ email: 'ana@example.test', password: PASSWORD }, META)).resolves.toEqual({
      twoFactorRequired: true,
      challengeToken: 'challenge',
    });
    expect(tokens.signPurpose).toHaveBeenCalledWith(TWO_FACTOR_CHALLENGE, expect.objectContaining({ sub: USER }), expect.any(Number));
    expect(sessions.start).not.toHaveBeenCalled();
  });
});
