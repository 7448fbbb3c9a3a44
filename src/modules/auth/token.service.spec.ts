import 'reflect-metadata';
import { jest } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import type { AppConfigService } from '../../config/config.service.js';
import { TokenService } from './token.service.js';

const SECRET = 'token-spec-secret-token-spec-secret-0123456789';

function tokenService(secret = SECRET): TokenService {
  const config = { get: (k: string) => ({ JWT_SECRET: secret, ACCESS_TOKEN_TTL: 900 })[k] } as unknown as AppConfigService;
  return new TokenService(new JwtService({ secret }), config);
}

const claims = { sub: '7c9e6679-7425-40de-944b-e07fc1f90ae7', sid: 's-1', clientId: 'c-1' };

describe('TokenService.verifyAccess', () => {
  afterEach(() => jest.restoreAllMocks());

  it('returns the same claims for a token verified before, without verifying it again', () => {
    const tokens = tokenService();
    const token = tokens.signAccess(claims);
    const verify = jest.spyOn(JwtService.prototype, 'verify');
    const first = tokens.verifyAccess(token);
    const second = tokens.verifyAccess(token);
    expect(first).toMatchObject({ ...claims, typ: 'access' });
    expect(second).toEqual(first);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('refuses a remembered token once it has expired', () => {
    const tokens = tokenService();
    const token = tokens.signAccess(claims, 60);
    expect(tokens.verifyAccess(token)).not.toBeNull();
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    expect(tokens.verifyAccess(token)).toBeNull();
  });

  it('refuses a token whose signature differs from a remembered one with the same claims', () => {
    const tokens = tokenService();
    const token = tokens.signAccess(claims);
    expect(tokens.verifyAccess(token)).not.toBeNull();
    const [header, payload, signature] = token.split('.');
    const flipped = signature[0] === 'A' ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    expect(tokens.verifyAccess(`${header}.${payload}.${flipped}`)).toBeNull();
    expect(tokenService('another-secret-another-secret-another-0123456789').verifyAccess(token)).toBeNull();
  });

  it('hands out claims that cannot be changed by one request for the next', () => {
    const tokens = tokenService();
    const token = tokens.signAccess(claims);
    const first = tokens.verifyAccess(token)!;
    expect(Object.isFrozen(first)).toBe(true);
    expect(tokens.verifyAccess(token)!.sub).toBe(claims.sub);
  });
});
