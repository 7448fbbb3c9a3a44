import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, map, Observable } from 'rxjs';
import { UnauthenticatedError } from '../../common/errors.js';
import { CONDITIONAL, ConditionalMeta } from './conditional-requests.decorators.js';
import { PreconditionFailedError } from './conditional-requests.errors.js';
import { etagOf, ifMatchHolds, noneMatchHits } from './etag.js';
import { ResourceLockService } from './resource-lock.service.js';

/**
 * ETags and conditional requests on the routes marked `@ConditionalRead()`
 * and `@ConditionalWrite()`. A conditional write reads the resource as its
 * GET does, compares, and writes while holding the resource's lock, which
 * every conditional write of that resource takes: of two writes sent with
 * the same ETag exactly one runs, the other gets 412 and changes nothing.
 */
@Injectable()
export class ConditionalRequestsInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    private readonly locks: ResourceLockService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const meta = this.reflector.get<ConditionalMeta | undefined>(CONDITIONAL, context.getHandler());
    if (!meta) return next.handle();
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    if (meta.kind === 'read') {
      return next.handle().pipe(
        map((body: unknown) => {
          if (reply.statusCode !== 200 || body === undefined) return body;
          const etag = etagOf(body);
          void reply.header('ETag', etag);
          if (!noneMatchHits(req.headers['if-none-match'], etag)) return body;
          void reply.status(304);
          return undefined;
        }),
      );
    }
    const withNewTag = map((body: unknown) => {
      if (body !== undefined && reply.statusCode < 300 && (req.method === 'PATCH' || req.method === 'PUT')) {
        void reply.header('ETag', etagOf(body));
      }
      return body;
    });
    const ifMatch = req.headers['if-match'];
    if (ifMatch === undefined) return next.handle().pipe(withNewTag);
    const id = (req.params as Record<string, string>).id;
    const auth = req.auth;
    if (!auth) throw new UnauthenticatedError();
    const controller: unknown = this.moduleRef.get(context.getClass(), { strict: false });
    return from(
      this.locks.withLock(`resource:${meta.resource}:${id}`, async () => {
        // Not found, or not the caller's to see: the same 404 the write would answer.
        const current = await meta.read(controller, auth, id);
        if (!ifMatchHolds(ifMatch, etagOf(current))) throw new PreconditionFailedError();
        return lastValueFrom(next.handle().pipe(withNewTag), { defaultValue: undefined });
      }),
    );
  }
}
