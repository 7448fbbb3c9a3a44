/**
 * Two service processes on one main database (as behind a load balancer):
 * a logout, a deactivation, a suspension and an impersonation end made on
 * one instance are enforced by the other within one second (LISTEN/NOTIFY
 * invalidation; the contract's "stop working at once", README).
 */
import { randomBytes } from 'node:crypto';
import { freePort, OwnPostgres, RawHttp, ServiceProcess, sleep, startOwnStack } from '../helpers/reliability.js';

const API = '/api/v1';
const PASSWORD = 'Correct-Horse-Battery-9';
let pg: OwnPostgres;
let one: ServiceProcess;
let two: ServiceProcess;
let admin: { token: string; clientId: string };

async function login(
  http: RawHttp,
  email: string,
  password = PASSWORD,
): Promise<{ accessToken: string; refreshToken: string; user: { id: string } }> {
  const res = await http.json('POST', `${API}/auth/login`, null, { email, password });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.text}`);
  return res.body as { accessToken: string; refreshToken: string; user: { id: string } };
}

async function newMember(): Promise<{ id: string; email: string; token: string; refreshToken: string }> {
  const email = `m-${randomBytes(4).toString('hex')}@example.test`;
  const created = await one.http.json('POST', `${API}/users`, admin.token, { email, name: 'Member', password: PASSWORD });
  if (created.status !== 201) throw new Error(`create user: ${created.status} ${created.text}`);
  const tokens = await login(one.http, email);
  return { id: tokens.user.id, email, token: tokens.accessToken, refreshToken: tokens.refreshToken };
}

/** Milliseconds until instance two answers `token` on GET /auth/me with `status` (polling every 20 ms, up to 3 s). */
async function msUntil(token: string, status: number, code?: string): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < 3_000) {
    const res = await two.http.json('GET', `${API}/auth/me`, token);
    if (res.status === status && (!code || (res.body as { code?: string }).code === code)) return Date.now() - start;
    await sleep(20);
  }
  return Infinity;
}

/** Instance two has the caller cached (the interesting case: its cache must be dropped). */
async function warm(token: string): Promise<void> {
  for (let i = 0; i < 3; i++) expect((await two.http.json('GET', `${API}/auth/me`, token)).status).toBe(200);
}

beforeAll(async () => {
  const stack = await startOwnStack('rel-instances');
  pg = stack.pg;
  one = new ServiceProcess(await freePort(), stack.env);
  await one.start();
  two = new ServiceProcess(await freePort(), { ...stack.env, DB_MIGRATE_ON_START: 'false' });
  await two.start();
  const slug = `two-${randomBytes(3).toString('hex')}`;
  const res = await one.http.json('POST', `${API}/auth/signup`, null, {
    companyName: 'Two Instances',
    slug,
    name: 'Admin',
    email: `admin-${slug}@example.test`,
    password: PASSWORD,
  });
  expect(res.status).toBe(201);
  const body = res.body as { accessToken: string; client: { id: string } };
  admin = { token: body.accessToken, clientId: body.client.id };
}, 180_000);

afterAll(async () => {
  await one?.stop();
  await two?.stop();
  await pg?.destroy();
});

describe('two instances on one main database', () => {
  it('enforces a logout made on one instance on the other within one second', async () => {
    const m = await newMember();
    await warm(m.token);
    expect((await one.http.json('POST', `${API}/auth/logout`, m.token, { refreshToken: m.refreshToken })).status).toBe(204);
    const ms = await msUntil(m.token, 401);
    console.log(`logout seen by the other instance after ${ms} ms`);
    expect(ms).toBeLessThan(1_000);
  });

  it('enforces a deactivation made on one instance on the other within one second', async () => {
    const m = await newMember();
    await warm(m.token);
    expect((await one.http.json('PATCH', `${API}/users/${m.id}`, admin.token, { isActive: false })).status).toBe(200);
    const ms = await msUntil(m.token, 401);
    console.log(`deactivation seen by the other instance after ${ms} ms`);
    expect(ms).toBeLessThan(1_000);
  });

  it('enforces a suspension made on one instance on the other within one second, and the resumption too', async () => {
    const platform = await login(one.http, 'platform@example.test', 'Platform-Admin-Pass-1');
    await warm(admin.token);
    expect((await one.http.json('PATCH', `${API}/clients/${admin.clientId}`, platform.accessToken, { status: 'suspended' })).status).toBe(
      200,
    );
    const ms = await msUntil(admin.token, 403, 'CLIENT_SUSPENDED');
    console.log(`suspension seen by the other instance after ${ms} ms`);
    expect(ms).toBeLessThan(1_000);
    expect((await one.http.json('PATCH', `${API}/clients/${admin.clientId}`, platform.accessToken, { status: 'active' })).status).toBe(200);
    expect(await msUntil(admin.token, 200)).toBeLessThan(1_000);
  });

  it('enforces the end of an impersonation made on one instance on the other within one second', async () => {
    const m = await newMember();
    const started = await one.http.json('POST', `${API}/impersonation`, admin.token, { userId: m.id, reason: 'two-instance test' });
    expect(started.status).toBe(201);
    const { accessToken, session } = started.body as { accessToken: string; session: { id: string } };
    await warm(accessToken);
    expect((await one.http.json('POST', `${API}/impersonation/${session.id}/end`, admin.token)).status).toBe(204);
    const ms = await msUntil(accessToken, 401);
    console.log(`impersonation end seen by the other instance after ${ms} ms`);
    expect(ms).toBeLessThan(1_000);
  });
});
