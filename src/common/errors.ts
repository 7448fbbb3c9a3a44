import type { ErrorCode } from './error-codes.js';

/**
 * Domain errors carry a stable machine code and an HTTP status; the global
 * filter (http-exception.filter.ts) is the one place that renders them.
 */
export interface ErrorDetail {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends DomainError {
  constructor(message = 'Validation failed', details?: ErrorDetail[]) {
    super(400, 'VALIDATION_FAILED', message, details);
  }
  static field(field: string, message: string): ValidationFailedError {
    return new ValidationFailedError(message, [{ field, message }]);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required') {
    super(401, 'UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You are not allowed to do this', code: ErrorCode = 'FORBIDDEN') {
    super(403, code, message);
  }
}

/** 403 FORBIDDEN for capabilities the caller's roles do not hold (the chat answers it in the conversation). */
export class MissingCapabilityError extends ForbiddenError {
  constructor(...capabilities: string[]) {
    super(`Missing capability: ${capabilities.join(', ')}`);
  }
}

export class NotFoundError extends DomainError {
  constructor(what = 'Resource') {
    super(404, 'NOT_FOUND', `${what} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message = 'Conflict', code: ErrorCode = 'CONFLICT', details?: ErrorDetail[]) {
    super(409, code, message, details);
  }
}

export class RateLimitedError extends DomainError {
  constructor(retryAfterSeconds: number, message = 'Too many attempts; try again later', headers: Record<string, string> = {}) {
    super(429, 'RATE_LIMITED', message, undefined, {
      ...headers,
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}

/** 409 QUOTA_EXCEEDED: the client holds as many of these as its quota allows; nothing was changed. */
export class QuotaExceededError extends DomainError {
  constructor(what: string, limit: number) {
    super(409, 'QUOTA_EXCEEDED', `Quota exceeded: at most ${limit} ${what}`);
  }
}

export class ServiceUnavailableError extends DomainError {
  constructor(message = 'The service is temporarily unavailable', code: ErrorCode = 'SERVICE_UNAVAILABLE') {
    super(503, code, message);
  }
}

export class TenantDatabaseUnavailableError extends ServiceUnavailableError {
  constructor() {
    super("The client's database is temporarily unavailable", 'TENANT_DATABASE_UNAVAILABLE');
  }
}

export class TenantRequiredError extends ForbiddenError {
  constructor() {
    super('This route needs a client (tenant) user; platform admins reach client data by impersonation', 'TENANT_REQUIRED');
  }
}

export class ClientSuspendedError extends ForbiddenError {
  constructor() {
    super('This client is suspended', 'CLIENT_SUSPENDED');
  }
}

/** Seconds a caller is told to wait while a client is in maintenance (an operator's window has no known end). */
export const MAINTENANCE_RETRY_AFTER_SECONDS = 60;

/** 503 CLIENT_MAINTENANCE: the client is read-only for now (an operator's maintenance, a move or a restore). */
export class ClientMaintenanceError extends DomainError {
  constructor(retryAfterSeconds = MAINTENANCE_RETRY_AFTER_SECONDS) {
    super(503, 'CLIENT_MAINTENANCE', 'This client is in maintenance: reading works, changes are refused for now', undefined, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}
