import { Module } from '@nestjs/common';
import { UsersService } from './users.service.js';

/** Users, roles and the capability catalog (`/users`, `/roles`, `/capabilities`). */
@Module({
  controllers: [],
  providers: [UsersService],
  exports: [UsersService],
})
export class RbacModule {}
