import { AdminCreateCommand } from './admin-create.command.js';
import { ClientsCreateCommand } from './clients-create.command.js';
import { ClientsListCommand } from './clients-list.command.js';
import { ClientsDeleteCommand, ClientsResumeCommand, ClientsSuspendCommand } from './clients-status.command.js';
import { DbMigrateCommand } from './db-migrate.command.js';
import { SeedDemoCommand } from './seed-demo.command.js';

/** Every operations command (`npm run cli -- <command>`), each a thin call into the services the HTTP side uses. */
export const CLI_COMMANDS = [
  AdminCreateCommand,
  ClientsCreateCommand,
  ClientsListCommand,
  ClientsSuspendCommand,
  ClientsResumeCommand,
  ClientsDeleteCommand,
  DbMigrateCommand,
  SeedDemoCommand,
];
