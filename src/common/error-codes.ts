/**
 * Every machine code an error body can carry, with the status it comes with
 * and what it means. Codes are part of the API: an integration branches on
 * them, so one may be added but never renamed or given another meaning. The
 * OpenAPI document lists them (the `code` enum of the error body).
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { status: 400, description: 'The request is invalid; `details` names each field' },
  MALFORMED_REQUEST: { status: 400, description: 'The HTTP request or its URL could not be parsed' },
  UNAUTHENTICATED: { status: 401, description: 'No valid credentials' },
  INVALID_CREDENTIALS: { status: 401, description: 'Wrong e-mail or password' },
  INVALID_2FA_CODE: { status: 401, description: 'Wrong or reused two-factor code' },
  REFRESH_TOKEN_REUSED: { status: 401, description: 'A refresh token was used twice; its session is revoked' },
  FORBIDDEN: { status: 403, description: 'The caller may not do this' },
  CAPABILITY_NOT_GRANTABLE: { status: 403, description: 'A capability the caller cannot grant' },
  CLIENT_SUSPENDED: { status: 403, description: "The caller's client is suspended" },
  SIGNUP_DISABLED: { status: 403, description: 'Signup is switched off on this server' },
  SYSTEM_ROLE_READONLY: { status: 403, description: 'System roles cannot be changed' },
  TENANT_REQUIRED: { status: 403, description: 'The route needs a client (tenant) user' },
  IMPERSONATION_READ_ONLY: { status: 403, description: 'A read-only impersonation session cannot write' },
  IMPERSONATION_NESTED: { status: 403, description: 'An impersonation session cannot start another' },
  IMPERSONATION_SELF: { status: 403, description: 'No one can impersonate themselves' },
  IMPERSONATION_NOT_ALLOWED: { status: 403, description: 'This user may not be impersonated by the caller' },
  IMPERSONATION_WRITES_NOT_ALLOWED: { status: 403, description: 'allowWrites needs every write capability the user holds' },
  IMPERSONATION_TARGET_INACTIVE: { status: 403, description: 'The user to impersonate is not active' },
  NOT_FOUND: { status: 404, description: 'No such route or resource, or one the caller may not see' },
  NO_RUNNING_TIMER: { status: 404, description: 'The user has no running timer' },
  METHOD_NOT_ALLOWED: { status: 405, description: 'The route does not take this method' },
  REQUEST_TIMEOUT: { status: 408, description: 'The request was not received in time' },
  CONFLICT: { status: 409, description: 'The request conflicts with the current state (a duplicate, say)' },
  TIME_ENTRY_OVERLAP: { status: 409, description: 'The entry overlaps another of the same user' },
  TIMER_ALREADY_RUNNING: { status: 409, description: 'The user already has a running timer' },
  PROJECT_ARCHIVED: { status: 409, description: 'The project is archived' },
  QUOTA_EXCEEDED: { status: 409, description: 'The client holds as many of these as its quota allows' },
  DAILY_LIMIT_EXCEEDED: { status: 409, description: 'More than 24 hours on one day of a user' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, description: 'The Idempotency-Key was used for another request' },
  JOB_CONFLICT: { status: 409, description: 'Another operation on this client is queued or running' },
  MIGRATION_FAILED: { status: 409, description: "A client's database could not be migrated" },
  PRECONDITION_FAILED: { status: 412, description: 'If-Match does not match the current ETag; nothing changed' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body is larger than allowed' },
  URI_TOO_LONG: { status: 414, description: 'The URL is longer than allowed' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The body is not JSON' },
  RATE_LIMITED: { status: 429, description: 'Too many requests; Retry-After says when to try again' },
  HEADERS_TOO_LARGE: { status: 431, description: 'The request headers are larger than allowed' },
  INTERNAL_ERROR: { status: 500, description: 'A bug; the response reveals nothing, the log has it' },
  SERVICE_UNAVAILABLE: { status: 503, description: 'The main database cannot be reached; try again' },
  TENANT_DATABASE_UNAVAILABLE: { status: 503, description: "The client's database cannot be reached; other clients work" },
  CLIENT_MAINTENANCE: { status: 503, description: 'The client is in maintenance: reads work, writes are refused for now' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** The code an error of this status gets when nothing more specific is known. */
export const CODE_BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  500: 'INTERNAL_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** The code for a status: the status's own, else its class's (a 4xx is a request's fault, a 5xx ours). */
export function codeForStatus(status: number): ErrorCode {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED');
}
