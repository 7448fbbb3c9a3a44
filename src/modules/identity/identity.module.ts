import { Global, Module } from '@nestjs/common';
import { PasswordService } from './password.service.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

const providers = [PasswordService, UsersRepository, UsersService];

/**
 * User accounts: the users aggregate, password hashing, e-mail and time-zone
 * rules, and the capability catalog. It depends on no other feature module,
 * so auth, rbac, clients and onboarding can all build on it without a cycle.
 */
@Global()
@Module({ providers, exports: providers })
export class IdentityModule {}
