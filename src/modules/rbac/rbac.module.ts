import { Module } from '@nestjs/common';
import { RolesRepository } from './roles.repository.js';
import { RolesService } from './roles.service.js';
import { UserAdminService } from './user-admin.service.js';
import { CapabilitiesController, RolesController } from './roles.controller.js';
import { UsersController } from './users.controller.js';

/** User administration, roles and the capability catalog's routes (`/users`, `/roles`, `/capabilities`). */
@Module({
  controllers: [UsersController, RolesController, CapabilitiesController],
  providers: [RolesRepository, RolesService, UserAdminService],
  exports: [RolesRepository],
})
export class RbacModule {}
