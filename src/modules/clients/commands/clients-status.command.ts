import { Command, CommandRunner, Option } from 'nest-commander';
import { ClientsService } from '../clients.service.js';
import { CliUsageError, print } from './cli-support.js';

function slugArg(args: string[]): string {
  if (args.length !== 1 || !args[0]) throw new CliUsageError('expected exactly one client slug');
  return args[0];
}

@Command({
  name: 'clients:suspend',
  arguments: '<slug>',
  argsDescription: { slug: 'The client to suspend' },
  description: 'Suspend a client: its users get 403 CLIENT_SUSPENDED on every running instance within a second',
})
export class ClientsSuspendCommand extends CommandRunner {
  constructor(private readonly clients: ClientsService) {
    super();
  }

  async run(args: string[]): Promise<void> {
    const client = await this.clients.getBySlug(slugArg(args));
    const updated = await this.clients.suspend(client.id);
    print(`Client ${updated.slug} is ${updated.status}`);
  }
}

@Command({
  name: 'clients:resume',
  arguments: '<slug>',
  argsDescription: { slug: 'The client to resume' },
  description: 'Resume a suspended client',
})
export class ClientsResumeCommand extends CommandRunner {
  constructor(private readonly clients: ClientsService) {
    super();
  }

  async run(args: string[]): Promise<void> {
    const client = await this.clients.getBySlug(slugArg(args));
    const updated = await this.clients.resume(client.id);
    print(`Client ${updated.slug} is ${updated.status}`);
  }
}

interface DeleteOptions {
  confirm: string;
}

@Command({
  name: 'clients:delete',
  arguments: '<slug>',
  argsDescription: { slug: 'The client to delete' },
  description:
    "Delete a client: drop its database and role, end its users' sessions and mark it deleted. Refuses unless --confirm repeats the slug",
})
export class ClientsDeleteCommand extends CommandRunner {
  constructor(private readonly clients: ClientsService) {
    super();
  }

  async run(args: string[], o: DeleteOptions): Promise<void> {
    const slug = slugArg(args);
    if (o.confirm !== slug) throw new CliUsageError(`refusing to delete: --confirm must repeat the slug "${slug}"`);
    const client = await this.clients.getBySlug(slug);
    await this.clients.delete(client.id, o.confirm);
    print(`Deleted client ${slug}: database ${client.databaseName} dropped, sessions revoked`);
  }

  @Option({ flags: '--confirm <slug>', description: 'Must equal <slug>', required: true })
  parseConfirm(value: string): string {
    return value;
  }
}
