import { Module } from '@nestjs/common';
import { RbacModule } from '../rbac/rbac.module.js';
import { ClientsService } from './clients.service.js';
import { ClientsRepository } from './clients.repository.js';
import { ClientsController } from './clients.controller.js';
import { ClientMigrationsService } from './client-migrations.service.js';
import { PlatformAdminService } from './platform-admin.service.js';
import { PlatformAdminsRepository } from './platform-admins.repository.js';

/** Tenant management for platform admins (`/clients`), tenant migrations, the platform admin bootstrap; used by the operations CLI. */
@Module({
  imports: [RbacModule],
  controllers: [ClientsController],
  providers: [ClientsService, ClientsRepository, ClientMigrationsService, PlatformAdminService, PlatformAdminsRepository],
  exports: [ClientsService, ClientsRepository, ClientMigrationsService, PlatformAdminService],
})
export class ClientsModule {}
