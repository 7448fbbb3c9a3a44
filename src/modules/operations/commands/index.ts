import { ClientsBackupCommand, ClientsDoctorCommand, ClientsRestoreCommand } from './clients-operations.command.js';
import { JobsListCommand, JobsShowCommand } from './jobs.command.js';

/** Tenant database operation commands; each runs its work in the CLI's own process. */
export const OPERATIONS_COMMANDS = [JobsListCommand, JobsShowCommand, ClientsBackupCommand, ClientsRestoreCommand, ClientsDoctorCommand];
