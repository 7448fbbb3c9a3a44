import { Command, CommandRunner } from 'nest-commander';
import { DatabaseBootstrapService } from '../../../database/database-bootstrap.service.js';
import { print } from './cli-support.js';

@Command({
  name: 'db:migrate',
  description:
    "Apply the main database's migrations and bring each tenant server's template database up to date (client databases: clients:migrate)",
})
export class DbMigrateCommand extends CommandRunner {
  constructor(private readonly bootstrap: DatabaseBootstrapService) {
    super();
  }

  async run(): Promise<void> {
    const result = await this.bootstrap.migrateAll();
    print(
      `main database: ${result.main.applied.length ? `applied ${result.main.applied.join(', ')}` : 'up to date'} (${result.main.schemaVersion ?? '-'})`,
    );
    for (const [server, r] of Object.entries(result.templates)) {
      print(`template on ${server}: ${r.applied.length ? `applied ${r.applied.join(', ')}` : 'up to date'} (${r.schemaVersion ?? '-'})`);
    }
  }
}
