import { ForbiddenError } from '../../common/errors.js';

/** SIGNUP_ENABLED=false: companies are created by platform admins only. */
export class SignupDisabledError extends ForbiddenError {
  constructor() {
    super('Signup is disabled on this server', 'SIGNUP_DISABLED');
  }
}
