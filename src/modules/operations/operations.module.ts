import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/index.js';
import { BackupsRepository } from './backups/backups.repository.js';
import { BackupsService } from './backups/backups.service.js';
import { ClientHealthService } from './health/client-health.service.js';
import { JobQueueService } from './jobs/job-queue.service.js';
import { JobsController } from './jobs/jobs.controller.js';
import { JobsRepository } from './jobs/jobs.repository.js';
import { JobsService } from './jobs/jobs.service.js';
import { MigrateAllService } from './migrate/migrate-all.service.js';
import { MigrateDryRunService } from './migrate/migrate-dry-run.service.js';
import { MoveCopyService } from './move/move-copy.service.js';
import { MoveService } from './move/move.service.js';
import { OperationsController } from './operations.controller.js';
import { OperationsService } from './operations.service.js';

/** Tenant database operations (`/jobs`, `/clients/:id/health|backups|restore|move`, `/clients/migrate`): pg-boss jobs, health and drift, backups, moves, migrations across clients. */
@Module({
  imports: [ClientsModule],
  controllers: [JobsController, OperationsController],
  providers: [
    JobQueueService,
    JobsRepository,
    JobsService,
    ClientHealthService,
    BackupsRepository,
    BackupsService,
    MoveCopyService,
    MoveService,
    MigrateDryRunService,
    MigrateAllService,
    OperationsService,
  ],
  exports: [JobsService, OperationsService, ClientHealthService, MigrateAllService],
})
export class OperationsModule {}
