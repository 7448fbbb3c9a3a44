import 'reflect-metadata';
import type { ExecutionContext } from '@nestjs/common';
import { ServiceUnavailableError, UnauthenticatedError, ClientSuspendedError } from '../../../common/errors.js';
import type { ImpersonationAuditService } from '../impersonation-audit.service.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';

const guard = new JwtAuthGuard({ record: () => undefined } as unknown as ImpersonationAuditService);
const ctx = { switchToHttp: () => ({ getRequest: () => ({}), getResponse: () => ({}) }) } as unknown as ExecutionContext;

describe('JwtAuthGuard.handleRequest', () => {
  it('answers a missing or invalid token with 401 UNAUTHENTICATED', () => {
    expect(() => guard.handleRequest(null, false, undefined, ctx)).toThrow(UnauthenticatedError);
    expect(() => guard.handleRequest(new Error('jwt malformed'), false, undefined, ctx)).toThrow(UnauthenticatedError);
  });

  it('passes domain errors through (e.g. 403 CLIENT_SUSPENDED)', () => {
    expect(() => guard.handleRequest(new ClientSuspendedError(), false, undefined, ctx)).toThrow(ClientSuspendedError);
  });

  // A database outage must not look like a bad token: clients would throw their sessions away.
  it('answers an unreachable main database with 503, not 401', () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(() => guard.handleRequest(down, false, undefined, ctx)).toThrow(ServiceUnavailableError);
  });
});
