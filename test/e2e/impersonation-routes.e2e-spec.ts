// Impersonation tokens on other features' routes: a real tenant write
// (POST /projects) and GET /auth/me.
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { ImpersonationAuditService } from '../../src/modules/auth/impersonation-audit.service.js';
import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';
import { listen } from '../helpers/reliability-world.js';
import type { RawHttp } from '../helpers/reliability.js';

describe('e2e/impersonation-routes', () => {
  type Caller = Awaited<ReturnType<typeof createUserWithToken>>;

  let t: TestApp;
  let clientA: string;
  let platformAdmin: Caller;
  let managerA: Caller;
  let raw: RawHttp;

  const API = '/api/v1';
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  async function impersonate(by: Caller, target: Caller, extra: Record<string, unknown> = {}) {
    const res = await t.http
      .post(`${API}/impersonation`)
      .set(bearer(by.token))
      .send({ userId: target.userId, reason: 'Support ticket #7', ...extra });
    expect(res.status).toBe(201);
    return { token: res.body.accessToken as string, id: res.body.session.id as string, expiresAt: res.body.session.expiresAt as string };
  }

  beforeAll(async () => {
    t = await createTestApp();
    clientA = await provisionClient(t, 'Imp Routes');
    platformAdmin = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
    managerA = await createUserWithToken(t, { clientId: clientA, roleKeys: ['manager'] });
    raw = await listen(t);
  });
  afterAll(async () => {
    raw.close();
    await t.close();
  });

  async function trailOf(sessionId: string): Promise<{ method: string; path: string; status: number }[]> {
    await t.get(ImpersonationAuditService).flush();
    const trail = await t.http
      .get(`${API}/impersonation/sessions?targetUserId=${managerA.userId}&limit=200`)
      .set(bearer(platformAdmin.token))
      .expect(200);
    return trail.body.data.find((s: { id: string }) => s.id === sessionId)?.requests ?? [];
  }

  // The router ends the path at `#` (and a query can say anything): a policy that read the URL text
  // let these writes through as if they ended the session.
  describe('a read-only impersonation token and URL text that looks like ending its session', () => {
    it('refuses creating a user and starting a timer, and nothing is created', async () => {
      const imp = await impersonate(platformAdmin, managerA);
      const end = `/impersonation/${imp.id}/end`;
      const email = `sneaky-${randomUUID()}@example.test`;
      for (const suffix of [`#${end}`, `?x=${end}`]) {
        const user = await raw.json('POST', `${API}/users${suffix}`, imp.token, { email, name: 'Sneaky', password: 'Sneaky-Password-1' });
        expect([user.status, (user.body as { code: string }).code]).toEqual([403, 'IMPERSONATION_READ_ONLY']);
        const timer = await raw.json('POST', `${API}/time-entries/start${suffix}`, imp.token, {});
        expect([timer.status, (timer.body as { code: string }).code]).toEqual([403, 'IMPERSONATION_READ_ONLY']);
      }
      await t.http.post(`${API}/auth/login`).send({ email, password: 'Sneaky-Password-1' }).expect(401);
      await t.http.get(`${API}/time-entries/running`).set(bearer(managerA.token)).expect(204);
    });

    it("still lets the token end its own session (the matched route's id), and not another one", async () => {
      const other = await impersonate(platformAdmin, managerA);
      const imp = await impersonate(platformAdmin, managerA);
      const refused = await raw.json('POST', `${API}/impersonation/${other.id}/end#/impersonation/${imp.id}/end`, imp.token);
      expect([refused.status, (refused.body as { code: string }).code]).toEqual([403, 'IMPERSONATION_READ_ONLY']);
      await t.http.get(`${API}/auth/me`).set(bearer(other.token)).expect(200);
      expect((await raw.json('POST', `${API}/impersonation/${imp.id}/end?via=test`, imp.token)).status).toBe(204);
      await t.http.get(`${API}/auth/me`).set(bearer(imp.token)).expect(401);
    });
  });

  describe('the impersonation audit', () => {
    // A caller who hangs up before the answer made the request all the same: support staff must not be
    // able to read data without a trace by dropping connections.
    it('records requests whose caller disconnected before the answer', async () => {
      const imp = await impersonate(platformAdmin, managerA);
      const { port } = t.app.getHttpServer().address() as net.AddressInfo;
      const paths = Array.from({ length: 5 }, () => `${API}/projects/${randomUUID()}`);
      await Promise.all(
        paths.map(
          (path) =>
            new Promise<void>((resolve) => {
              const socket = net.connect(port, '127.0.0.1', () => {
                socket.write(`GET ${path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${imp.token}\r\n\r\n`);
                socket.destroy();
              });
              socket.on('close', () => resolve());
            }),
        ),
      );
      let recorded: string[] = [];
      for (let i = 0; i < 50 && recorded.length < paths.length; i++) {
        await new Promise((r) => setTimeout(r, 100));
        recorded = (await trailOf(imp.id)).map((r) => r.path);
      }
      expect(recorded.sort()).toEqual([...paths].sort());
    });
  });

  describe('impersonation on tenant routes', () => {
    // Platform admins reach client data only by impersonation, and only read unless writes were granted.
    it('lets a platform admin read client data but refuses a write with 403 IMPERSONATION_READ_ONLY, creating nothing', async () => {
      expect((await t.http.get(`${API}/projects`).set(bearer(platformAdmin.token)).expect(403)).body.code).toBe('TENANT_REQUIRED');
      const imp = await impersonate(platformAdmin, managerA);
      await t.http.get(`${API}/projects`).set(bearer(imp.token)).expect(200);
      const refused = await t.http.post(`${API}/projects`).set(bearer(imp.token)).send({ name: 'Read-only attempt' }).expect(403);
      expect(refused.body.code).toBe('IMPERSONATION_READ_ONLY');
      const list = await t.http.get(`${API}/projects`).set(bearer(managerA.token)).expect(200);
      expect(list.body.data.map((p: { name: string }) => p.name)).not.toContain('Read-only attempt');
    });

    it('lets the write through with allowWrites, and audits both the refused and the accepted write', async () => {
      const ro = await impersonate(platformAdmin, managerA);
      await t.http.post(`${API}/projects`).set(bearer(ro.token)).send({ name: 'Nope' }).expect(403);
      const rw = await impersonate(platformAdmin, managerA, { allowWrites: true });
      const created = await t.http.post(`${API}/projects`).set(bearer(rw.token)).send({ name: 'Made while impersonating' }).expect(201);
      expect(created.body.name).toBe('Made while impersonating');
      await t.get(ImpersonationAuditService).flush();

      const trail = await t.http
        .get(`${API}/impersonation/sessions?targetUserId=${managerA.userId}&limit=200`)
        .set(bearer(platformAdmin.token))
        .expect(200);
      const byId = new Map(trail.body.data.map((s: { id: string; requests: unknown[] }) => [s.id, s.requests]));
      expect(byId.get(ro.id)).toEqual([{ method: 'POST', path: `${API}/projects`, status: 403, at: expect.any(String) }]);
      expect(byId.get(rw.id)).toEqual([{ method: 'POST', path: `${API}/projects`, status: 201, at: expect.any(String) }]);
    });
  });

  describe('GET /auth/me with an impersonation token', () => {
    it('shows the target as the user and who is impersonating until when', async () => {
      const imp = await impersonate(platformAdmin, managerA);
      const me = await t.http.get(`${API}/auth/me`).set(bearer(imp.token)).expect(200);
      expect(me.body.user.id).toBe(managerA.userId);
      expect(me.body.impersonation).toEqual({
        sessionId: imp.id,
        impersonator: { id: platformAdmin.userId, email: platformAdmin.email },
        expiresAt: imp.expiresAt,
      });
      const own = await t.http.get(`${API}/auth/me`).set(bearer(managerA.token)).expect(200);
      expect(own.body.impersonation).toBeNull();
    });
  });
});
