import { Module } from '@nestjs/common';
import { ClientsService } from './clients.service.js';
import { ClientsRepository } from './clients.repository.js';
import { DemoSeedRepository } from './demo-seed.repository.js';
import { ClientsController } from './clients.controller.js';
import { ClientMigrationsService } from './client-migrations.service.js';
import { PlatformAdminService } from './platform-admin.service.js';
import { PlatformAdminsRepository } from './platform-admins.repository.js';

/** Tenant management for platform admins (`/clients`), tenant migrations, the platform admin bootstrap; used by the operations CLI. */
@Module({
  controllers: [ClientsController],
  providers: [
    ClientsService,
    ClientsRepository,
    ClientMigrationsService,
    PlatformAdminService,
    PlatformAdminsRepository,
    DemoSeedRepository,
  ],
  exports: [ClientsService, ClientsRepository, ClientMigrationsService, PlatformAdminService, DemoSeedRepository],
})
export class ClientsModule {}
