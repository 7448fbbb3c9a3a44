import { Injectable, Logger } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';

/** Records requests made with impersonation tokens (method, path, status, time). */
@Injectable()
export class ImpersonationAuditService {
  private readonly logger = new Logger(ImpersonationAuditService.name);
  private pending: Promise<unknown> = Promise.resolve();

  constructor(private readonly main: MainPrismaService) {}

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
