// Impersonation tokens on other features' routes: a real tenant write
// (POST /projects) and GET /auth/me.
import { ImpersonationAuditService } from '../../src/modules/auth/impersonation-audit.service.js';
import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';

type Caller = Awaited<ReturnType<typeof createUserWithToken>>;

let t: TestApp;
let clientA: string;
let platformAdmin: Caller;
let managerA: Caller;

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
});
afterAll(() => t.close());

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
