/** The clients module's public API: tenant management that onboarding and the CLI build on. */
export { ClientsModule } from './clients.module.js';
export { ClientsService, type CreateClientInput, type CreatedClient } from './clients.service.js';
export { SLUG_PATTERN } from './slug.js';
export { ClientsRepository, type ClientRecord, SETTABLE_STATUSES } from './clients.repository.js';
export { safeErrorMessage } from './redact.js';
export { CliFailure, CliUsageError, collect, positiveInt, print, printTable, truncate } from './commands/cli-support.js';
export { ClientMigrationsService, type MigrateAllReport, type TenantMigrationResult } from './client-migrations.service.js';
