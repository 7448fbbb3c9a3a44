import { Command, CommandRunner, Option } from 'nest-commander';
import { CliUsageError, print, printTable, truncate } from '../../clients/index.js';
import { JOB_STATUSES, JOB_TYPES, type JobRecord, type JobStatus } from '../jobs/job.types.js';
import { JobsService } from '../jobs/jobs.service.js';

interface ListOptions {
  type?: string;
  status?: JobStatus;
  limit?: number;
  json?: boolean;
}

@Command({ name: 'jobs:list', description: 'Operation jobs (backups, restores, migrations), newest first' })
export class JobsListCommand extends CommandRunner {
  constructor(private readonly jobs: JobsService) {
    super();
  }

  async run(_args: string[], o: ListOptions): Promise<void> {
    const page = await this.jobs.list({ type: o.type, status: o.status, limit: o.limit ?? 50 });
    if (o.json) return print(JSON.stringify(page.data, null, 2));
    if (page.data.length === 0) return print('No jobs.');
    printTable(
      ['id', 'type', 'client', 'status', 'progress', 'created', 'error'],
      page.data.map((j) => [
        j.id,
        j.type,
        j.clientId ?? '',
        j.status,
        `${j.progress.done}/${j.progress.total}`,
        j.createdAt.toISOString(),
        truncate(j.error, 50),
      ]),
    );
  }

  @Option({ flags: '--type <type>', description: `Only this type (${JOB_TYPES.join(', ')})` })
  parseType(value: string): string {
    if (!(JOB_TYPES as readonly string[]).includes(value)) throw new CliUsageError(`--type must be one of ${JOB_TYPES.join(', ')}`);
    return value;
  }

  @Option({ flags: '--status <status>', description: `Only this status (${JOB_STATUSES.join(', ')})` })
  parseStatus(value: string): string {
    if (!(JOB_STATUSES as readonly string[]).includes(value)) throw new CliUsageError(`--status must be one of ${JOB_STATUSES.join(', ')}`);
    return value;
  }

  @Option({ flags: '--limit <n>', description: 'At most this many (default 50, max 200)' })
  parseLimit(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 200) throw new CliUsageError('--limit must be 1-200');
    return n;
  }

  @Option({ flags: '--json', description: 'Print JSON' })
  parseJson(): boolean {
    return true;
  }
}

@Command({ name: 'jobs:show', arguments: '<id>', description: 'One job with its progress, result or error (JSON)' })
export class JobsShowCommand extends CommandRunner {
  constructor(private readonly jobs: JobsService) {
    super();
  }

  async run([id]: string[]): Promise<void> {
    if (!/^[0-9a-f-]{36}$/i.test(id ?? '')) throw new CliUsageError('the job id must be a UUID');
    printJob(await this.jobs.get(id));
  }
}

export function printJob(job: JobRecord): void {
  print(JSON.stringify(job, null, 2));
}
