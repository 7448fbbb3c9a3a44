import 'reflect-metadata';
import type { ExecutionContext } from '@nestjs/common';
import { ServiceUnavailableError, UnauthenticatedError, ClientSuspendedError } from '../../../common/errors.js';
import type { ImpersonationAuditService } from '../impersonation-audit.service.js';
import type { AuthContextService } from '../auth-context.service.js';
import type { TokenService } from '../token.service.js';
import { bearerToken, JwtAuthGuard } from './jwt-auth.guard.js';

/** A guard whose token check accepts only "good" and whose caller lookup fails with `failure`. */
function guardFailingWith(failure: unknown): JwtAuthGuard {
  return new JwtAuthGuard(
    { record: () => undefined } as unknown as ImpersonationAuditService,
    { verifyAccess: (t: string) => (t === 'good' ? { sub: 'u', sid: 's', typ: 'access' } : null) } as unknown as TokenService,
    { resolve: () => Promise.reject(failure) } as unknown as AuthContextService,
  );
}
const ctxWith = (authorization?: string) =>
  ({
    switchToHttp: () => ({ getRequest: () => ({ headers: { authorization } }), getResponse: () => ({}) }),
  }) as unknown as ExecutionContext;

describe('JwtAuthGuard', () => {
  it('answers a missing or invalid token with 401 UNAUTHENTICATED', async () => {
    const guard = guardFailingWith(new Error('unused'));
    await expect(guard.canActivate(ctxWith())).rejects.toThrow(UnauthenticatedError);
    await expect(guard.canActivate(ctxWith('Bearer forged'))).rejects.toThrow(UnauthenticatedError);
    await expect(guardFailingWith(new Error('jwt malformed')).canActivate(ctxWith('Bearer good'))).rejects.toThrow(UnauthenticatedError);
  });

  it('passes domain errors through (e.g. 403 CLIENT_SUSPENDED)', async () => {
    await expect(guardFailingWith(new ClientSuspendedError()).canActivate(ctxWith('Bearer good'))).rejects.toThrow(ClientSuspendedError);
  });

  // A database outage must not look like a bad token: clients would throw their sessions away.
  it('answers an unreachable main database with 503, not 401', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    await expect(guardFailingWith(down).canActivate(ctxWith('Bearer good'))).rejects.toThrow(ServiceUnavailableError);
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
