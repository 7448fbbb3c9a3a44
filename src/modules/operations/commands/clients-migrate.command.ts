import cliProgress from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';
import {
  ClientMigrationsService,
  ClientsRepository,
  CliFailure,
  CliUsageError,
  collect,
  type MigrateAllReport,
  positiveInt,
  print,
  printTable,
  SETTABLE_STATUSES,
  truncate,
} from '../../clients/index.js';
import type { JobRecord } from '../jobs/job.types.js';
import { JobsService } from '../jobs/jobs.service.js';
import { type MigrateAllResult, MigrateAllService } from '../migrate/migrate-all.service.js';
import { printJob } from './jobs.command.js';

interface Options {
  client?: string[];
  concurrency?: number;
  progress?: boolean;
  json?: boolean;
  dryRun?: boolean;
  queue?: boolean;
}

@Command({
  name: 'clients:migrate',
  description:
    'Apply pending client-database migrations to every active or suspended client (or the ones named). ' +
    'One failing client does not stop the others; each result is recorded on the client; re-running resumes. ' +
    '--dry-run applies them to a disposable copy of each database instead (nothing changes) and reports per client. ' +
    'Runs in this process (a progress bar on a terminal); --queue hands it to the worker instances as a job (POST /clients/migrate). ' +
    'Exit code 1 if any failed',
})
export class ClientsMigrateCommand extends CommandRunner {
  constructor(
    private readonly migrations: ClientMigrationsService,
    private readonly clients: ClientsRepository,
    private readonly migrateAll: MigrateAllService,
    private readonly jobs: JobsService,
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
    if (o.queue || o.dryRun) return this.asJob(o, clientIds, showProgress);
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

  /** Dry runs and --queue go through the job (POST /clients/migrate's code): in this process, or queued. */
  private async asJob(o: Options, clientIds: string[] | undefined, showProgress: boolean): Promise<void> {
    const input = { dryRun: o.dryRun === true, clientIds };
    if (o.queue) {
      const job = await this.migrateAll.start(input);
      printJob(job);
      print(`queued: follow it with jobs:show ${job.id}`);
      return;
    }
    const bar = showProgress
      ? new cliProgress.SingleBar(
          { stream: process.stderr, format: `${o.dryRun ? 'Dry run' : 'Migrating'} |{bar}| {value}/{total} clients`, hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
    let timer: NodeJS.Timeout | null = null;
    const job: JobRecord = await this.migrateAll
      .start(input, true, (id) => {
        if (!bar) return;
        bar.start(0, 0);
        timer = setInterval(() => {
          void this.jobs
            .get(id)
            .then((j) => {
              bar.setTotal(j.progress.total);
              bar.update(j.progress.done);
            })
            .catch(() => undefined);
        }, 250);
      })
      .finally(() => {
        if (timer) clearInterval(timer);
        bar?.stop();
      });
    const result = job.result as MigrateAllResult | null;
    if (o.json) print(JSON.stringify(job, null, 2));
    else if (result) printJobReport(result);
    else printJob(job);
    if (job.status !== 'succeeded') throw new CliFailure(`error: ${job.error ?? 'the job failed'}`);
  }

  @Option({ flags: '--dry-run', description: 'Apply the pending migrations to a disposable copy of each database; change nothing' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({ flags: '--queue', description: 'Queue it as a job for the worker instances (prints the job) instead of running it here' })
  parseQueue(): boolean {
    return true;
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

function printJobReport(r: MigrateAllResult): void {
  if (r.total === 0) {
    print('No clients to migrate.');
    return;
  }
  printTable(
    ['client', 'from version', 'to version', 'applied', 'status', 'migrations ms', 'error'],
    r.results.map((x) => [
      x.slug,
      x.fromVersion ?? '-',
      x.toVersion ?? '-',
      x.applied.length,
      x.status,
      x.durationMs,
      truncate(x.error, 60),
    ]),
  );
  print(
    `${r.dryRun ? 'Dry run: ' : ''}${r.total} client${r.total === 1 ? '' : 's'}: ${r.migrated} ${r.dryRun ? 'would migrate' : 'migrated'}, ` +
      `${r.current} already current, ${r.failed} failed (${(r.durationMs / 1000).toFixed(1)} s)${r.dryRun ? '; nothing was changed' : ''}`,
  );
}
