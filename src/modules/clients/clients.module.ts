import { Module } from '@nestjs/common';
import { RbacModule } from '../rbac/rbac.module.js';
import { ClientsService } from './clients.service.js';

/** Tenant management for platform admins (`/clients`) and the operations CLI. */
@Module({
  imports: [RbacModule],
  controllers: [],
  providers: [ClientsService],
  exports: [ClientsService],
})
export class ClientsModule {}
