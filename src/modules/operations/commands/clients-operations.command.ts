import { Command, CommandRunner, Option } from 'nest-commander';
import {
  ClientsService,
  ClientsRepository,
  type ClientRecord,
  CliFailure,
  CliUsageError,
  collect,
  positiveInt,
  print,
  printTable,
  truncate,
} from '../../clients/index.js';
import { ClientHealthService } from '../health/client-health.service.js';
import { OperationsService } from '../operations.service.js';
import { printJob } from './jobs.command.js';

@Command({
  name: 'clients:backup',
  arguments: '<slug>',
  description: "Back up a client's database now, in this process (recorded as a job); prints the job. Exit 1 if it failed",
})
export class ClientsBackupCommand extends CommandRunner {
  constructor(
    private readonly clients: ClientsService,
    private readonly ops: OperationsService,
  ) {
    super();
  }

  async run([slug]: string[]): Promise<void> {
    const client = await this.clients.getBySlug(slug);
    const job = await this.ops.startBackup(client.id, true);
    printJob(job);
    if (job.status !== 'succeeded') throw new CliFailure(`error: the backup failed: ${job.error ?? 'unknown error'}`);
  }
}

interface RestoreOptions {
  backup?: string;
}

@Command({
  name: 'clients:restore',
  arguments: '<slug>',
  description: "Restore a client's data from one of its backups, in this process (recorded as a job). Exit 1 if it failed",
})
export class ClientsRestoreCommand extends CommandRunner {
  constructor(
    private readonly clients: ClientsService,
    private readonly ops: OperationsService,
  ) {
    super();
  }

  async run([slug]: string[], o: RestoreOptions): Promise<void> {
    if (!o.backup) throw new CliUsageError('--backup <id> is required (see GET /clients/:id/backups)');
    const client = await this.clients.getBySlug(slug);
    const job = await this.ops.startRestore(client.id, o.backup, true);
    printJob(job);
    if (job.status !== 'succeeded') throw new CliFailure(`error: the restore failed: ${job.error ?? 'unknown error'}`);
  }

  @Option({ flags: '--backup <id>', description: 'The backup to restore (its id)', required: true })
  parseBackup(value: string): string {
    if (!/^[0-9a-f-]{36}$/i.test(value)) throw new CliUsageError('--backup must be a backup id (UUID)');
    return value.toLowerCase();
  }
}

interface DoctorOptions {
  client?: string[];
  json?: boolean;
  concurrency?: number;
}

@Command({
  name: 'clients:doctor',
  description:
    'Health of every non-deleted client (or the ones named): reachable, schema version, pending migrations, drift, size. Exit 1 on any problem',
})
export class ClientsDoctorCommand extends CommandRunner {
  constructor(
    private readonly clients: ClientsRepository,
    private readonly health: ClientHealthService,
  ) {
    super();
  }

  async run(_args: string[], o: DoctorOptions): Promise<void> {
    let targets: ClientRecord[];
    if (o.client?.length) {
      const slugs = [...new Set(o.client)];
      targets = await this.clients.findBySlugs(slugs);
      const missing = slugs.filter((s) => !targets.some((c) => c.slug === s));
      if (missing.length) throw new CliUsageError(`unknown client${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
    } else {
      targets = await this.clients.listNotDeleted();
    }
    targets = targets.filter((c) => c.status !== 'deleted');
    const health = await this.health.checkMany(targets, o.concurrency ?? 8);
    const results = targets.map((c, i) => ({ slug: c.slug, status: c.status, ...health[i] }));
    const problems = results.filter((r) => !r.reachable || r.pendingMigrations.length > 0 || r.drift.length > 0);
    if (o.json) print(JSON.stringify(results, null, 2));
    else if (results.length === 0) print('No clients.');
    else {
      printTable(
        ['client', 'status', 'reachable', 'version', 'pending', 'drift', 'size'],
        results.map((r) => [
          r.slug,
          r.status,
          r.reachable ? 'yes' : `no: ${truncate(r.error ?? '', 40)}`,
          r.schemaVersion ?? '-',
          r.pendingMigrations.length,
          truncate(r.drift.join('; '), 80),
          r.sizeBytes === null ? '' : `${(r.sizeBytes / 1048576).toFixed(1)} MiB`,
        ]),
      );
      print(`${results.length} client${results.length === 1 ? '' : 's'}: ${problems.length} with problems`);
    }
    if (problems.length) throw new CliFailure(`error: ${problems.length} client(s) unreachable, behind or drifted`);
  }

  @Option({ flags: '--client <slug...>', description: 'Only these clients (repeatable, or comma-separated)' })
  parseClient(value: string, previous?: string[]): string[] {
    return collect(value, previous);
  }

  @Option({ flags: '--json', description: 'Print JSON' })
  parseJson(): boolean {
    return true;
  }

  @Option({ flags: '--concurrency <n>', description: 'Clients checked at once (default 8)' })
  parseConcurrency(value: string): number {
    return positiveInt('--concurrency')(value);
  }
}
