import 'reflect-metadata';
import type { ExecutionContext } from '@nestjs/common';
import { ServiceUnavailableError, UnauthenticatedError, ClientSuspendedError } from '../../../common/errors.js';
import type { ImpersonationAuditService } from '../impersonation-audit.service.js';
import type { AuthContextService } from '../auth-context.service.js';
import type { TokenService } from '../token.service.js';
import { bearerToken, JwtAuthGuard } from './jwt-auth.guard.js';

const guard = new JwtAuthGuard(
  { record: () => undefined } as unknown as ImpersonationAuditService,
  {} as TokenService,
  {} as AuthContextService,
);
const ctx = { switchToHttp: () => ({ getRequest: () => ({}), getResponse: () => ({}) }) } as unknown as ExecutionContext;

describe('JwtAuthGuard.handleRequest', () => {
  it('answers a missing or invalid token with 401 UNAUTHENTICATED', () => {
    expect(() => guard.handleRequest(null, false, ctx)).toThrow(UnauthenticatedError);
    expect(() => guard.handleRequest(new Error('jwt malformed'), false, ctx)).toThrow(UnauthenticatedError);
  });

  it('passes domain errors through (e.g. 403 CLIENT_SUSPENDED)', () => {
    expect(() => guard.handleRequest(new ClientSuspendedError(), false, ctx)).toThrow(ClientSuspendedError);
  });

  // A database outage must not look like a bad token: clients would throw their sessions away.
  it('answers an unreachable main database with 503, not 401', () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(() => guard.handleRequest(down, false, ctx)).toThrow(ServiceUnavailableError);
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
