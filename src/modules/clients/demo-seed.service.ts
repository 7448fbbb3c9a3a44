import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Clock } from '../../common/clock.js';
import { TenantConnectionManager, TenantPrisma } from '../../database/tenant-connection-manager.js';
import { UsersService, normalizeEmail } from '../rbac/users.service.js';
import { ClientsService } from './clients.service.js';
import { ClientsRepository } from './clients.repository.js';

export const DEMO_SLUG = 'demo';
export const DEMO_PASSWORD = 'DemoPassword123';

interface DemoUser {
  key: 'admin' | 'manager' | 'member1' | 'member2';
  email: string;
  name: string;
  role: 'client-admin' | 'manager' | 'member';
  timeZone: string;
}

export const DEMO_USERS: DemoUser[] = [
  { key: 'admin', email: 'demo-admin@freetimechat.local', name: 'Dana Admin', role: 'client-admin', timeZone: 'Europe/Berlin' },
  { key: 'manager', email: 'demo-manager@freetimechat.local', name: 'Max Manager', role: 'manager', timeZone: 'Europe/Berlin' },
  { key: 'member1', email: 'demo-member1@freetimechat.local', name: 'Mia Member', role: 'member', timeZone: 'America/New_York' },
  { key: 'member2', email: 'demo-member2@freetimechat.local', name: 'Kenji Member', role: 'member', timeZone: 'Asia/Tokyo' },
];

const PROJECTS = [
  { key: 'web', name: 'Website Relaunch', description: 'New marketing site and CMS migration', billable: true, rate: '120.00' },
  { key: 'app', name: 'Mobile App', description: 'iOS and Android app, release 2.0', billable: true, rate: '110.00' },
  { key: 'support', name: 'Customer Support', description: 'Second-level support for key accounts', billable: true, rate: '90.00' },
  { key: 'internal', name: 'Internal', description: 'Meetings, hiring, tooling', billable: false, rate: null },
] as const;
type ProjectKey = (typeof PROJECTS)[number]['key'];

const MEMBERSHIPS: Record<DemoUser['key'], ProjectKey[]> = {
  admin: ['internal'],
  manager: ['web', 'app', 'support', 'internal'],
  member1: ['web', 'app', 'internal'],
  member2: ['app', 'support', 'internal'],
};

const TASKS: { project: ProjectKey; title: string; status: 'todo' | 'in_progress' | 'done'; assignee: DemoUser['key'] | null }[] = [
  { project: 'web', title: 'Landing page copy', status: 'done', assignee: 'member1' },
  { project: 'web', title: 'CMS content migration', status: 'in_progress', assignee: 'member1' },
  { project: 'web', title: 'SEO audit', status: 'todo', assignee: 'manager' },
  { project: 'app', title: 'Offline mode', status: 'in_progress', assignee: 'member2' },
  { project: 'app', title: 'Push notifications', status: 'todo', assignee: 'member1' },
  { project: 'app', title: 'App store screenshots', status: 'done', assignee: 'member2' },
  { project: 'support', title: 'Ticket triage', status: 'in_progress', assignee: 'member2' },
  { project: 'support', title: 'Knowledge base articles', status: 'todo', assignee: 'member2' },
  { project: 'internal', title: 'Weekly planning', status: 'in_progress', assignee: null },
];

/** One working day of a user: timed blocks (local HH:mm) and duration-only entries. */
interface DayPlan {
  timed: { from: string; to: string; project: ProjectKey; task?: string; description: string }[];
  durations: { seconds: number; project: ProjectKey; description: string }[];
}

function weekPlan(user: DemoUser['key'], weekday: number): DayPlan {
  const standup = { from: '09:00', to: '09:15', project: 'internal' as ProjectKey, task: 'Weekly planning', description: 'Stand-up' };
  switch (user) {
    case 'member1':
      return {
        timed: [
          standup,
          {
            from: '09:15',
            to: '12:30',
            project: weekday < 3 ? 'web' : 'app',
            task: weekday < 3 ? 'CMS content migration' : 'Push notifications',
            description: weekday < 3 ? 'Migrating blog posts' : 'Notification service spike',
          },
          {
            from: '13:30',
            to: weekday === 4 ? '15:00' : '17:15',
            project: 'web',
            task: 'Landing page copy',
            description: 'Copy and layout review',
          },
        ],
        durations: weekday % 2 === 0 ? [{ seconds: 1800, project: 'internal', description: 'Code review' }] : [],
      };
    case 'member2':
      return {
        timed: [
          { from: '10:00', to: '12:00', project: 'support', task: 'Ticket triage', description: 'Morning ticket queue' },
          { from: '13:00', to: '16:30', project: 'app', task: 'Offline mode', description: 'Sync conflict handling' },
          { from: '16:45', to: '18:00', project: 'support', task: 'Knowledge base articles', description: 'FAQ on exports' },
        ],
        durations: weekday === 2 ? [{ seconds: 3600, project: 'internal', description: 'Interview: mobile developer' }] : [],
      };
    case 'manager':
      return {
        timed: [
          standup,
          { from: '09:30', to: '11:00', project: 'web', task: 'SEO audit', description: 'Keyword research' },
          { from: '11:00', to: '12:00', project: 'app', description: 'Sprint review' },
          { from: '14:00', to: '16:00', project: 'support', description: 'Escalations with key accounts' },
        ],
        durations: [{ seconds: 2700, project: 'internal', description: 'Budget and staffing' }],
      };
    case 'admin':
      return {
        timed: weekday === 0 ? [{ from: '10:00', to: '11:30', project: 'internal', description: 'Onboarding and access reviews' }] : [],
        durations: [{ seconds: 1800, project: 'internal', description: 'Invoices and contracts' }],
      };
  }
}

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
    private readonly connections: TenantConnectionManager,
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
    const tenant = await this.connections.forClient(clientId);
    if ((await tenant.project.count()) > 0) {
      return {
        ...base,
        created: false,
        projects: await tenant.project.count(),
        tasks: await tenant.task.count(),
        timeEntries: await tenant.timeEntry.count(),
      };
    }

    const entries = this.timeEntries(ids);
    const counts = await tenant.$transaction(async (tx) => {
      const projectIds = {} as Record<ProjectKey, string>;
      for (const p of PROJECTS) {
        const row = await tx.project.create({
          data: { name: p.name, description: p.description, billable: p.billable, hourlyRate: p.rate, createdBy: ids.manager },
        });
        projectIds[p.key] = row.id;
      }
      for (const [user, projects] of Object.entries(MEMBERSHIPS) as [DemoUser['key'], ProjectKey[]][]) {
        await tx.projectMember.createMany({
          data: projects.map((p) => ({ projectId: projectIds[p], userId: ids[user], role: user === 'manager' ? 'lead' : 'member' })),
        });
      }
      const taskIds = new Map<string, string>();
      for (const t of TASKS) {
        const row = await tx.task.create({
          data: { projectId: projectIds[t.project], title: t.title, status: t.status, assigneeId: t.assignee ? ids[t.assignee] : null },
        });
        taskIds.set(`${t.project}:${t.title}`, row.id);
      }
      await tx.timeEntry.createMany({
        data: entries.map((e) => ({
          userId: e.userId,
          projectId: projectIds[e.project],
          taskId: e.task ? (taskIds.get(`${e.project}:${e.task}`) ?? null) : null,
          description: e.description,
          date: e.date,
          startTime: e.start,
          endTime: e.end,
          duration: e.duration,
          billable: PROJECTS.find((p) => p.key === e.project)!.billable,
        })),
      });
      await this.conversation(
        tx,
        ids.member1,
        entries.filter((e) => e.userId === ids.member1),
      );
      return { projects: PROJECTS.length, tasks: TASKS.length, timeEntries: entries.length };
    });
    return { ...base, created: true, ...counts };
  }

  /** Monday to Friday of the last full week, in each user's time zone. */
  private timeEntries(ids: Record<DemoUser['key'], string>) {
    const out: {
      userId: string;
      project: ProjectKey;
      task?: string;
      description: string;
      date: Date;
      start: Date | null;
      end: Date | null;
      duration: number;
    }[] = [];
    for (const u of DEMO_USERS) {
      const monday = DateTime.fromJSDate(this.clock.now(), { zone: u.timeZone }).startOf('week').minus({ weeks: 1 });
      for (let d = 0; d < 5; d++) {
        const day = monday.plus({ days: d });
        const date = new Date(`${day.toISODate()}T00:00:00.000Z`);
        const plan = weekPlan(u.key, d);
        for (const b of plan.timed) {
          const at = (hm: string) => {
            const [h, m] = hm.split(':').map(Number);
            return day.set({ hour: h, minute: m, second: 0, millisecond: 0 });
          };
          const start = at(b.from);
          const end = at(b.to);
          out.push({
            userId: ids[u.key],
            project: b.project,
            task: b.task,
            description: b.description,
            date,
            start: start.toJSDate(),
            end: end.toJSDate(),
            duration: Math.round(end.diff(start, 'seconds').seconds),
          });
        }
        for (const x of plan.durations) {
          out.push({
            userId: ids[u.key],
            project: x.project,
            description: x.description,
            date,
            start: null,
            end: null,
            duration: x.seconds,
          });
        }
      }
    }
    return out;
  }

  private async conversation(
    tx: Pick<TenantPrisma, 'conversation' | 'message'>,
    userId: string,
    entries: { duration: number; date: Date }[],
  ): Promise<void> {
    const hours = entries.reduce((s, e) => s + e.duration, 0) / 3600;
    const friday = entries.reduce((max, e) => (e.date > max ? e.date : max), entries[0].date);
    const fridayLabel = DateTime.fromJSDate(friday, { zone: 'UTC' }).toFormat('cccc d LLLL');
    const at = (minutes: number) => new Date(this.clock.now().getTime() - (60 - minutes) * 60_000);
    const conversation = await tx.conversation.create({ data: { userId, title: 'Last week', createdAt: at(0), updatedAt: at(3) } });
    await tx.message.create({
      data: { conversationId: conversation.id, role: 'user', content: 'How much did I work last week?', actions: [], createdAt: at(0) },
    });
    await tx.message.create({
      data: {
        conversationId: conversation.id,
        role: 'assistant',
        content: `Last week you logged ${hours.toFixed(1)} hours, most of it on Website Relaunch.`,
        actions: [],
        createdAt: at(1),
      },
    });
    await tx.message.create({
      data: { conversationId: conversation.id, role: 'user', content: `What did I do on ${fridayLabel}?`, actions: [], createdAt: at(2) },
    });
    await tx.message.create({
      data: {
        conversationId: conversation.id,
        role: 'assistant',
        content:
          'On Friday you did the stand-up, worked on push notifications in the Mobile App and reviewed landing page copy for the Website Relaunch.',
        actions: [],
        createdAt: at(3),
      },
    });
  }
}
