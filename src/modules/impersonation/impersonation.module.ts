import { Module } from '@nestjs/common';

/** Audited, time-limited impersonation (`/impersonation`). */
@Module({
  controllers: [],
  providers: [],
})
export class ImpersonationModule {}
