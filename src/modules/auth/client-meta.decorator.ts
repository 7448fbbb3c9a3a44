import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ClientMeta } from './sessions.service.js';

/** The caller's IP (behind a trusted proxy: the forwarded one) and user agent, for throttling and session records. */
export const ClientInfo = createParamDecorator((_: unknown, ctx: ExecutionContext): ClientMeta => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? req.socket?.remoteAddress ?? undefined, userAgent: typeof ua === 'string' ? ua : undefined };
});
