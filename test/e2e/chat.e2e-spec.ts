import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { createTestApp, createUserWithToken, provisionClient, TestApp, withTenant } from '../helpers/test-app.js';
import { createProjects, memberOf } from '../helpers/chat-fixtures.js';
import { Clock } from '../../src/common/clock.js';
import { projectRoot } from '../../src/database/paths.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';

describe('e2e/chat', () => {
  interface Step {
    id?: string;
    say: string;
    expect: {
      action: string;
      project?: string;
      duration?: number;
      date?: string;
      start?: string;
      end?: string;
      descriptionHas?: string;
      period?: string;
      sumOf?: string[];
      running?: string;
      candidates?: string[];
    };
  }
  interface Sample {
    timeZone: string;
    projects: string[];
    scenarios: { name: string; steps: Step[] }[];
  }

  const sample = JSON.parse(readFileSync(path.resolve(projectRoot(), 'test', 'fixtures', 'chat-cases.sample.json'), 'utf8')) as Sample;
  // 15:00 in Berlin: every clock time of the samples ("9am to 12:30") has already happened today.
  const NOW = new Date('2026-11-25T14:00:00Z');

  let t: TestApp;
  let clientId: string;
  let projects: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    t.get(Clock).set(NOW);
    clientId = await provisionClient(t, 'Chat Co');
    projects = await createProjects(t, clientId, sample.projects);
  });
  afterAll(() => t.close());

  async function conversation(token: string): Promise<string> {
    const res = await t.http.post('/api/v1/conversations').set('authorization', `Bearer ${token}`).send({ title: 'test' }).expect(201);
    return res.body.id as string;
  }

  async function say(token: string, conversationId: string, content: string) {
    const res = await t.http
      .post(`/api/v1/conversations/${conversationId}/messages`)
      .set('authorization', `Bearer ${token}`)
      .send({ content });
    expect(res.status).toBe(201);
    return res.body as { message: { content: string }; reply: { content: string; role: string }; actions: Record<string, unknown>[] };
  }

  function localDate(offsetDays: number): string {
    return DateTime.fromJSDate(NOW).setZone(sample.timeZone).minus({ days: offsetDays }).toISODate()!;
  }

  async function entriesOf(userId: string) {
    return withTenant(t, clientId, (prisma) => prisma.timeEntry.findMany({ where: { userId } }));
  }

  describe('chat: the sample conversations (chat-cases.sample.json)', () => {
    for (const scenario of sample.scenarios) {
      it(`handles "${scenario.name}"`, async () => {
        const user = await memberOf(t, clientId, Object.values(projects), sample.timeZone);
        const conv = await conversation(user.token);
        const byId: Record<string, { duration: number; date: string }> = {};
        for (const step of scenario.steps) {
          const before = await entriesOf(user.userId);
          const body = await say(user.token, conv, step.say);
          const ctx = `"${step.say}" → ${body.reply.content} ${JSON.stringify(body.actions)}`;
          const e = step.expect;
          if (e.action === 'none') {
            expect({ ctx, actions: body.actions }).toEqual({ ctx, actions: [] });
            expect(await entriesOf(user.userId)).toEqual(before);
            continue;
          }
          expect({ ctx, type: body.actions[0]?.type }).toEqual({ ctx, type: e.action });
          const action = body.actions[0];
          if (e.action === 'clarification') {
            expect(typeof action.question).toBe('string');
            if (e.candidates) expect([...(action.candidates as string[])].sort()).toEqual([...e.candidates].sort());
            expect(await entriesOf(user.userId)).toEqual(before);
            continue;
          }
          if (e.action === 'report') {
            if (e.sumOf) {
              const period = e.period ?? 'today';
              expect(period).toBe('today');
              const want = e.sumOf
                .map((id) => byId[id])
                .filter((x) => x.date === localDate(0))
                .reduce((a, x) => a + x.duration, 0);
              expect({ ctx, total: action.totalSeconds }).toEqual({ ctx, total: want });
            }
            if (e.running) expect((action.running as { projectName: string }).projectName).toBe(e.running);
            continue;
          }
          const entry = action.timeEntry as Record<string, unknown>;
          if (e.project)
            expect({ ctx, project: entry.projectName, projectId: entry.projectId }).toEqual({
              ctx,
              project: e.project,
              projectId: projects[e.project],
            });
          if (e.duration !== undefined) expect(entry.duration).toBe(e.duration);
          if (e.date)
            expect({ ctx, date: entry.date }).toEqual({
              ctx,
              date: localDate(e.date === 'today' ? 0 : Number(e.date.replace('today-', ''))),
            });
          if (e.start)
            expect(
              DateTime.fromISO(entry.startTime as string)
                .setZone(sample.timeZone)
                .toFormat('HH:mm'),
            ).toBe(e.start);
          if (e.end)
            expect(
              DateTime.fromISO(entry.endTime as string)
                .setZone(sample.timeZone)
                .toFormat('HH:mm'),
            ).toBe(e.end);
          if (e.descriptionHas) expect(String(entry.description).toLowerCase()).toContain(e.descriptionHas.toLowerCase());
          if (step.id) byId[step.id] = { duration: entry.duration as number, date: entry.date as string };
        }
      });
    }
  });

  describe('chat: conversations', () => {
    it('keeps conversations private to their owner (others get 404) and pages messages oldest first', async () => {
      const a = await memberOf(t, clientId, [projects['Webshop']]);
      const b = await memberOf(t, clientId, [projects['Webshop']]);
      const conv = await conversation(a.token);
      for (const m of ['hi', 'thanks!', 'help']) await say(a.token, conv, m);
      const page1 = await t.http
        .get(`/api/v1/conversations/${conv}/messages?limit=4`)
        .set('authorization', `Bearer ${a.token}`)
        .expect(200);
      expect(page1.body.data.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
      expect(page1.body.data[0].content).toBe('hi');
      const page2 = await t.http
        .get(`/api/v1/conversations/${conv}/messages?limit=4&cursor=${page1.body.nextCursor}`)
        .set('authorization', `Bearer ${a.token}`)
        .expect(200);
      expect(page2.body.data.map((m: { content: string }) => m.content)[0]).toBe('help');
      expect(page2.body.nextCursor).toBeNull();
      await t.http.get(`/api/v1/conversations/${conv}`).set('authorization', `Bearer ${b.token}`).expect(404);
      await t.http.get(`/api/v1/conversations/${conv}/messages`).set('authorization', `Bearer ${b.token}`).expect(404);
      await t.http
        .post(`/api/v1/conversations/${conv}/messages`)
        .set('authorization', `Bearer ${b.token}`)
        .send({ content: 'log 1h on Webshop' })
        .expect(404);
      await t.http.delete(`/api/v1/conversations/${conv}`).set('authorization', `Bearer ${b.token}`).expect(404);
      const mine = await t.http.get('/api/v1/conversations').set('authorization', `Bearer ${b.token}`).expect(200);
      expect(mine.body.data.map((c: { id: string }) => c.id)).not.toContain(conv);
      await t.http.delete(`/api/v1/conversations/${conv}`).set('authorization', `Bearer ${a.token}`).expect(204);
      await t.http.get(`/api/v1/conversations/${conv}`).set('authorization', `Bearer ${a.token}`).expect(404);
    });

    it('never lets another client reach a conversation', async () => {
      const a = await memberOf(t, clientId, []);
      const conv = await conversation(a.token);
      const other = await provisionClient(t, 'Other Co');
      const stranger = await createUserWithToken(t, { clientId: other, roleKeys: ['client-admin'] });
      await t.http.get(`/api/v1/conversations/${conv}`).set('authorization', `Bearer ${stranger.token}`).expect(404);
      await t.http.get(`/api/v1/conversations/${conv}/messages`).set('authorization', `Bearer ${stranger.token}`).expect(404);
    });

    it('rejects bad input with 400 and stores nothing', async () => {
      const a = await memberOf(t, clientId, [projects['Webshop']]);
      const conv = await conversation(a.token);
      await t.http
        .post(`/api/v1/conversations/${conv}/messages`)
        .set('authorization', `Bearer ${a.token}`)
        .send({ content: '' })
        .expect(400);
      await t.http
        .post(`/api/v1/conversations/${conv}/messages`)
        .set('authorization', `Bearer ${a.token}`)
        .send({ content: 5 })
        .expect(400);
      await t.http
        .post(`/api/v1/conversations/${conv}/messages`)
        .set('authorization', `Bearer ${a.token}`)
        .send({ content: 'hi', extra: 1 })
        .expect(400);
      await t.http
        .post(`/api/v1/conversations/${conv}/messages`)
        .set('authorization', `Bearer ${a.token}`)
        .send({ content: 'x'.repeat(4001) })
        .expect(400);
      await t.http.post('/api/v1/conversations').set('authorization', `Bearer ${a.token}`).send({ title: 7 }).expect(400);
      await t.http.get('/api/v1/conversations/not-a-uuid').set('authorization', `Bearer ${a.token}`).expect(404);
      const msgs = await t.http.get(`/api/v1/conversations/${conv}/messages`).set('authorization', `Bearer ${a.token}`).expect(200);
      expect(msgs.body.data).toEqual([]);
    });

    it('refuses platform admins (no client) with 403 TENANT_REQUIRED', async () => {
      const admin = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
      const res = await t.http.get('/api/v1/conversations').set('authorization', `Bearer ${admin.token}`).expect(403);
      expect(res.body.code).toBe('TENANT_REQUIRED');
    });
  });

  describe('chat: a role that does not allow what is asked', () => {
    it('answers in the conversation that the role does not allow it, with no action and nothing changed (was a 403, or "not a member")', async () => {
      const main = t.get(MainPrismaService);
      const user = await createUserWithToken(t, { clientId, roleKeys: [], timeZone: sample.timeZone });
      const role = await main.role.create({
        data: {
          clientId,
          name: `chat only ${user.userId}`,
          capabilities: { create: ['chat:use', 'projects:read'].map((capability) => ({ capability })) },
        },
      });
      await main.userRole.create({ data: { userId: user.userId, roleId: role.id } });
      const name = sample.projects[0];
      await withTenant(t, clientId, (prisma) => prisma.projectMember.create({ data: { projectId: projects[name], userId: user.userId } }));
      const conv = await conversation(user.token);
      for (const [text, capability] of [
        [`log 1h on ${name}`, 'time-entries:write:own'],
        ['how many hours did I log today?', 'reports:read:own'],
        [`start a timer on ${name}`, 'time-entries:write:own'],
      ] as const) {
        const body = await say(user.token, conv, text);
        expect([text, body.actions, body.reply.content]).toEqual([text, [], expect.stringContaining(capability)]);
      }
      expect(await entriesOf(user.userId)).toEqual([]);
      // Every message and answer was kept.
      const messages = await t.http.get(`/api/v1/conversations/${conv}/messages`).set('authorization', `Bearer ${user.token}`).expect(200);
      expect(messages.body.data).toHaveLength(6);
    });
  });

  describe("chat: reports are the caller's own hours", () => {
    it('answers "how many hours did I log today?" with only the caller\'s time, also for a manager who may read everyone\'s', async () => {
      const member = await memberOf(t, clientId, Object.values(projects), sample.timeZone);
      await t.http
        .post('/api/v1/time-entries')
        .set('authorization', `Bearer ${member.token}`)
        .send({ projectId: Object.values(projects)[0], date: localDate(0), duration: 3600 })
        .expect(201);
      const manager = await createUserWithToken(t, { clientId, roleKeys: ['manager'], timeZone: sample.timeZone });
      for (const [who, want] of [
        [manager, 0],
        [member, 3600],
      ] as const) {
        const conv = await conversation(who.token);
        for (const text of ['how many hours did I log today?', 'what am I working on?']) {
          const body = await say(who.token, conv, text);
          expect([text, body.actions[0]?.type, body.actions[0]?.totalSeconds]).toEqual([text, 'report', want]);
        }
      }
    });
  });

  describe('chat: asks which day when none is named clearly', () => {
    it('asks for "last week", "31.02." or "2026-02-30" and changes nothing; reads "1:30" after a log verb as 1 h 30 min', async () => {
      const user = await memberOf(t, clientId, Object.values(projects), sample.timeZone);
      const conv = await conversation(user.token);
      const name = sample.projects[3];
      for (const text of [`log 2h on ${name} last week`, `log 1h on ${name} on 31.02.`, `log 1h on ${name} on 2026-02-30`]) {
        const body = await say(user.token, conv, text);
        expect([text, body.actions[0]?.type]).toEqual([text, 'clarification']);
      }
      expect(await entriesOf(user.userId)).toEqual([]);
      const body = await say(user.token, conv, `log 1:30 on ${name}`);
      expect([body.actions[0]?.type, (body.actions[0]?.timeEntry as { duration: number }).duration]).toEqual(['time_entry.created', 5400]);
    });
  });

  describe("chat: an overlap is explained in the user's words", () => {
    it("names the other entry's project and local times, never its id or UTC instants", async () => {
      const user = await memberOf(t, clientId, Object.values(projects), sample.timeZone);
      const conv = await conversation(user.token);
      const [first, second] = sample.projects;
      expect((await say(user.token, conv, `worked 9-10 on ${first}`)).actions[0]?.type).toBe('time_entry.created');
      const body = await say(user.token, conv, `worked 9:30-10:30 on ${second}`);
      const question = body.actions[0]?.question as string;
      expect([body.actions[0]?.type, question]).toEqual(['clarification', expect.stringContaining(`${first} entry 09:00–10:00 today`)]);
      expect(question).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}|T\d\d:\d\d/);
    });
  });
});
