import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MainPrismaService } from '../../database/main-prisma.service.js';

const CLIENT_CLOSED_REQUEST = 499;

/** Records requests made with impersonation tokens (method, path, status, time). */
@Injectable()
export class ImpersonationAuditService {
  private readonly logger = new Logger(ImpersonationAuditService.name);
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly main: MainPrismaService) {}

  /**
   * Records the request once its connection is done with it: when the answer
   * went out, with its status; when the caller went away first, with 499
   * (nginx's "client closed request"). `close` fires in both cases, also when
   * the connection closed before this was called.
   */
  track(sessionId: string, req: FastifyRequest, reply: FastifyReply): void {
    const method = req.method;
    const path = req.url.split('?')[0];
    const res = reply.raw;
    const done = () => this.record(sessionId, method, path, res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST);
    if (res.destroyed || res.writableFinished) done();
    else res.once('close', done);
  }

  record(sessionId: string, method: string, path: string, status: number): void {
    const at = new Date();
    const write = this.main.impersonationRequest
      .create({ data: { sessionId, method, path: path.slice(0, 2000), status, at } })
      .catch((err: unknown) => this.logger.error(`audit write failed: ${(err as Error).message}`));
    this.pending = Promise.all([this.pending, write]);
  }

  /** Resolves once every audit record started so far is written (tests, shutdown). */
  flush(): Promise<unknown> {
    return this.pending;
  }
}
