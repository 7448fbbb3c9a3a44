import cliProgress from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';
import { ClientMigrationsService, MigrateAllReport } from '../client-migrations.service.js';
import { ClientsRepository, SETTABLE_STATUSES } from '../clients.repository.js';
import { CliFailure, CliUsageError, collect, positiveInt, print, printTable, truncate } from './cli-support.js';

interface Options {
  client?: string[];
  concurrency?: number;
  progress?: boolean;
  json?: boolean;
}

@Command({
  name: 'clients:migrate',
  description:
    'Apply pending client-database migrations to every active or suspended client (or the ones named). ' +
    'One failing client does not stop the others; each result is recorded on the client; re-running resumes. Exit code 1 if any failed',
})
export class ClientsMigrateCommand extends CommandRunner {
  constructor(
    private readonly migrations: ClientMigrationsService,
    private readonly clients: ClientsRepository,
  ) {
    super();
  }

  async run(_args: string[], o: Options): Promise<void> {
    let clientIds: string[] | undefined;
    if (o.client?.length) {
      const slugs = [...new Set(o.client)];
      const found = await this.clients.findBySlugs(slugs);
      const missing = slugs.filter((s) => !found.some((c) => c.slug === s));
      if (missing.length) throw new CliUsageError(`unknown client${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
      const unmigratable = found.filter((c) => !(SETTABLE_STATUSES as readonly string[]).includes(c.status));
      if (unmigratable.length) {
        throw new CliUsageError(`not migratable (status): ${unmigratable.map((c) => `${c.slug} (${c.status})`).join(', ')}`);
      }
      clientIds = found.map((c) => c.id);
    }
    const showProgress = o.progress !== false && !o.json && process.stderr.isTTY === true;
    const bar = showProgress
      ? new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: 'Migrating |{bar}| {value}/{total} clients | {failed} failed | {slug}',
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
    let started = false;
    const report = await this.migrations.migrateAll({
      clientIds,
      concurrency: o.concurrency ?? 4,
      onProgress: (p) => {
        if (!bar) return;
        if (!started) {
          bar.start(p.total, 0, { failed: 0, slug: '' });
          started = true;
        }
        bar.update(p.done, { failed: p.failed, slug: p.last.slug });
      },
    });
    if (bar && started) bar.stop();
    if (o.json) print(JSON.stringify(report, null, 2));
    else printReport(report);
    if (!report.ok) throw new CliFailure(`error: ${report.failed} of ${report.total} clients failed to migrate (re-run to retry them)`);
  }

  @Option({ flags: '--client <slug...>', description: 'Only these clients (repeatable, or comma-separated)' })
  parseClient(value: string, previous?: string[]): string[] {
    return collect(value, previous);
  }

  @Option({ flags: '--concurrency <n>', description: 'Clients migrated at once (default 4)' })
  parseConcurrency(value: string): number {
    return positiveInt('--concurrency')(value);
  }

  @Option({ flags: '--no-progress', description: 'No progress bar (it is shown on stderr only when stderr is a terminal)' })
  parseProgress(value: boolean): boolean {
    return value;
  }

  @Option({ flags: '--json', description: 'Print the report as JSON' })
  parseJson(): boolean {
    return true;
  }
}

function printReport(report: MigrateAllReport): void {
  if (report.total === 0) {
    print('No clients to migrate.');
    return;
  }
  const rows = report.results.map((r) => [
    r.slug,
    r.fromVersion ?? '-',
    r.toVersion ?? '-',
    r.applied.length,
    r.status,
    truncate(r.error, 70),
  ]);
  printTable(['client', 'from version', 'to version', 'applied', 'status', 'error'], rows);
  print(
    `${report.total} client${report.total === 1 ? '' : 's'}: ${report.migrated} migrated, ${report.current} already current, ${report.failed} failed ` +
      `(latest ${report.latestVersion ?? '-'}, ${(report.durationMs / 1000).toFixed(1)} s)`,
  );
}
