import { ConflictError, ForbiddenError } from '../../common/errors.js';

export { CapabilityNotGrantableError } from '../identity/index.js';

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
