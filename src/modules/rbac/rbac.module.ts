import { Module } from '@nestjs/common';
import { UsersService } from './users.service.js';
import { UsersRepository } from './users.repository.js';
import { RolesRepository } from './roles.repository.js';
import { RolesService } from './roles.service.js';
import { UserAdminService } from './user-admin.service.js';
import { CapabilitiesController, RolesController } from './roles.controller.js';
import { UsersController } from './users.controller.js';

/** Users, roles and the capability catalog (`/users`, `/roles`, `/capabilities`). */
@Module({
  controllers: [UsersController, RolesController, CapabilitiesController],
  providers: [UsersService, UsersRepository, RolesRepository, RolesService, UserAdminService],
  exports: [UsersService, UsersRepository, RolesRepository],
})
export class RbacModule {}
