import { ConflictError } from '../../common/errors.js';

/** 409 IDEMPOTENCY_KEY_REUSED: the key was used by this user for another request (method, path or body) within 24 hours. */
export class IdempotencyKeyReusedError extends ConflictError {
  constructor() {
    super('This Idempotency-Key was used for a different request', 'IDEMPOTENCY_KEY_REUSED');
  }
}

/** 409 CONFLICT: a request with this key is still running after the wait; retry later for its answer. */
export class IdempotencyKeyInProgressError extends ConflictError {
  constructor() {
    super('A request with this Idempotency-Key is still in progress; retry later');
  }
}
