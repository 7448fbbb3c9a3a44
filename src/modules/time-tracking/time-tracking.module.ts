import { Module } from '@nestjs/common';
import { ClientUsersRepository } from './client-users.repository.js';
import { ProjectsController } from './projects.controller.js';
import { ProjectsRepository } from './projects.repository.js';
import { ProjectsService } from './projects.service.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';
import { TasksController } from './tasks.controller.js';
import { TasksRepository } from './tasks.repository.js';
import { TasksService } from './tasks.service.js';
import { TimeEntriesController } from './time-entries.controller.js';
import { TimeEntriesRepository } from './time-entries.repository.js';
import { TimeEntriesService } from './time-entries.service.js';

const services = [ProjectsService, TasksService, TimeEntriesService, ReportsService];

/**
 * Projects, members, tasks, time entries, timers and reports (tenant-scoped).
 * The services take an `Actor` (see actor.ts) and make every permission
 * decision themselves, so the chat assistant gets the same checks as REST.
 * They read the tenant database from the tenant context
 * (TenantPrismaProvider); outside HTTP (CLI, jobs, tests), call them inside
 * `TenantContextService.withTenant(clientId, fn)`, which leases the tenant's
 * connection for the whole call and sets that context.
 */
@Module({
  controllers: [ProjectsController, TasksController, TimeEntriesController, ReportsController],
  providers: [...services, ProjectsRepository, TasksRepository, TimeEntriesRepository, ReportsRepository, ClientUsersRepository],
  exports: services,
})
export class TimeTrackingModule {}
