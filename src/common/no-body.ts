import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ValidationFailedError } from './errors.js';

/** The parsed body of a request that sent content of a type other than JSON (the service reads only JSON). */
export const NON_JSON_BODY = Symbol('non-JSON request body');

/**
 * Marks a route that takes no request body (e.g. `POST /time-entries/stop`,
 * every `DELETE`): no body, or an empty JSON object, is accepted; any
 * property is refused like an unknown property of a DTO (400
 * VALIDATION_FAILED, one detail per property), so a client sending fields
 * the route ignores learns it at once instead of believing they took effect.
 * Without it a route with no `@Body()` never reached the validation pipe.
 */
export const NoBody = createParamDecorator((_data: unknown, ctx: ExecutionContext): undefined => {
  const body = ctx.switchToHttp().getRequest<FastifyRequest>().body;
  if (body === undefined || body === null) return undefined;
  if (body === NON_JSON_BODY || typeof body !== 'object' || Array.isArray(body)) {
    throw ValidationFailedError.field('body', 'this route takes no request body');
  }
  const keys = Object.keys(body);
  if (keys.length === 0) return undefined;
  throw new ValidationFailedError(
    `property ${keys[0]} should not exist`,
    keys.slice(0, 20).map((key) => ({ field: key, message: `property ${key} should not exist` })),
  );
});
