import { ConflictError, ForbiddenError } from '../../common/errors.js';

/** Granting a capability the caller lacks, or a platform capability to a client role or user. */
export class CapabilityNotGrantableError extends ForbiddenError {
  constructor(capabilities: readonly string[]) {
    super(`Capability not grantable: ${capabilities.join(', ')}`, 'CAPABILITY_NOT_GRANTABLE');
  }
}

export class SystemRoleReadonlyError extends ForbiddenError {
  constructor() {
    super('System roles are read-only', 'SYSTEM_ROLE_READONLY');
  }
}

export class RoleNameTakenError extends ConflictError {
  constructor() {
    super('A role with this name already exists', 'CONFLICT', [{ field: 'name', message: 'name is already taken' }]);
  }
}
