import { Command, CommandRunner, Option } from 'nest-commander';
import { ClientsService } from '../clients.service.js';
import { CreateClientDto } from '../dto/create-client.dto.js';
import { print, validatedAs } from './cli-support.js';

interface Options {
  name: string;
  slug?: string;
  adminEmail: string;
  adminPassword: string;
  adminName?: string;
  adminTimeZone?: string;
}

@Command({
  name: 'clients:create',
  description: 'Create a client (tenant) with its first admin; its database is created and migrated before this returns',
})
export class ClientsCreateCommand extends CommandRunner {
  constructor(private readonly clients: ClientsService) {
    super();
  }

  async run(_args: string[], o: Options): Promise<void> {
    const input = await validatedAs(CreateClientDto, {
      name: o.name,
      ...(o.slug !== undefined ? { slug: o.slug } : {}),
      admin: {
        email: o.adminEmail,
        password: o.adminPassword,
        name: o.adminName ?? 'Admin',
        ...(o.adminTimeZone !== undefined ? { timeZone: o.adminTimeZone } : {}),
      },
    });
    const client = await this.clients.create(input);
    print(`Created client ${client.slug} (${client.id})`);
    print(`  status:   ${client.status}`);
    print(`  database: ${client.databaseName} on ${client.databaseServer}, schema ${client.schemaVersion ?? '-'}`);
    print(`  admin:    ${o.adminEmail.trim().toLowerCase()}`);
  }

  @Option({ flags: '--name <name>', description: 'Company name', required: true })
  parseName(value: string): string {
    return value;
  }

  @Option({
    flags: '--slug <slug>',
    description: 'URL-safe unique slug (lower-case letters, digits, inner hyphens); derived from the name when absent',
  })
  parseSlug(value: string): string {
    return value;
  }

  @Option({ flags: '--admin-email <email>', description: "The client admin's e-mail (login)", required: true })
  parseAdminEmail(value: string): string {
    return value;
  }

  @Option({
    flags: '--admin-password <password>',
    description: "The client admin's password, at least 10 characters (or $CLIENT_ADMIN_PASSWORD)",
    required: true,
    env: 'CLIENT_ADMIN_PASSWORD',
  })
  parseAdminPassword(value: string): string {
    return value;
  }

  @Option({ flags: '--admin-name <name>', description: 'The client admin\'s display name (default "Admin")' })
  parseAdminName(value: string): string {
    return value;
  }

  @Option({ flags: '--admin-time-zone <zone>', description: 'IANA time zone of the admin (default UTC)' })
  parseAdminTimeZone(value: string): string {
    return value;
  }
}
