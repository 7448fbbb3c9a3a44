/**
 * Limits and abuse resistance (API contract "Limits and abuse resistance"):
 * signup and write rate limits shared by every instance, quotas per client,
 * 24 h per user per day held by the database, literal search. Each attack
 * here once worked: 350 signups from one address in a minute, thousands of
 * rows per user in seconds, 90,120 h logged on one day, `?search=_` matching
 * every project.
 */
import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';
import { addMember, Api, as, createProject, expectError } from '../helpers/time-tracking.js';

describe('e2e/limits', () => {
  const unique = () => randomBytes(4).toString('hex');
  const PASSWORD = 'correct horse battery staple';
  const day = (daysBack: number) => new Date(Date.now() - daysBack * 86_400_000).toISOString().slice(0, 10);

  function expectRateLimitHeaders(res: Response, limit: number, remaining: number): void {
    expect(res.headers['ratelimit-limit']).toBe(String(limit));
    expect(res.headers['ratelimit-remaining']).toBe(String(remaining));
    expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(0);
  }

  function expectRateLimited(res: Response, windowSeconds: number): void {
    expectError(res, 429, 'RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
    expect(res.headers['ratelimit-remaining']).toBe('0');
  }

  describe('signup rate limits', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ TRUST_PROXY: 'loopback', SIGNUP_IP_LIMIT: '3', SIGNUP_GLOBAL_LIMIT: '5' });
    });
    afterAll(() => t.close());

    const signup = (ip: string, body: Record<string, unknown> = {}) =>
      t.http
        .post('/api/v1/auth/signup')
        .set('X-Forwarded-For', ip)
        .send({ companyName: `Limits ${unique()}`, name: 'A', email: `a-${unique()}@example.test`, password: PASSWORD, ...body });
    const clientCount = () => t.get(MainPrismaService).client.count();

    // Every signup is a database and a role on disk: one address must not be able to fill the disk.
    it('allows SIGNUP_IP_LIMIT signups per address per hour, then 429 with Retry-After, creating nothing', async () => {
      const ip = '10.77.0.1';
      for (let i = 0; i < 3; i++) {
        const res = await signup(ip);
        expect(res.status).toBe(201);
        expectRateLimitHeaders(res, 3, 2 - i);
      }
      const before = await clientCount();
      expectRateLimited(await signup(ip), 3600);
      expect(await clientCount()).toBe(before);
    });

    it('does not count signups that fail (a typo costs nothing)', async () => {
      const ip = '10.77.0.2';
      for (let i = 0; i < 5; i++) expect((await signup(ip, { password: 'short' })).status).toBe(400);
      const taken = `taken-${unique()}@example.test`;
      expect((await signup(ip, { email: taken })).status).toBe(201);
      for (let i = 0; i < 3; i++) expect((await signup(ip, { email: taken })).status).toBe(409);
      expect((await signup(ip)).status).toBe(201);
    });

    it('holds SIGNUP_GLOBAL_LIMIT over all addresses together (5 in this app: 3 + 2 above)', async () => {
      const res = await signup('10.77.0.3');
      expectRateLimited(res, 3600);
    });

    it('lets exactly the allowance through when signups from one address arrive at once', async () => {
      const other = await createTestApp({ TRUST_PROXY: 'loopback', SIGNUP_IP_LIMIT: '2', SIGNUP_GLOBAL_LIMIT: '0' });
      try {
        const results = await Promise.all(
          Array.from({ length: 8 }, () =>
            other.http
              .post('/api/v1/auth/signup')
              .set('X-Forwarded-For', '10.77.1.1')
              .send({ companyName: `Burst ${unique()}`, name: 'A', email: `b-${unique()}@example.test`, password: PASSWORD }),
          ),
        );
        expect(results.map((r) => r.status).sort()).toEqual([201, 201, 429, 429, 429, 429, 429, 429]);
        expect(await other.get(MainPrismaService).client.count()).toBe(2);
      } finally {
        await other.close();
      }
    });
  });

  describe('write rate limits', () => {
    let t: TestApp;
    let second: TestApp;
    let clientId: string;
    const overrides = { WRITE_RATE_LIMIT: '5', CLIENT_WRITE_RATE_LIMIT: '8' };
    beforeAll(async () => {
      t = await createTestApp(overrides, { keepDatabase: true });
      second = await createTestApp(overrides, { database: t.db as never });
      clientId = await provisionClient(t);
    });
    afterAll(async () => {
      await second.close();
      await t.close();
    });

    it('limits writes per user (WRITE_RATE_LIMIT) across instances, with RateLimit headers; reads stay free', async () => {
      const user = await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] });
      const apps = [as(t, user), as(second, user)];
      for (let i = 0; i < 5; i++) {
        const res = await apps[i % 2].post('/conversations', { title: `c${i}` });
        expect(res.status).toBe(201);
        expectRateLimitHeaders(res, 5, 4 - i);
      }
      expectRateLimited(await apps[1].post('/conversations', { title: 'one too many' }), 60);
      expectRateLimited(await apps[0].post('/conversations', { title: 'one too many' }), 60);
      const list = await apps[0].get('/conversations');
      expect(list.status).toBe(200);
      expect(list.body.data).toHaveLength(5);
      expect(list.headers['ratelimit-limit']).toBeUndefined();
    });

    it('limits writes per client (CLIENT_WRITE_RATE_LIMIT) over all its users; other clients are unaffected', async () => {
      const users = await Promise.all(Array.from({ length: 4 }, () => createUserWithToken(t, { clientId, roleKeys: ['member'] })));
      // The client used 5 of 8 writes above; the user's refused ones count against the user only.
      const statuses: number[] = [];
      for (const u of users) statuses.push((await as(t, u).post('/conversations', {})).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      const otherClient = await provisionClient(t);
      const outsider = await createUserWithToken(t, { clientId: otherClient, roleKeys: ['member'] });
      expect((await as(second, outsider).post('/conversations', {})).status).toBe(201);
    });
  });

  describe('quotas per client', () => {
    let t: TestApp;
    let admin: Api;
    beforeAll(async () => {
      t = await createTestApp({
        QUOTA_PROJECTS: '3',
        QUOTA_TASKS: '2',
        QUOTA_USERS: '3',
        QUOTA_CONVERSATIONS: '2',
        QUOTA_MESSAGES_PER_CONVERSATION: '4',
      });
      const clientId = await provisionClient(t);
      admin = as(t, await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] }));
    });
    afterAll(() => t.close());

    it('refuses the project over QUOTA_PROJECTS with 409 QUOTA_EXCEEDED, also when requests arrive at once', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => admin.post('/projects', { name: `Quota ${i}` })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(3);
      for (const r of results.filter((r) => r.status !== 201)) expectError(r, 409, 'QUOTA_EXCEEDED');
      expect((await admin.get('/projects?limit=200')).body.data).toHaveLength(3);
    });

    it('refuses tasks, users and conversations over their quotas, creating nothing', async () => {
      const project = (await admin.get('/projects')).body.data[0];
      for (let i = 0; i < 2; i++) expect((await admin.post('/tasks', { projectId: project.id, title: `t${i}` })).status).toBe(201);
      expectError(await admin.post('/tasks', { projectId: project.id, title: 'over' }), 409, 'QUOTA_EXCEEDED');
      expect((await admin.get('/tasks')).body.data).toHaveLength(2);

      // The admin is user 1 of 3.
      const newUser = () => admin.post('/users', { email: `q-${unique()}@example.test`, name: 'Q', password: PASSWORD });
      expect((await newUser()).status).toBe(201);
      expect((await newUser()).status).toBe(201);
      expectError(await newUser(), 409, 'QUOTA_EXCEEDED');
      expect((await admin.get('/users')).body.data).toHaveLength(3);

      expect((await admin.post('/conversations', {})).status).toBe(201);
      expect((await admin.post('/conversations', {})).status).toBe(201);
      expectError(await admin.post('/conversations', {}), 409, 'QUOTA_EXCEEDED');
    });

    it('refuses a chat message over QUOTA_MESSAGES_PER_CONVERSATION before the assistant acts', async () => {
      const conversation = (await admin.get('/conversations')).body.data[0];
      const project = (await admin.get('/projects')).body.data[0];
      const say = (content: string) => admin.post(`/conversations/${conversation.id}/messages`, { content });
      expect((await say('hello')).status).toBe(201);
      expect((await say('hello again')).status).toBe(201);
      expectError(await say(`log 1h on ${project.name} yesterday`), 409, 'QUOTA_EXCEEDED');
      expect((await admin.get('/time-entries')).body.data).toHaveLength(0);
      expect((await admin.get(`/conversations/${conversation.id}/messages`)).body.data).toHaveLength(4);
    });
  });

  describe('24 hours per user per day', () => {
    let t: TestApp;
    let member: Api;
    let projectId: string;
    let projectName: string;
    beforeAll(async () => {
      t = await createTestApp();
      const clientId = await provisionClient(t);
      const admin = as(t, await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] }));
      const user = await createUserWithToken(t, { clientId, roleKeys: ['member'] });
      member = as(t, user);
      const project = await createProject(admin, { name: `Daily ${unique()}` });
      projectId = project.id;
      projectName = project.name;
      await addMember(admin, projectId, user.userId);
    });
    afterAll(() => t.close());

    const total = async (date: string) =>
      ((await member.get(`/time-entries?from=${date}&to=${date}&limit=200`)).body.data as { duration: number }[]).reduce(
        (s, e) => s + e.duration,
        0,
      );

    // A report once showed 90,120 h on one day.
    it('refuses an entry that would pass 24 h on its day with 409 DAILY_LIMIT_EXCEEDED', async () => {
      const date = day(3);
      expect((await member.post('/time-entries', { projectId, date, duration: 23 * 3600 })).status).toBe(201);
      expectError(await member.post('/time-entries', { projectId, date, duration: 2 * 3600 }), 409, 'DAILY_LIMIT_EXCEEDED');
      expect((await member.post('/time-entries', { projectId, date, duration: 3600 })).status).toBe(201);
      expect(await total(date)).toBe(24 * 3600);
      expectError(await member.post('/time-entries', { projectId, date, duration: 1 }), 409, 'DAILY_LIMIT_EXCEEDED');
    });

    it('refuses an edit that would pass it, and changes nothing', async () => {
      const date = day(4);
      const a = await member.post('/time-entries', { projectId, date, duration: 20 * 3600 });
      const b = await member.post('/time-entries', { projectId, date, duration: 3 * 3600 });
      expectError(await member.patch(`/time-entries/${b.body.id}`, { duration: 5 * 3600 }), 409, 'DAILY_LIMIT_EXCEEDED');
      // Moving a full day onto another full day is an edit too.
      const c = await member.post('/time-entries', { projectId, date: day(5), duration: 10 * 3600 });
      expectError(await member.patch(`/time-entries/${c.body.id}`, { date }), 409, 'DAILY_LIMIT_EXCEEDED');
      expect((await member.get(`/time-entries/${b.body.id}`)).body.duration).toBe(3 * 3600);
      expect((await member.get(`/time-entries/${c.body.id}`)).body.date).toBe(day(5));
      expect(await total(date)).toBe(23 * 3600);
      expect(a.status).toBe(201);
    });

    it('holds under concurrent requests: of 12 three-hour entries on one day exactly 8 are stored', async () => {
      const date = day(6);
      const results = await Promise.all(
        Array.from({ length: 12 }, () => member.post('/time-entries', { projectId, date, duration: 3 * 3600 })),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(8);
      for (const r of results.filter((r) => r.status !== 201)) expectError(r, 409, 'DAILY_LIMIT_EXCEEDED');
      expect(await total(date)).toBe(24 * 3600);
    });

    it('makes the chat ask instead of logging', async () => {
      const conversation = (await member.post('/conversations', {})).body;
      const res = await member.post(`/conversations/${conversation.id}/messages`, { content: `log 2h on ${projectName} 3 days ago` });
      expect(res.status).toBe(201);
      expect(res.body.actions).toEqual([expect.objectContaining({ type: 'clarification' })]);
      expect(res.body.reply.content).toMatch(/24 hours/);
      expect(await total(day(3))).toBe(24 * 3600);
    });
  });

  describe('literal search', () => {
    let t: TestApp;
    let admin: Api;
    beforeAll(async () => {
      t = await createTestApp();
      const clientId = await provisionClient(t);
      admin = as(t, await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] }));
      for (const name of ['100% done', 'a_b', 'plain', 'back\\slash']) await createProject(admin, { name });
    });
    afterAll(() => t.close());

    const names = async (search: string) =>
      ((await admin.get(`/projects?search=${encodeURIComponent(search)}`)).body.data as { name: string }[]).map((p) => p.name);

    // `?search=_` matched every project: LIKE wildcards were passed through.
    it('matches %, _ and \\ as ordinary characters', async () => {
      expect(await names('_')).toEqual(['a_b']);
      expect(await names('%')).toEqual(['100% done']);
      expect(await names('\\')).toEqual(['back\\slash']);
      expect(await names('PLAIN')).toEqual(['plain']);
    });
  });
});
