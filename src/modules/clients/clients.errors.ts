import { ConflictError, DomainError, ValidationFailedError } from '../../common/errors.js';

/** Suspending, renaming or migrating a client whose state does not allow it (deleted, still provisioning, failed). */
export class ClientStateConflictError extends ConflictError {
  constructor(status: string, action: string) {
    super(`Cannot ${action} a client whose status is "${status}"`, 'CONFLICT', [{ field: 'status', message: `client is ${status}` }]);
  }
}

/** DELETE /clients/:id without `?confirm=` naming the client's slug. */
export class DeleteConfirmationError extends ValidationFailedError {
  constructor() {
    super('Deleting a client needs ?confirm=<its slug>', [{ field: 'confirm', message: 'confirm must equal the client slug' }]);
  }
}

/**
 * A client-database migration failed on that tenant: it was rolled back and
 * the tenant stays on its previous version (409: the tenant's data or state
 * conflicts with the migration; the request itself was fine).
 */
export class ClientMigrationFailedError extends DomainError {
  constructor(message: string) {
    super(409, 'MIGRATION_FAILED', message);
  }
}
