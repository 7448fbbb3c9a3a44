import { Module } from '@nestjs/common';
import { ImpersonationController } from './impersonation.controller.js';
import { ImpersonationRepository } from './impersonation.repository.js';
import { ImpersonationService } from './impersonation.service.js';

/** Audited, time-limited impersonation (`/impersonation`). */
@Module({
  controllers: [ImpersonationController],
  providers: [ImpersonationService, ImpersonationRepository],
})
export class ImpersonationModule {}
