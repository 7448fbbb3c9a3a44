import { Command, CommandRunner, Option } from 'nest-commander';
import { CliFailure, CliUsageError, ClientsService, print } from '../../clients/index.js';
import { OperationsService } from '../operations.service.js';
import { printJob } from './jobs.command.js';

interface MoveOptions {
  to?: string;
  queue?: boolean;
}

@Command({
  name: 'clients:move',
  arguments: '<slug>',
  description:
    "Move a client's database to another server of TENANT_DATABASE_SERVERS (copy, verify every table, switch, drop the old one), " +
    'in this process (recorded as a job), or queued for the workers with --queue. Exit 1 if it failed',
})
export class ClientsMoveCommand extends CommandRunner {
  constructor(
    private readonly clients: ClientsService,
    private readonly ops: OperationsService,
  ) {
    super();
  }

  async run([slug]: string[], o: MoveOptions): Promise<void> {
    if (!o.to) throw new CliUsageError('--to <server> is required (a name from TENANT_DATABASE_SERVERS)');
    const client = await this.clients.getBySlug(slug);
    const job = await this.ops.startMove(client.id, o.to, !o.queue);
    printJob(job);
    if (o.queue) return print(`queued: follow it with jobs:show ${job.id}`);
    if (job.status !== 'succeeded') throw new CliFailure(`error: the move failed: ${job.error ?? 'unknown error'}`);
  }

  @Option({ flags: '--to <server>', description: 'The target server (its name in TENANT_DATABASE_SERVERS)', required: true })
  parseTo(value: string): string {
    return value;
  }

  @Option({ flags: '--queue', description: 'Queue it as a job for the worker instances instead of running it here' })
  parseQueue(): boolean {
    return true;
  }
}
