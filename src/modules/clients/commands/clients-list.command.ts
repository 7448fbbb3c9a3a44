import { Command, CommandRunner, Option } from 'nest-commander';
import { ClientsService } from '../clients.service.js';
import { CLIENT_STATUSES, ClientRecord } from '../clients.repository.js';
import type { ClientStatus } from '../../../database/tenant-registry.service.js';
import { toClientDto } from '../dto/client.dto.js';
import { CliUsageError, print, printTable, truncate } from './cli-support.js';

interface Options {
  status?: ClientStatus;
  json?: boolean;
}

@Command({ name: 'clients:list', description: 'List clients (newest first) as a table, or as JSON with --json' })
export class ClientsListCommand extends CommandRunner {
  constructor(private readonly clients: ClientsService) {
    super();
  }

  async run(_args: string[], o: Options): Promise<void> {
    const all: ClientRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.clients.list({ status: o.status, limit: 200, cursor });
      all.push(...page.data);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    if (o.json) {
      print(JSON.stringify(all.map(toClientDto), null, 2));
      return;
    }
    if (all.length === 0) {
      print(o.status ? `No ${o.status} clients.` : 'No clients.');
      return;
    }
    printTable(
      ['slug', 'name', 'status', 'server', 'schema version', 'created', 'last migration error'],
      all.map((c) => [
        c.slug,
        c.name,
        c.status,
        c.databaseServer,
        c.schemaVersion,
        c.createdAt.toISOString().slice(0, 16).replace('T', ' '),
        truncate(c.lastMigrationError, 50),
      ]),
    );
    print(`${all.length} client${all.length === 1 ? '' : 's'}`);
  }

  @Option({ flags: '--status <status>', description: `Only clients in this status (${CLIENT_STATUSES.join(', ')})` })
  parseStatus(value: string): ClientStatus {
    if (!(CLIENT_STATUSES as string[]).includes(value)) throw new CliUsageError(`--status must be one of ${CLIENT_STATUSES.join(', ')}`);
    return value as ClientStatus;
  }

  @Option({ flags: '--json', description: 'Print JSON instead of a table' })
  parseJson(): boolean {
    return true;
  }
}
