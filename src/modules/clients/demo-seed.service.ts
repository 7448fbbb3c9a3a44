import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { TenantContextService } from '../../database/tenant-context.service.js';
import { UsersService, normalizeEmail } from '../identity/index.js';
import { ClientsService } from './clients.service.js';
import { ClientsRepository } from './clients.repository.js';
import { DEMO_PASSWORD, DEMO_SLUG, DEMO_USERS, demoConversation, DemoUser, demoTimeEntries, PROJECTS, TASKS } from './demo-data.js';
import { DemoSeedRepository } from './demo-seed.repository.js';

export { DEMO_PASSWORD, DEMO_SLUG, DEMO_USERS } from './demo-data.js';

export interface DemoSeedResult {
  created: boolean;
  clientId: string;
  users: { email: string; role: string; timeZone: string }[];
  password: string;
  projects: number;
  tasks: number;
  timeEntries: number;
}

/**
 * `seed:demo`: a demo client with an admin, a manager and two members, four
 * projects with tasks, last week's time (Monday to Friday in each user's own
 * time zone; timed blocks that never overlap and duration-only entries) and a
 * chat conversation. Idempotent: the tenant data is written in one
 * transaction, only when the demo client has none yet.
 */
@Injectable()
export class DemoSeedService {
  constructor(
    private readonly clients: ClientsService,
    private readonly repo: ClientsRepository,
    private readonly users: UsersService,
    private readonly demo: DemoSeedRepository,
    private readonly tenants: TenantContextService,
    private readonly clock: Clock,
  ) {}

  async seed(): Promise<DemoSeedResult> {
    const adminSpec = DEMO_USERS[0];
    let client = await this.repo.findBySlug(DEMO_SLUG);
    if (client?.status === 'deleted') throw new Error('The demo client was deleted; its slug "demo" cannot be reused');
    if (!client) {
      await this.clients.createWithAdmin({
        name: 'Demo Company',
        slug: DEMO_SLUG,
        admin: { email: adminSpec.email, name: adminSpec.name, password: DEMO_PASSWORD, timeZone: adminSpec.timeZone },
      });
      client = (await this.repo.findBySlug(DEMO_SLUG))!;
    }
    const clientId = client.id;
    const ids = {} as Record<DemoUser['key'], string>;
    for (const u of DEMO_USERS) {
      const existing = await this.repo.findUserIdByEmail(normalizeEmail(u.email));
      ids[u.key] =
        existing ??
        (
          await this.users.createUser({
            clientId,
            email: u.email,
            name: u.name,
            password: DEMO_PASSWORD,
            timeZone: u.timeZone,
            roleKeys: [u.role],
          })
        ).id;
    }
    const base = {
      clientId,
      users: DEMO_USERS.map((u) => ({ email: u.email, role: u.role, timeZone: u.timeZone })),
      password: DEMO_PASSWORD,
    };
    // The tenant's connection is leased until the seed is written (withTenant), never evicted under it.
    return this.tenants.withTenant(clientId, async (tenant) => {
      const existing = await this.demo.counts(tenant);
      if (existing.projects > 0) return { ...base, created: false, ...existing };

      const now = this.clock.now();
      const entries = demoTimeEntries(ids, now);
      const member1Entries = entries.filter((e) => e.userId === ids.member1);
      await this.demo.write(tenant, ids, entries, { userId: ids.member1, ...demoConversation(member1Entries, now) });
      return { ...base, created: true, projects: PROJECTS.length, tasks: TASKS.length, timeEntries: entries.length };
    });
  }
}
