import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../auth/index.js';
import { TenantRequiredError } from '../../common/errors.js';

/**
 * Who acts, below the HTTP edge. The REST controllers and the chat assistant
 * build one from `req.auth` and pass it to the services, which make every
 * permission decision from it (the same checks for both).
 */
export interface Actor {
  userId: string;
  clientId: string;
  /** IANA zone: "today" and an entry's `date` are local to it. */
  timeZone: string;
  capabilities: ReadonlySet<string>;
}

export function actorFrom(auth: AuthContext): Actor {
  const clientId = auth.user.clientId;
  if (!clientId) throw new TenantRequiredError();
  return { userId: auth.user.id, clientId, timeZone: auth.user.timeZone, capabilities: auth.user.capabilities };
}

/** The caller as an Actor, for handlers on tenant-scoped routes (the tenant guard has already refused callers without a client). */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const auth = ctx.switchToHttp().getRequest<FastifyRequest>().auth;
  if (!auth) throw new Error('CurrentActor() used on a route without RequireCapabilities()');
  return actorFrom(auth);
});
