import { DateTime } from 'luxon';

/**
 * The demo client's content (`seed:demo`): users, projects, memberships,
 * tasks, a working week per user and a conversation. Pure data and
 * functions of the clock; DemoSeedRepository writes it.
 */

export const DEMO_SLUG = 'demo';
export const DEMO_PASSWORD = 'DemoPassword123';

export interface DemoUser {
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

export const PROJECTS = [
  { key: 'web', name: 'Website Relaunch', description: 'New marketing site and CMS migration', billable: true, rate: '120.00' },
  { key: 'app', name: 'Mobile App', description: 'iOS and Android app, release 2.0', billable: true, rate: '110.00' },
  { key: 'support', name: 'Customer Support', description: 'Second-level support for key accounts', billable: true, rate: '90.00' },
  { key: 'internal', name: 'Internal', description: 'Meetings, hiring, tooling', billable: false, rate: null },
] as const;
export type ProjectKey = (typeof PROJECTS)[number]['key'];

export const MEMBERSHIPS: Record<DemoUser['key'], ProjectKey[]> = {
  admin: ['internal'],
  manager: ['web', 'app', 'support', 'internal'],
  member1: ['web', 'app', 'internal'],
  member2: ['app', 'support', 'internal'],
};

export const TASKS: { project: ProjectKey; title: string; status: 'todo' | 'in_progress' | 'done'; assignee: DemoUser['key'] | null }[] = [
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

/** One demo time entry: timed (start and end set) or duration-only. */
export interface DemoTimeEntry {
  userId: string;
  project: ProjectKey;
  task?: string;
  description: string;
  date: Date;
  start: Date | null;
  end: Date | null;
  duration: number;
}

export interface DemoConversation {
  title: string;
  createdAt: Date;
  updatedAt: Date;
  messages: { role: 'user' | 'assistant'; content: string; createdAt: Date }[];
}

/** Monday to Friday of the last full week before `now`, in each user's time zone. */
export function demoTimeEntries(ids: Record<DemoUser['key'], string>, now: Date): DemoTimeEntry[] {
  const out: DemoTimeEntry[] = [];
  for (const u of DEMO_USERS) {
    const monday = DateTime.fromJSDate(now, { zone: u.timeZone }).startOf('week').minus({ weeks: 1 });
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

/** Last week's chat of one member: two questions and their answers, an hour before `now`. */
export function demoConversation(entries: { duration: number; date: Date }[], now: Date): DemoConversation {
  const hours = entries.reduce((s, e) => s + e.duration, 0) / 3600;
  const friday = entries.reduce((max, e) => (e.date > max ? e.date : max), entries[0].date);
  const fridayLabel = DateTime.fromJSDate(friday, { zone: 'UTC' }).toFormat('cccc d LLLL');
  const at = (minutes: number) => new Date(now.getTime() - (60 - minutes) * 60_000);
  return {
    title: 'Last week',
    createdAt: at(0),
    updatedAt: at(3),
    messages: [
      { role: 'user', content: 'How much did I work last week?', createdAt: at(0) },
      {
        role: 'assistant',
        content: `Last week you logged ${hours.toFixed(1)} hours, most of it on Website Relaunch.`,
        createdAt: at(1),
      },
      { role: 'user', content: `What did I do on ${fridayLabel}?`, createdAt: at(2) },
      {
        role: 'assistant',
        content:
          'On Friday you did the stand-up, worked on push notifications in the Mobile App and reviewed landing page copy for the Website Relaunch.',
        createdAt: at(3),
      },
    ],
  };
}
