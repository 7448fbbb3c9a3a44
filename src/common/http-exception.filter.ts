import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { codeForStatus, ErrorCode } from './error-codes.js';
import { DomainError, ErrorDetail, TenantDatabaseUnavailableError } from './errors.js';
import { RequestContext } from './request-context.js';
import { isDatabaseUnavailable, mapPrismaError } from './prisma-errors.js';

interface ErrorBody {
  statusCode: number;
  error: string;
  code: ErrorCode;
  message: string;
  details?: ErrorDetail[];
  requestId: string;
}

export interface ExceptionFilterOptions {
  /**
   * Whether the main database answers (a short probe). Asked only when a
   * request holding a tenant database fails with "database unreachable", to
   * tell that tenant's outage (503 TENANT_DATABASE_UNAVAILABLE) from the main
   * database's (503 SERVICE_UNAVAILABLE). Without it, such errors are the
   * tenant's.
   */
  mainDatabaseUp?: () => Promise<boolean>;
}

/**
 * The one place errors become HTTP responses: every error, from a domain
 * error to body-parser's malformed JSON or an unknown route, leaves with the
 * contract's body. Anything unexpected is a logged 500 that reveals nothing.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly options: ExceptionFilterOptions = {}) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<FastifyReply>();
    const req = ctx.getRequest<FastifyRequest>();
    const store = RequestContext.current();
    const requestId = store?.requestId ?? String(req?.headers?.['x-request-id'] ?? '');
    // Tenant queries go through the plain Prisma client: a tenant database
    // that cannot be reached is told apart from the main one here.
    if (store?.tenant && !(exception instanceof DomainError) && isDatabaseUnavailable(exception)) {
      const probe = this.options.mainDatabaseUp;
      if (!probe) return this.respond(res, new TenantDatabaseUnavailableError(), requestId);
      void probe()
        .catch(() => false)
        .then((mainUp) => this.respond(res, mainUp ? new TenantDatabaseUnavailableError() : exception, requestId));
      return;
    }
    this.respond(res, exception, requestId);
  }

  private respond(res: FastifyReply, exception: unknown, requestId: string): void {
    const { body, headers } = this.toBody(exception, requestId);
    if (body.statusCode >= 500 && body.code !== 'SERVICE_UNAVAILABLE' && body.code !== 'TENANT_DATABASE_UNAVAILABLE') {
      this.logger.error({ err: exception, requestId }, 'Unhandled error');
    }
    if (res.sent || res.raw.headersSent) {
      if (!res.raw.writableEnded) res.raw.end();
      return;
    }
    for (const [k, v] of Object.entries(headers ?? {})) res.header(k, v);
    res.status(body.statusCode).type('application/json; charset=utf-8').send(body);
  }

  toBody(exception: unknown, requestId: string): { body: ErrorBody; headers?: Record<string, string> } {
    const make = (status: number, code: ErrorCode, message: string, details?: ErrorDetail[]): ErrorBody => ({
      statusCode: status,
      error: STATUS_CODES[status] ?? 'Error',
      code,
      message,
      ...(details && details.length > 0 ? { details } : {}),
      requestId,
    });

    if (exception instanceof DomainError) {
      return { body: make(exception.status, exception.code, exception.message, exception.details), headers: exception.headers };
    }
    const prisma = mapPrismaError(exception);
    if (prisma) {
      return { body: make(prisma.status, prisma.code, prisma.message, prisma.details), headers: prisma.headers };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      let message = exception.message;
      if (typeof response === 'object' && response !== null && 'message' in response) {
        const m = (response as { message: unknown }).message;
        message = Array.isArray(m) ? m.join('; ') : String(m);
      }
      if (status === 404 && /^Cannot (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)/.test(message)) {
        message = 'Route not found';
      }
      return { body: make(status, codeForStatus(status), message) };
    }
    // Body errors (malformed JSON, too large, bad charset; Fastify's and ours) carry a status.
    const e = exception as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message = e.type === 'entity.parse.failed' ? 'Malformed JSON in request body' : (e.message ?? 'Bad request');
      return { body: make(status, codeForStatus(status), message) };
    }
    if (isDatabaseUnavailable(exception)) {
      return { body: make(503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable') };
    }
    return { body: make(500, 'INTERNAL_ERROR', 'Internal server error') };
  }
}
