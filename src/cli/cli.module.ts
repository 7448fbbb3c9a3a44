import { DynamicModule, Module } from '@nestjs/common';
import { AppModule } from '../app.module.js';
import type { AppConfig } from '../config/config.js';
import { ClientsModule } from '../modules/clients/clients.module.js';
import { RbacModule } from '../modules/rbac/rbac.module.js';
import { DemoSeedService } from '../modules/clients/demo-seed.service.js';
import { SKIP_PLATFORM_ADMIN_BOOTSTRAP } from '../modules/clients/platform-admin.service.js';
import { OperationsModule } from '../modules/operations/operations.module.js';
import { NO_JOB_WORKER } from '../modules/operations/jobs/job-queue.service.js';
import { NO_WEBHOOK_DISPATCH } from '../modules/webhooks/index.js';
import { ALL_COMMANDS } from './cli-arguments.module.js';
import { CliProgram } from './cli-program.js';

/**
 * The application context of the CLI: the same modules and services as the
 * HTTP server (no HTTP listener), plus the commands. The start-up admin
 * bootstrap is skipped: `db:migrate` must work on an empty database, and
 * `admin:create` creates admins explicitly.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      global: true,
      imports: [AppModule.forRoot(config), ClientsModule, RbacModule, OperationsModule],
      providers: [
        { provide: SKIP_PLATFORM_ADMIN_BOOTSTRAP, useValue: true },
        { provide: NO_JOB_WORKER, useValue: true },
        { provide: NO_WEBHOOK_DISPATCH, useValue: true },
        DemoSeedService,
        CliProgram,
        ...ALL_COMMANDS,
      ],
      exports: [SKIP_PLATFORM_ADMIN_BOOTSTRAP, NO_JOB_WORKER, NO_WEBHOOK_DISPATCH],
    };
  }
}
