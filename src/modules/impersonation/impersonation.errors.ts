import { ConflictError, ForbiddenError } from '../../common/errors.js';

/** A request authenticated with an impersonation token tried to start another impersonation. */
export class ImpersonationNestedError extends ForbiddenError {
  constructor() {
    super('An impersonation session cannot start another one; end it first', 'IMPERSONATION_NESTED');
  }
}

export class ImpersonationSelfError extends ForbiddenError {
  constructor() {
    super('You cannot impersonate yourself', 'IMPERSONATION_SELF');
  }
}

/** The target is a platform user, or holds capabilities the impersonator lacks (or the impersonator is not a platform admin). */
export class ImpersonationNotAllowedError extends ForbiddenError {
  constructor(message: string) {
    super(message, 'IMPERSONATION_NOT_ALLOWED');
  }
}

/** `allowWrites` was asked but the impersonator lacks some write capability of the target. */
export class ImpersonationWritesNotAllowedError extends ForbiddenError {
  constructor(missing: string[]) {
    super(`allowWrites needs every write capability the user holds; you lack: ${missing.join(', ')}`, 'IMPERSONATION_WRITES_NOT_ALLOWED');
  }
}

/** The target user is deactivated. */
export class ImpersonationTargetInactiveError extends ConflictError {
  constructor() {
    super('The user is not active', 'IMPERSONATION_TARGET_INACTIVE');
  }
}
