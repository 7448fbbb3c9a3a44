import { createTestApp, createTestDatabase, leaseTenant, provisionClient, createUserWithToken, TestApp } from '../helpers/test-app.js';
import { addMember, as, createProject, expectError } from '../helpers/time-tracking.js';
import { startReceiver, waitFor } from '../helpers/webhook-receiver.js';

describe('e2e/webhooks-dispatch', () => {
  const LOOPBACK = { WEBHOOK_ALLOW_PRIVATE: 'true' };

  async function tenantWithHook(t: TestApp, url: string, events: string[]) {
    const clientId = await provisionClient(t);
    const admin = await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] });
    const member = await createUserWithToken(t, { clientId, roleKeys: ['member'] });
    const api = as(t, admin);
    const project = await createProject(api, {});
    await addMember(api, project.id, member.userId);
    const hook = await api.post('/webhooks', { url, events }).expect(201);
    return { clientId, admin, member, projectId: project.id, hook: hook.body as { id: string; secret: string } };
  }

  /** `n` duration-only entries of one member on distinct days (no overlap, no daily limit), sequentially. */
  async function logEntries(t: TestApp, user: { token: string }, projectId: string, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const day = new Date(Date.UTC(2026, 0, 1) + i * 86400_000).toISOString().slice(0, 10);
      const res = await as(t, user)
        .post('/time-entries', { projectId, date: day, duration: 60 + i })
        .expect(201);
      ids.push(res.body.id);
    }
    return ids;
  }

  describe('webhook delivery across restarts and instances', () => {
    // Events recorded while no instance delivers are delivered by the next one: they live in the databases, not in memory.
    it('delivers events recorded before a restart, after it', async () => {
      const rx = await startReceiver();
      const db = await createTestDatabase();
      const first = await createTestApp({ ...LOOPBACK, WEBHOOKS_DISPATCH: 'false' }, { database: db, keepDatabase: true });
      let second: TestApp | null = null;
      try {
        const s = await tenantWithHook(first, rx.url, ['time_entry.created']);
        const ids = await logEntries(first, s.member, s.projectId, 5);
        await first.close();
        expect(rx.received).toHaveLength(0);

        second = await createTestApp({ ...LOOPBACK, WEBHOOKS_DISPATCH: 'true' }, { database: db });
        await waitFor(() => rx.received.length >= 5, 15_000, 'the 5 events after the restart');
        expect(rx.received.map((r) => r.json.data.id).sort()).toEqual([...ids].sort());
        for (const r of rx.received) expect(rx.verify(s.hook.secret, r)).toEqual(r.json);
      } finally {
        await second?.close();
        await rx.close();
      }
    });

    it('two instances deliver every event once between them (no duplicates in the normal case)', async () => {
      const rx = await startReceiver();
      const db = await createTestDatabase();
      const one = await createTestApp({ ...LOOPBACK, WEBHOOKS_DISPATCH: 'true' }, { database: db, keepDatabase: true });
      const two = await createTestApp({ ...LOOPBACK, WEBHOOKS_DISPATCH: 'true' }, { database: db });
      try {
        // Three clients, writes spread over both instances.
        const tenants = await Promise.all([0, 1, 2].map(() => tenantWithHook(one, rx.url, ['time_entry.created', 'time_entry.updated'])));
        const written: string[] = [];
        await Promise.all(
          tenants.map(async (s, k) => {
            for (let i = 0; i < 20; i++) {
              const app = i % 2 === 0 ? one : two;
              const day = new Date(Date.UTC(2026, 1, 1) + i * 86400_000).toISOString().slice(0, 10);
              const res = await as(app, s.member)
                .post('/time-entries', { projectId: s.projectId, date: day, duration: 60 + k })
                .expect(201);
              written.push(res.body.id);
              if (i % 5 === 0)
                await as(app === one ? two : one, s.member)
                  .patch(`/time-entries/${res.body.id}`, { description: 'x' })
                  .expect(200);
            }
          }),
        );
        const expected = written.length + tenants.length * 4;
        await waitFor(() => rx.received.length >= expected, 20_000, `${expected} deliveries`);
        // Give a duplicate the chance to show up before counting.
        const ids = rx.received.map((r) => r.json.id);
        expect(new Set(ids).size).toBe(expected);
        expect(ids.length - new Set(ids).size).toBe(0);
        expect(new Set(rx.received.filter((r) => r.json.type === 'time_entry.created').map((r) => r.json.data.id))).toEqual(
          new Set(written),
        );
      } finally {
        await two.close();
        await one.close();
        await rx.close();
      }
    });
  });

  describe('webhook URL policy (WEBHOOK_ALLOW_PRIVATE=false)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ WEBHOOKS_DISPATCH: 'true', QUOTA_WEBHOOKS: '2' });
    });
    afterAll(() => t.close());

    it('refuses URLs that resolve to loopback, private, link-local or reserved addresses with 400', async () => {
      const clientId = await provisionClient(t);
      const api = as(t, await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] }));
      for (const url of [
        'http://127.0.0.1:8080/hook',
        'http://127.1/hook',
        'http://localhost:3000/hook',
        'http://[::1]/hook',
        'http://0.0.0.0/hook',
        'http://10.1.2.3/hook',
        'http://172.16.0.1/hook',
        'http://192.168.1.1/hook',
        'http://169.254.169.254/latest/meta-data/',
        'http://[fe80::1]/hook',
        'http://[fd12:3456::1]/hook',
        'http://[::ffff:127.0.0.1]/hook',
        'http://[::ffff:a9fe:a9fe]/hook',
        'http://100.64.0.1/hook',
        'https://2130706433/hook',
      ]) {
        const res = await api.post('/webhooks', { url, events: ['ping'] });
        expect([url, res.status, res.body.code, res.body.details?.[0]?.field]).toEqual([url, 400, 'VALIDATION_FAILED', 'url']);
      }
      // A public address is accepted (no DNS needed for a literal), and a change to a private one is refused too.
      const ok = await api.post('/webhooks', { url: 'http://93.184.216.34/hook', events: ['ping'] }).expect(201);
      expectError(await api.patch(`/webhooks/${ok.body.id}`, { url: 'http://127.0.0.1/x' }), 400, 'VALIDATION_FAILED');
      // Quota (QUOTA_WEBHOOKS=2 here).
      await api.post('/webhooks', { url: 'https://93.184.216.34/other', events: ['ping'] }).expect(201);
      expectError(await api.post('/webhooks', { url: 'https://93.184.216.34/third', events: ['ping'] }), 409, 'QUOTA_EXCEEDED');
    });

    // DNS may answer differently at delivery time than at creation (rebinding): every delivery checks the address it connects to.
    it('refuses at delivery time an endpoint that now points at a private address', async () => {
      const rx = await startReceiver();
      try {
        const clientId = await provisionClient(t);
        const api = as(t, await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] }));
        const hook = await api.post('/webhooks', { url: 'http://93.184.216.34/hook', events: ['ping'] }).expect(201);
        const db = await leaseTenant(t, clientId);
        await db.$executeRawUnsafe(`UPDATE webhook_endpoints SET url = '${rx.url}' WHERE id = '${hook.body.id}'`);
        await api.post(`/webhooks/${hook.body.id}/ping`).expect(202);
        const d = await waitFor(async () => {
          const res = await api.get(`/webhooks/${hook.body.id}/deliveries`).expect(200);
          return (res.body.data as { attempts: number; lastError: string | null; responseStatus: number | null }[]).find(
            (x) => x.attempts === 1,
          );
        });
        expect(d.responseStatus).toBeNull();
        expect(d.lastError).toMatch(/may not reach/);
        // The same through a host name (resolved, checked, then connected to the checked address).
        await db.$executeRawUnsafe(`UPDATE webhook_endpoints SET url = 'http://localhost:${rx.port}/hook' WHERE id = '${hook.body.id}'`);
        const ping2 = await api.post(`/webhooks/${hook.body.id}/ping`).expect(202);
        const d2 = await waitFor(async () => {
          const res = await api.get(`/webhooks/${hook.body.id}/deliveries`).expect(200);
          return (res.body.data as { id: string; attempts: number; lastError: string | null }[]).find(
            (x) => x.id === ping2.body.id && x.attempts === 1,
          );
        });
        expect(d2.lastError).toMatch(/localhost .*may not reach/);
        expect(rx.received).toHaveLength(0);
      } finally {
        await rx.close();
      }
    });
  });
});
