import { ConflictError, DomainError, ForbiddenError } from '../../common/errors.js';

/** Wrong e-mail, wrong password or a deactivated user: one answer for all, so nothing is revealed. */
export class InvalidCredentialsError extends DomainError {
  constructor(message = 'Invalid e-mail or password') {
    super(401, 'INVALID_CREDENTIALS', message);
  }
}

/** An already-used refresh token was presented: its whole session has been revoked. */
export class RefreshTokenReusedError extends DomainError {
  constructor() {
    super(401, 'REFRESH_TOKEN_REUSED', 'This refresh token was already used; the session has been revoked');
  }
}

export class InvalidTwoFactorCodeError extends DomainError {
  constructor() {
    super(401, 'INVALID_2FA_CODE', 'Invalid two-factor code');
  }
}

/** 2FA set up / enabled / disabled in the wrong state (e.g. enabling twice). */
export class TwoFactorStateError extends ConflictError {
  constructor(message: string) {
    super(message, 'CONFLICT');
  }
}

/** Credential management (password, 2FA, logout) is not available to an impersonator. */
export class NotWhileImpersonatingError extends ForbiddenError {
  constructor() {
    super('Not available with an impersonation token', 'FORBIDDEN');
  }
}
