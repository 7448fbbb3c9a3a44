import { ClientsBackupCommand, ClientsDoctorCommand, ClientsRestoreCommand } from './clients-operations.command.js';
import { ClientsMigrateCommand } from './clients-migrate.command.js';
import { ClientsMoveCommand } from './clients-move.command.js';
import { JobsListCommand, JobsShowCommand } from './jobs.command.js';

/** Tenant database operation commands; each runs its work in the CLI's own process (or queues it for the workers with --queue where offered). */
export const OPERATIONS_COMMANDS = [
  JobsListCommand,
  JobsShowCommand,
  ClientsBackupCommand,
  ClientsRestoreCommand,
  ClientsDoctorCommand,
  ClientsMoveCommand,
  ClientsMigrateCommand,
];
