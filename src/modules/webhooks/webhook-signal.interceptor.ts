import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Observable, tap } from 'rxjs';
import type {} from '../auth/index.js';
import { WebhookSignalService } from './webhook-signal.service.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * After each successful write request of a client user (REST or chat:
 * whatever it changed, the change's events are already committed by then),
 * signals the client to the dispatchers. A refused request changed nothing
 * and signals nothing; the rare write that fails after its commit (a reply
 * that could not be built) has its events found by the dispatcher's sweep.
 */
@Injectable()
export class WebhookSignalInterceptor implements NestInterceptor {
  constructor(private readonly signal: WebhookSignalService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const clientId = req.auth?.user.clientId;
    if (!clientId || READ_METHODS.has(req.method)) return next.handle();
    return next.handle().pipe(tap({ complete: () => this.signal.touch(clientId) }));
  }
}
