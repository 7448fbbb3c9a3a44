import { CODE_BY_STATUS, codeForStatus, ERROR_CODES, isErrorCode } from './error-codes.js';

/** The codes the API contract names (section Conventions); the catalog may hold more, never fewer. */
const CONTRACT_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'INVALID_CREDENTIALS',
  'REFRESH_TOKEN_REUSED',
  'CLIENT_SUSPENDED',
  'SIGNUP_DISABLED',
  'SYSTEM_ROLE_READONLY',
  'IMPERSONATION_READ_ONLY',
  'TIME_ENTRY_OVERLAP',
  'TIMER_ALREADY_RUNNING',
  'NO_RUNNING_TIMER',
  'PROJECT_ARCHIVED',
  'CAPABILITY_NOT_GRANTABLE',
  'TENANT_REQUIRED',
  'INVALID_2FA_CODE',
  'TENANT_DATABASE_UNAVAILABLE',
  'DAILY_LIMIT_EXCEEDED',
  'QUOTA_EXCEEDED',
  'CLIENT_MAINTENANCE',
  'PRECONDITION_FAILED',
  'IDEMPOTENCY_KEY_REUSED',
  'JOB_CONFLICT',
  'SERVICE_UNAVAILABLE',
];

describe('error code catalog', () => {
  it.each(CONTRACT_CODES)('holds the contract code %s', (code) => {
    expect(isErrorCode(code)).toBe(true);
  });

  it('has UPPER_SNAKE codes, each with an error status and a description', () => {
    for (const [code, { status, description }] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
      expect(description.length).toBeGreaterThan(10);
    }
  });

  it('gives each status its own generic code, whose catalog status is that status', () => {
    for (const [status, code] of Object.entries(CODE_BY_STATUS)) expect(ERROR_CODES[code].status).toBe(Number(status));
  });

  it('falls back to the class of an unlisted status', () => {
    expect(codeForStatus(418)).toBe('VALIDATION_FAILED');
    expect(codeForStatus(502)).toBe('INTERNAL_ERROR');
    expect(codeForStatus(404)).toBe('NOT_FOUND');
  });

  it('does not take inherited names for codes', () => {
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('constructor')).toBe(false);
  });
});
