import { DomainError } from '../../common/errors.js';

/** 412 PRECONDITION_FAILED: the resource changed since the ETag in If-Match was read; nothing was changed. */
export class PreconditionFailedError extends DomainError {
  constructor() {
    super(412, 'PRECONDITION_FAILED', 'The resource has changed since it was read (If-Match does not match its ETag); nothing was changed');
  }
}
