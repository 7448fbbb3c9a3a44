import { Module } from '@nestjs/common';
import { RbacModule } from '../rbac/rbac.module.js';
import { ClientsModule } from '../clients/clients.module.js';

/** Signup, login, 2FA, refresh rotation and sessions (`/auth`). */
@Module({
  imports: [RbacModule, ClientsModule],
  controllers: [],
  providers: [],
})
export class AuthModule {}
