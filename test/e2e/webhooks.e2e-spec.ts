import { randomUUID } from 'node:crypto';
import { INVALIDATION_CHANNEL, WEBHOOKS_WAKE_KIND } from '../../src/database/invalidation.service.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import type { TenantDb } from '../../src/database/tenant-client.js';
import { createTestApp, createUserWithToken, leaseTenant, TestApp } from '../helpers/test-app.js';
import { addMember, Api, as, createProject, expectError, setupTenant } from '../helpers/time-tracking.js';
import { Receiver, startReceiver, waitFor } from '../helpers/webhook-receiver.js';

describe('e2e/webhooks', () => {
  const ALL_EVENTS = [
    'time_entry.created',
    'time_entry.updated',
    'time_entry.deleted',
    'timer.started',
    'timer.stopped',
    'project.created',
    'project.updated',
    'project.archived',
  ];

  let t: TestApp;
  let a: Awaited<ReturnType<typeof setupTenant>>;
  let admin: Api;
  let tenantDb: TenantDb;

  beforeAll(async () => {
    t = await createTestApp({ WEBHOOKS_DISPATCH: 'true', WEBHOOK_ALLOW_PRIVATE: 'true' });
    a = await setupTenant(t);
    admin = as(t, a.admin);
    tenantDb = await leaseTenant(t, a.clientId);
  });
  afterAll(() => t.close());

  /** Deliveries not yet due are made due now (instead of waiting out the backoff), and the client flagged for a visit. */
  async function hurry(db: TenantDb, main: MainPrismaService, clientId: string): Promise<void> {
    await db.$executeRawUnsafe(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE status = 'pending'`);
    await main.$executeRawUnsafe(
      `INSERT INTO webhook_pending (client_id, due_at) VALUES ('${clientId}', now())
     ON CONFLICT (client_id) DO UPDATE SET due_at = now(), leased_until = NULL, version = webhook_pending.version + 1`,
    );
    // The dispatchers' wake-up, as a signal sends it (without it they would wake at their next scheduled time).
    await main.$executeRawUnsafe(`SELECT pg_notify('${INVALIDATION_CHANNEL}', '${JSON.stringify({ kind: WEBHOOKS_WAKE_KIND })}')`);
  }

  async function createWebhook(api: Api, url: string, events = ALL_EVENTS, status = 201) {
    const res = await api.post('/webhooks', { url, events });
    if (res.status !== status) throw new Error(`create webhook: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; secret: string; url: string; events: string[]; active: boolean; createdAt: string };
  }

  async function deliveries(api: Api, id: string) {
    const res = await api.get(`/webhooks/${id}/deliveries`).expect(200);
    return res.body.data as {
      id: string;
      eventId: string;
      type: string;
      status: string;
      attempts: number;
      responseStatus: number | null;
      lastAttemptAt: string | null;
      nextAttemptAt: string | null;
    }[];
  }

  describe('webhook endpoints (CRUD)', () => {
    it('creates a webhook, shows its secret once, lists, reads, changes and deletes it', async () => {
      const created = await admin
        .post('/webhooks', { url: 'http://127.0.0.1:9/x', events: ['time_entry.created'], description: 'CRUD' })
        .expect(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        url: 'http://127.0.0.1:9/x',
        events: ['time_entry.created'],
        description: 'CRUD',
        active: true,
        secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const bytes = Buffer.from(created.body.secret.slice('whsec_'.length), 'base64');
      expect(bytes.length).toBeGreaterThanOrEqual(24);
      expect(bytes.length).toBeLessThanOrEqual(64);
      const id = created.body.id as string;

      const got = await admin.get(`/webhooks/${id}`).expect(200);
      expect(got.body).not.toHaveProperty('secret');
      expect(JSON.stringify(got.body)).not.toContain(created.body.secret.slice(6, 20));
      const list = await admin.get('/webhooks').expect(200);
      expect(list.body.nextCursor).toBeNull();
      expect(list.body.data.map((w: { id: string }) => w.id)).toContain(id);
      expect(JSON.stringify(list.body)).not.toContain(created.body.secret.slice(6, 20));
      // Stored sealed, never in the clear.
      const rows = await tenantDb.$queryRawUnsafe<{ secret_sealed: string }[]>(
        `SELECT secret_sealed FROM webhook_endpoints WHERE id = '${id}'`,
      );
      expect(rows[0].secret_sealed).not.toContain(created.body.secret.slice(6));

      const patched = await admin
        .patch(`/webhooks/${id}`, { events: ['project.created', 'project.updated'], active: false, description: null })
        .expect(200);
      expect(patched.body).toMatchObject({ id, events: ['project.created', 'project.updated'], active: false, description: null });
      await admin.delete(`/webhooks/${id}`).expect(204);
      expectError(await admin.get(`/webhooks/${id}`), 404, 'NOT_FOUND');
      expectError(await admin.delete(`/webhooks/${id}`), 404, 'NOT_FOUND');
    });

    it('pages the list with limit and cursor', async () => {
      const other = await setupTenant(t);
      const api = as(t, other.admin);
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await createWebhook(api, `http://127.0.0.1:9/p${i}`)).id);
      const p1 = await api.get('/webhooks?limit=2').expect(200);
      expect(p1.body.data).toHaveLength(2);
      expect(p1.body.nextCursor).toEqual(expect.any(String));
      const p2 = await api.get(`/webhooks?limit=2&cursor=${p1.body.nextCursor}`).expect(200);
      expect(p2.body.nextCursor).toBeNull();
      expect([...p1.body.data, ...p2.body.data].map((w: { id: string }) => w.id)).toEqual(ids);
      expectError(await api.get('/webhooks?cursor=nonsense'), 400, 'VALIDATION_FAILED');
    });

    it('refuses bad input with 400 VALIDATION_FAILED naming the field', async () => {
      const bad: [object, string][] = [
        [{ events: ['ping'] }, 'url'],
        [{ url: 'http://127.0.0.1:9/x' }, 'events'],
        [{ url: 'http://127.0.0.1:9/x', events: [] }, 'events'],
        [{ url: 'http://127.0.0.1:9/x', events: ['time_entry.exploded'] }, 'events'],
        [{ url: 'http://127.0.0.1:9/x', events: ['ping', 'ping'] }, 'events'],
        [{ url: 'http://127.0.0.1:9/x', events: 'ping' }, 'events'],
        [{ url: 'ftp://127.0.0.1/x', events: ['ping'] }, 'url'],
        [{ url: 'not a url', events: ['ping'] }, 'url'],
        [{ url: 'http://user:pw@127.0.0.1:9/x', events: ['ping'] }, 'url'],
        [{ url: 42, events: ['ping'] }, 'url'],
        [{ url: 'http://127.0.0.1:9/x', events: ['ping'], secret: 'mine' }, 'secret'],
        [{ url: `http://127.0.0.1:9/${'x'.repeat(2100)}`, events: ['ping'] }, 'url'],
      ];
      for (const [body, field] of bad) {
        const res = await admin.post('/webhooks', body);
        expectError(res, 400, 'VALIDATION_FAILED');
        expect([JSON.stringify(body).slice(0, 80), res.body.details?.map((d: { field: string }) => d.field)]).toEqual([
          JSON.stringify(body).slice(0, 80),
          expect.arrayContaining([field]),
        ]);
      }
      const id = (await createWebhook(admin, 'http://127.0.0.1:9/v')).id;
      expectError(await admin.patch(`/webhooks/${id}`, { active: null }), 400, 'VALIDATION_FAILED');
      expectError(await admin.patch(`/webhooks/${id}`, { active: 'yes' }), 400, 'VALIDATION_FAILED');
      expectError(await admin.patch(`/webhooks/${id}`, { url: 'javascript:alert(1)' }), 400, 'VALIDATION_FAILED');
      expectError(await admin.patch(`/webhooks/${id}`, { events: [] }), 400, 'VALIDATION_FAILED');
      expectError(await admin.get('/webhooks/not-a-uuid'), 404, 'NOT_FOUND');
      expectError(await admin.get(`/webhooks/${randomUUID()}/deliveries`), 404, 'NOT_FOUND');
      expectError(await admin.post(`/webhooks/${id}/deliveries/${randomUUID()}/redeliver`), 404, 'NOT_FOUND');
      await admin.delete(`/webhooks/${id}`).expect(204);
    });

    it('needs webhooks:manage (403) and never shows another client’s webhook (404)', async () => {
      const id = (await createWebhook(admin, 'http://127.0.0.1:9/iso')).id;
      for (const user of [a.manager, a.member]) {
        expectError(await as(t, user).get('/webhooks'), 403, 'FORBIDDEN');
        expectError(await as(t, user).post('/webhooks', { url: 'http://127.0.0.1:9/x', events: ['ping'] }), 403, 'FORBIDDEN');
        expectError(await as(t, user).get(`/webhooks/${id}`), 403, 'FORBIDDEN');
      }
      const other = await setupTenant(t);
      const api = as(t, other.admin);
      expectError(await api.get(`/webhooks/${id}`), 404, 'NOT_FOUND');
      expectError(await api.patch(`/webhooks/${id}`, { active: false }), 404, 'NOT_FOUND');
      expectError(await api.delete(`/webhooks/${id}`), 404, 'NOT_FOUND');
      expectError(await api.post(`/webhooks/${id}/ping`), 404, 'NOT_FOUND');
      expectError(await api.get(`/webhooks/${id}/deliveries`), 404, 'NOT_FOUND');
      expect((await api.get('/webhooks').expect(200)).body.data).toEqual([]);
      await admin.get(`/webhooks/${id}`).expect(200);
      await admin.delete(`/webhooks/${id}`).expect(204);
    });
  });

  describe('webhook events', () => {
    let rx: Receiver;
    let hook: Awaited<ReturnType<typeof createWebhook>>;
    let member: Awaited<ReturnType<typeof createUserWithToken>>;
    let projectId: string;

    beforeAll(async () => {
      rx = await startReceiver();
      hook = await createWebhook(admin, rx.url);
      member = await createUserWithToken(t, { clientId: a.clientId, roleKeys: ['member'] });
    });
    afterAll(async () => {
      await admin.delete(`/webhooks/${hook.id}`);
      await rx.close();
    });

    const arrived = (type: string, resourceId: string) =>
      waitFor(() => rx.received.find((r) => r.json.type === type && r.json.data.id === resourceId), 10_000, `${type} of ${resourceId}`);

    it('sends project.created, project.updated and project.archived with the project as REST answers it, signed', async () => {
      const created = await admin.post('/projects', { name: `Hooked ${randomUUID().slice(0, 6)}`, hourlyRate: 95.5 }).expect(201);
      projectId = created.body.id;
      await addMember(admin, projectId, member.userId);
      const updated = await admin.patch(`/projects/${projectId}`, { description: 'Now with hooks' }).expect(200);

      const c = await arrived('project.created', projectId);
      expect(c.json).toEqual({
        id: expect.any(String),
        type: 'project.created',
        createdAt: expect.any(String),
        clientId: a.clientId,
        data: created.body,
      });
      expect(rx.verify(hook.secret, c)).toEqual(c.json);
      expect(c.headers['webhook-id']).toBe(c.json.id);
      expect(Math.abs(Number(c.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(c.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(c.headers['content-type']).toBe('application/json');
      // A signature made with another secret does not verify: the check above can fail.
      expect(() => rx.verify(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, c)).toThrow();

      const u = await arrived('project.updated', projectId);
      expect(u.json.data).toEqual(updated.body);
      expect(rx.verify(hook.secret, u)).toEqual(u.json);

      // A second project, archived (DELETE /projects/:id archives).
      const second = await createProject(admin, {});
      await admin.delete(`/projects/${second.id}`).expect(204);
      const archived = await arrived('project.archived', second.id);
      const now = await admin.get(`/projects/${second.id}`).expect(200);
      expect(archived.json.data).toEqual(now.body);
      expect(archived.json.data.archived).toBe(true);
    });

    it('sends time_entry.created, .updated and .deleted for REST writes, the deletion with the entry as it was', async () => {
      const api = as(t, member);
      const created = await api
        .post('/time-entries', { projectId, startTime: '2026-06-01T09:00:00Z', endTime: '2026-06-01T10:00:00Z' })
        .expect(201);
      const id = created.body.id as string;
      const updated = await api.patch(`/time-entries/${id}`, { description: 'Edited' }).expect(200);
      await api.delete(`/time-entries/${id}`).expect(204);

      expect((await arrived('time_entry.created', id)).json.data).toEqual(created.body);
      expect((await arrived('time_entry.updated', id)).json.data).toEqual(updated.body);
      const del = await arrived('time_entry.deleted', id);
      expect(del.json.data).toEqual(updated.body);
      expect(rx.verify(hook.secret, del)).toEqual(del.json);
      // In order for one resource.
      const order = rx.received.filter((r) => r.json.data.id === id).map((r) => r.json.type);
      expect(order).toEqual(['time_entry.created', 'time_entry.updated', 'time_entry.deleted']);
    });

    it('sends timer.started and timer.stopped (not time_entry.created) for a timer', async () => {
      const api = as(t, member);
      const started = await api.post('/time-entries/start', { projectId, description: 'Timer' }).expect(201);
      const stopped = await api.post('/time-entries/stop').expect(200);
      const id = started.body.id as string;
      expect((await arrived('timer.started', id)).json.data).toEqual(started.body);
      expect((await arrived('timer.stopped', id)).json.data).toEqual(stopped.body);
      expect(rx.received.filter((r) => r.json.data.id === id).map((r) => r.json.type)).toEqual(['timer.started', 'timer.stopped']);
    });

    it('sends time_entry.created for time the chat logs, with the entry as REST answers it', async () => {
      const project = await admin.get(`/projects/${projectId}`).expect(200);
      await api_addChat(member);
      const conv = await as(t, member).post('/conversations', {}).expect(201);
      const res = await as(t, member)
        .post(`/conversations/${conv.body.id}/messages`, { content: `log 1h on ${project.body.name} yesterday` })
        .expect(201);
      const action = (res.body.actions as { type: string; timeEntry?: Record<string, unknown> }[]).find(
        (x) => x.type === 'time_entry.created',
      );
      expect(action).toBeDefined();
      const { projectName: _name, ...entry } = action!.timeEntry!;
      const got = await arrived('time_entry.created', entry.id as string);
      expect(got.json.data).toEqual(entry);
      const rest = await as(t, member)
        .get(`/time-entries/${entry.id as string}`)
        .expect(200);
      expect(got.json.data).toEqual(rest.body);
    });

    // The event is written in the change's transaction: a refused change leaves no event behind.
    it('records no event for a change that fails (409 overlap, 400, 409 daily limit, 404 no timer)', async () => {
      const api = as(t, member);
      await api.post('/time-entries', { projectId, startTime: '2026-06-02T09:00:00Z', endTime: '2026-06-02T10:00:00Z' }).expect(201);
      const count = async () => Number((await tenantDb.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM webhook_events'))[0].n);
      const before = await count();
      expectError(
        await api.post('/time-entries', { projectId, startTime: '2026-06-02T09:30:00Z', endTime: '2026-06-02T10:30:00Z' }),
        409,
        'TIME_ENTRY_OVERLAP',
      );
      expectError(await api.post('/time-entries', { projectId, date: '2026-06-02', duration: 90000 }), 400, 'VALIDATION_FAILED');
      expectError(await api.post('/time-entries', { projectId, date: '2026-06-02', duration: 23 * 3600 + 1 }), 409, 'DAILY_LIMIT_EXCEEDED');
      expectError(await api.post('/time-entries/stop'), 404, 'NO_RUNNING_TIMER');
      expect(await count()).toBe(before);
      // …and the count does move for a change that succeeds.
      await api.post('/time-entries', { projectId, date: '2026-06-03', duration: 600 }).expect(201);
      expect(await count()).toBe(before + 1);
    });

    it('records nothing for event types no active endpoint subscribes to', async () => {
      const rx2 = await startReceiver();
      const only = await createWebhook(admin, rx2.url, ['project.archived']);
      await admin.patch(`/webhooks/${hook.id}`, { active: false }).expect(200);
      try {
        const events = async () =>
          Number((await tenantDb.$queryRawUnsafe<{ n: bigint }[]>('SELECT count(*) AS n FROM webhook_events'))[0].n);
        const before = await events();
        const p = await createProject(admin, {});
        expect(await events()).toBe(before);
        await admin.delete(`/projects/${p.id}`).expect(204);
        expect(await events()).toBe(before + 1);
        const got = await waitFor(() => rx2.ofType('project.archived').find((r) => r.json.data.id === p.id));
        expect(rx2.verify(only.secret, got)).toEqual(got.json);
        expect(rx2.received.map((r) => r.json.type)).toEqual(['project.archived']);
      } finally {
        await admin.patch(`/webhooks/${hook.id}`, { active: true }).expect(200);
        await admin.delete(`/webhooks/${only.id}`).expect(204);
        await rx2.close();
      }
    });

    it('pings (202) and redelivers an event with the same webhook-id', async () => {
      const ping = await admin.post(`/webhooks/${hook.id}/ping`).expect(202);
      expect(ping.body).toMatchObject({ id: expect.any(String), eventId: expect.any(String), type: 'ping', status: 'pending' });
      const got = await waitFor(() => rx.received.find((r) => r.json.id === ping.body.eventId));
      expect(got.json).toMatchObject({ type: 'ping', clientId: a.clientId, data: { webhookId: hook.id, url: hook.url } });
      expect(rx.verify(hook.secret, got)).toEqual(got.json);
      await waitFor(async () => (await deliveries(admin, hook.id)).find((d) => d.id === ping.body.id && d.status === 'succeeded'));

      const again = await admin.post(`/webhooks/${hook.id}/deliveries/${ping.body.id}/redeliver`).expect(202);
      expect(again.body).toMatchObject({ eventId: ping.body.eventId, status: 'pending', attempts: 0 });
      expect(again.body.id).not.toBe(ping.body.id);
      await waitFor(() => rx.received.filter((r) => r.json.id === ping.body.eventId).length === 2);
      const both = rx.received.filter((r) => r.json.id === ping.body.eventId);
      expect(both[1].headers['webhook-id']).toBe(both[0].headers['webhook-id']);
      expect(both[1].body).toBe(both[0].body);
      const log = await deliveries(admin, hook.id);
      expect(log.find((d) => d.id === again.body.id)).toMatchObject({ status: 'succeeded', attempts: 1, responseStatus: 204 });
    });
  });

  // A tiny helper kept apart: members hold chat:use already; this documents the assumption.
  async function api_addChat(user: { token: string }) {
    const me = await as(t, user).get('/auth/me').expect(200);
    expect(me.body.capabilities).toContain('chat:use');
  }

  describe('webhook delivery: retries, redirects, deactivation', () => {
    it('retries a 500 with backoff and succeeds on the third attempt; the log shows each attempt', async () => {
      const rx = await startReceiver((n) => (n <= 2 ? 500 : 200));
      const hook = await createWebhook(admin, rx.url, ['ping']);
      const main = t.get(MainPrismaService);
      try {
        const ping = await admin.post(`/webhooks/${hook.id}/ping`).expect(202);
        const first = await waitFor(async () => (await deliveries(admin, hook.id)).find((d) => d.attempts === 1));
        expect(first).toMatchObject({ status: 'pending', responseStatus: 500 });
        // The first retry is due about 5 s later (±20 % jitter).
        const wait = Date.parse(first.nextAttemptAt!) - Date.parse(first.lastAttemptAt!);
        expect(wait).toBeGreaterThanOrEqual(3_900);
        expect(wait).toBeLessThanOrEqual(6_100);
        // Not hurried: the dispatcher wakes by itself when the retry comes due (no signal, no NOTIFY).
        const second = await waitFor(async () => (await deliveries(admin, hook.id)).find((d) => d.attempts === 2), 15_000);
        expect(Date.parse(second.lastAttemptAt!)).toBeGreaterThanOrEqual(Date.parse(first.nextAttemptAt!));
        expect(second).toMatchObject({ status: 'pending', responseStatus: 500 });
        const wait2 = Date.parse(second.nextAttemptAt!) - Date.parse(second.lastAttemptAt!);
        expect(wait2).toBeGreaterThanOrEqual(11_900);
        expect(wait2).toBeLessThanOrEqual(18_100);
        await hurry(tenantDb, main, a.clientId);
        const done = await waitFor(async () => (await deliveries(admin, hook.id)).find((d) => d.status === 'succeeded'));
        expect(done).toMatchObject({ id: ping.body.id, attempts: 3, responseStatus: 200, nextAttemptAt: null });
        expect(rx.received).toHaveLength(3);
        expect(new Set(rx.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([ping.body.eventId]));
      } finally {
        await admin.delete(`/webhooks/${hook.id}`);
        await rx.close();
      }
    });

    it('does not follow a redirect: a 302 is a failed attempt', async () => {
      const target = await startReceiver();
      const rx = await startReceiver(() => ({ status: 302, headers: { location: target.url } }));
      const hook = await createWebhook(admin, rx.url, ['ping']);
      try {
        await admin.post(`/webhooks/${hook.id}/ping`).expect(202);
        const d = await waitFor(async () => (await deliveries(admin, hook.id)).find((x) => x.attempts === 1));
        expect(d).toMatchObject({ status: 'pending', responseStatus: 302 });
        expect(target.received).toHaveLength(0);
      } finally {
        await admin.delete(`/webhooks/${hook.id}`);
        await rx.close();
        await target.close();
      }
    });

    // Backdated instead of waited for: the endpoint's failing streak began 3 days and a minute ago.
    it('sets an endpoint failing for 3 days inactive and ends its pending deliveries', async () => {
      const rx = await startReceiver(() => 503);
      const hook = await createWebhook(admin, rx.url, ['ping']);
      try {
        await admin.post(`/webhooks/${hook.id}/ping`).expect(202);
        await waitFor(async () => (await deliveries(admin, hook.id)).find((x) => x.attempts === 1));
        expect((await admin.get(`/webhooks/${hook.id}`).expect(200)).body.active).toBe(true);
        await tenantDb.$executeRawUnsafe(
          `UPDATE webhook_endpoints SET failing_since = now() - interval '3 days 1 minute' WHERE id = '${hook.id}'`,
        );
        await hurry(tenantDb, t.get(MainPrismaService), a.clientId);
        await waitFor(async () => (await admin.get(`/webhooks/${hook.id}`).expect(200)).body.active === false);
        const [d] = await deliveries(admin, hook.id);
        expect(d).toMatchObject({ status: 'failed', attempts: 2, responseStatus: 503, nextAttemptAt: null });
        expect(rx.received).toHaveLength(2);
      } finally {
        await admin.delete(`/webhooks/${hook.id}`);
        await rx.close();
      }
    });

    // A suspended client's deliveries wait for its resume; in maintenance its database must not change under a move.
    it('holds the deliveries of a suspended client until it is active again', async () => {
      const other = await setupTenant(t);
      const api = as(t, other.admin);
      let failing = true;
      const rx = await startReceiver(() => (failing ? 500 : 204));
      const hook = await createWebhook(api, rx.url, ['ping']);
      const platform = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
      const db = await leaseTenant(t, other.clientId);
      try {
        await api.post(`/webhooks/${hook.id}/ping`).expect(202);
        await waitFor(async () => (await deliveries(api, hook.id)).find((d) => d.attempts === 1));
        await as(t, platform).patch(`/clients/${other.clientId}`, { status: 'suspended' }).expect(200);
        failing = false;
        await hurry(db, t.get(MainPrismaService), other.clientId);
        // Proving that nothing is sent needs a wait: two dispatcher polls.
        await new Promise((r) => setTimeout(r, 2_500));
        expect(rx.received).toHaveLength(1);
        await as(t, platform).patch(`/clients/${other.clientId}`, { status: 'active' }).expect(200);
        await hurry(db, t.get(MainPrismaService), other.clientId);
        await waitFor(() => rx.received.length === 2);
        expect(rx.received[1].headers['webhook-id']).toBe(rx.received[0].headers['webhook-id']);
      } finally {
        await rx.close();
      }
    });

    // WEBHOOK_RETENTION_DAYS (30 by default): the log is written straight into a fresh client's database, backdated.
    it('prunes finished deliveries and their events past the retention, never a pending one or a recent one', async () => {
      const other = await setupTenant(t);
      const db = await leaseTenant(t, other.clientId);
      const endpoint = randomUUID();
      await db.$executeRawUnsafe(
        `INSERT INTO webhook_endpoints (id, url, events, secret_sealed, active) VALUES ('${endpoint}', 'https://example.test/h', '{ping}', 'x', false)`,
      );
      const rows = [
        { name: 'old succeeded', status: 'succeeded', age: '31 days' },
        { name: 'old failed', status: 'failed', age: '40 days' },
        { name: 'old pending', status: 'pending', age: '31 days' },
        { name: 'recent succeeded', status: 'succeeded', age: '29 days' },
      ].map((r) => ({ ...r, event: randomUUID(), delivery: randomUUID() }));
      for (const r of rows) {
        await db.$executeRawUnsafe(
          `INSERT INTO webhook_events (id, type, data, created_at) VALUES ('${r.event}', 'ping', '{}', now() - interval '${r.age}')`,
        );
        await db.$executeRawUnsafe(
          `INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, next_attempt_at, created_at)
         VALUES ('${r.delivery}', '${r.event}', '${endpoint}', '${r.status}', ${r.status === 'pending' ? 'now()' : 'NULL'}, now() - interval '${r.age}')`,
        );
      }
      await hurry(db, t.get(MainPrismaService), other.clientId);
      const left = async () => ({
        deliveries: (await db.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text FROM webhook_deliveries`)).map((x) => x.id).sort(),
        events: (await db.$queryRawUnsafe<{ id: string }[]>(`SELECT id::text FROM webhook_events`)).map((x) => x.id).sort(),
      });
      const kept = rows.filter((r) => r.name === 'old pending' || r.name === 'recent succeeded');
      await waitFor(async () => (await left()).deliveries.length === kept.length);
      expect(await left()).toEqual({ deliveries: kept.map((r) => r.delivery).sort(), events: kept.map((r) => r.event).sort() });
    });

    it('marks a delivery failed once its 24 h of retries are over', async () => {
      const rx = await startReceiver(() => 500);
      const hook = await createWebhook(admin, rx.url, ['ping']);
      try {
        const ping = await admin.post(`/webhooks/${hook.id}/ping`).expect(202);
        await waitFor(async () => (await deliveries(admin, hook.id)).find((x) => x.attempts === 1));
        await tenantDb.$executeRawUnsafe(
          `UPDATE webhook_deliveries SET created_at = now() - interval '25 hours' WHERE id = '${ping.body.id}'`,
        );
        await hurry(tenantDb, t.get(MainPrismaService), a.clientId);
        const d = await waitFor(async () => (await deliveries(admin, hook.id)).find((x) => x.status === 'failed'));
        expect(d).toMatchObject({ attempts: 2, responseStatus: 500, nextAttemptAt: null });
        expect((await admin.get(`/webhooks/${hook.id}`).expect(200)).body.active).toBe(true);
      } finally {
        await admin.delete(`/webhooks/${hook.id}`);
        await rx.close();
      }
    });
  });
});
