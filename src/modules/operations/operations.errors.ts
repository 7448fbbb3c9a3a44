import { ConflictError, DomainError } from '../../common/errors.js';

/** 409 JOB_CONFLICT: the client already has an operation queued or running; one at a time keeps its database consistent. */
export class JobConflictError extends ConflictError {
  constructor(readonly runningJobId?: string) {
    super('Another operation on this client is queued or running; wait for it to finish', 'JOB_CONFLICT');
  }
}

/** 409 CONFLICT: the operation does not apply to the client in its current status. */
export class OperationStateError extends ConflictError {
  constructor(message: string) {
    super(message, 'CONFLICT');
  }
}

/** An archive that is not what its record or manifest says (checksum, format, client): never restored from. */
export class BackupIntegrityError extends DomainError {
  constructor(message: string) {
    super(409, 'CONFLICT', message);
  }
}
