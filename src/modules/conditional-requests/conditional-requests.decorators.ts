import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { AuthContext } from '../auth/index.js';

export const CONDITIONAL = 'ftc:conditional';

/** Reads the current representation of the route's resource (`:id`) as its GET answers it, for the caller. */
export type RepresentationReader<C> = (controller: C, auth: AuthContext, id: string) => Promise<unknown>;

export type ConditionalMeta = { kind: 'read' } | { kind: 'write'; resource: string; read: RepresentationReader<unknown> };

/** OpenAPI marker read by `documentConditionalRequests` (src/common/openapi.ts), which documents the headers and answers. */
export const OPENAPI_MARKER = 'x-ftc-conditional';

/** GET of a single resource: answers carry a strong `ETag`; a matching `If-None-Match` is 304 without a body. */
export function ConditionalRead() {
  return applyDecorators(SetMetadata(CONDITIONAL, { kind: 'read' } satisfies ConditionalMeta), ApiExtension(OPENAPI_MARKER, 'read'));
}

/**
 * PATCH, PUT or DELETE of a single resource: an `If-Match` that does not
 * match the current representation's ETag is 412 PRECONDITION_FAILED with
 * nothing changed; a PATCH or PUT answers with the new `ETag`. `resource`
 * names the lock the compare and the write share with the resource's other
 * conditional writes; `read` is how its GET reads it.
 */
export function ConditionalWrite<C>(resource: string, read: RepresentationReader<C>) {
  const meta: ConditionalMeta = { kind: 'write', resource, read: read as RepresentationReader<unknown> };
  return applyDecorators(SetMetadata(CONDITIONAL, meta), ApiExtension(OPENAPI_MARKER, 'write'));
}
