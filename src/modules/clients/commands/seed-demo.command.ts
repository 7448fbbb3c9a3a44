import { Command, CommandRunner } from 'nest-commander';
import { DemoSeedService, DEMO_SLUG } from '../demo-seed.service.js';
import { print, printTable } from './cli-support.js';

@Command({
  name: 'seed:demo',
  description:
    'Create the demo client (slug "demo") with an admin, a manager, two members, projects, tasks, last week\'s time entries and a conversation. ' +
    'Running it again changes nothing',
})
export class SeedDemoCommand extends CommandRunner {
  constructor(private readonly demo: DemoSeedService) {
    super();
  }

  async run(): Promise<void> {
    const result = await this.demo.seed();
    print(
      result.created
        ? `Seeded the demo client "${DEMO_SLUG}": ${result.projects} projects, ${result.tasks} tasks, ${result.timeEntries} time entries, 1 conversation.`
        : `The demo client "${DEMO_SLUG}" already exists; nothing to do.`,
    );
    print('Demo logins (all with the same password):');
    printTable(
      ['e-mail', 'role', 'time zone', 'password'],
      result.users.map((u) => [u.email, u.role, u.timeZone, result.password]),
    );
  }
}
