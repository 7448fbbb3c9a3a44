/**
 * Faults, on a PostgreSQL and a service process of the test's own:
 *  - the database restarts under load: requests fail fast with 503 (none
 *    hangs, the process survives), the service recovers within 5 s of the
 *    database being back, and every write acknowledged with 2xx is there;
 *  - provisioning killed (SIGKILL) after each step recovers on re-run, with
 *    exactly one database and one role and no orphans.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/database/paths.js';
import { ensureBuilt, freePort, OwnPostgres, RawResponse, ServiceProcess, sleep, urlWithDatabase, withPg } from '../helpers/reliability.js';

const API = '/api/v1';
const SECRET = 'rel-secret-rel-secret-rel-secret-0123456789';
let pgServer: OwnPostgres;
let svc: ServiceProcess;
let mainUrl: string;

async function signup(label: string): Promise<{ token: string; clientId: string; projectId: string }> {
  const slug = `${label}-${randomBytes(3).toString('hex')}`;
  const res = await svc.http.json('POST', `${API}/auth/signup`, null, {
    companyName: label,
    slug,
    name: 'Admin',
    email: `admin-${slug}@example.test`,
    password: 'Correct-Horse-Battery-9',
  });
  if (res.status !== 201) throw new Error(`signup ${res.status} ${res.text}`);
  const body = res.body as { accessToken: string; client: { id: string } };
  const project = await svc.http.json('POST', `${API}/projects`, body.accessToken, { name: `P ${slug}` });
  return { token: body.accessToken, clientId: body.client.id, projectId: (project.body as { id: string }).id };
}

beforeAll(async () => {
  ensureBuilt();
  pgServer = new OwnPostgres(await freePort(), `rel-faults-${randomBytes(3).toString('hex')}`);
  await pgServer.init();
  await withPg(pgServer.adminUrl, (c) => c.query('CREATE DATABASE freetimechat'));
  mainUrl = urlWithDatabase(pgServer.adminUrl, 'freetimechat');
  svc = new ServiceProcess(await freePort(), {
    DATABASE_URL: mainUrl,
    JWT_SECRET: SECRET,
    TENANT_ACQUIRE_TIMEOUT_MS: '2000',
    SIGNUP_IP_LIMIT: '0',
    WRITE_RATE_LIMIT: '0',
  });
  await svc.start();
}, 180_000);

afterAll(async () => {
  await svc?.stop();
  await pgServer?.destroy();
});

describe('the database restarting under load', () => {
  it('fails fast with 503 while it is down, recovers within 5 s, and keeps every acknowledged write', async () => {
    const tenant = await signup('restart');
    const log: { at: number; res: RawResponse | null; err?: string; id?: string }[] = [];
    let stop = false;
    let day = 0;
    const worker = async () => {
      while (!stop) {
        const at = Date.now();
        const write = Math.random() < 0.6;
        try {
          const res = write
            ? await svc.http.json(
                'POST',
                `${API}/time-entries`,
                tenant.token,
                {
                  projectId: tenant.projectId,
                  date: new Date(Date.now() - (1 + (day++ % 300)) * 86_400_000).toISOString().slice(0, 10),
                  duration: 60,
                },
                15_000,
              )
            : await svc.http.json('GET', `${API}/projects`, tenant.token, undefined, 15_000);
          log.push({ at, res, id: write && res.status === 201 ? (res.body as { id: string }).id : undefined });
        } catch (err) {
          log.push({ at, res: null, err: (err as Error).message });
          await sleep(50);
        }
        if (log.length % 50 === 0) await sleep(1);
      }
    };
    const workers = Array.from({ length: 6 }, () => worker());
    await sleep(3_000);
    await pgServer.stop();
    const downAt = Date.now();
    await sleep(5_000);
    await pgServer.start();
    const upAt = Date.now();
    // Run until a request started after the restart succeeds, then a little longer.
    const deadline = upAt + 30_000;
    while (Date.now() < deadline && !log.some((l) => l.at >= upAt && l.res && l.res.status < 300)) await sleep(50);
    await sleep(2_000);
    stop = true;
    await Promise.all(workers);

    const firstOk = log.filter((l) => l.at >= upAt && l.res && l.res.status < 300).sort((x, y) => x.at - y.at)[0];
    const recoveryMs = firstOk ? firstOk.at + firstOk.res!.ms - upAt : Infinity;
    const during = log.filter((l) => l.at >= downAt && l.at + (l.res?.ms ?? 0) < upAt);
    const statuses: Record<string, number> = {};
    for (const l of log)
      statuses[l.res ? String(l.res.status) : 'no answer'] = (statuses[l.res ? String(l.res.status) : 'no answer'] ?? 0) + 1;
    const slowest = Math.max(...log.filter((l) => l.res).map((l) => l.res!.ms));
    console.log(
      `db restart: ${log.length} requests ${JSON.stringify(statuses)}; slowest ${slowest} ms; recovery ${recoveryMs} ms after the database was back`,
    );

    expect(svc.exited).toBe(false);
    expect(log.filter((l) => !l.res)).toEqual([]);
    expect(during.length).toBeGreaterThan(10);
    for (const l of during)
      expect([l.res!.status, (l.res!.body as { code?: string }).code]).toEqual([
        503,
        expect.stringMatching(/SERVICE_UNAVAILABLE|TENANT_DATABASE_UNAVAILABLE/),
      ]);
    expect(log.filter((l) => l.res!.status >= 500 && l.res!.status !== 503)).toEqual([]);
    expect(slowest).toBeLessThan(5_000);
    expect(recoveryMs).toBeLessThan(5_000);

    // Every write acknowledged with 201 is in the tenant database.
    const acked = log.filter((l) => l.id).map((l) => l.id!);
    expect(acked.length).toBeGreaterThan(20);
    const dbName = await withPg(
      mainUrl,
      async (c) =>
        (await c.query<{ database_name: string }>('SELECT database_name FROM clients WHERE id = $1', [tenant.clientId])).rows[0]
          .database_name,
    );
    const found = await withPg(
      urlWithDatabase(pgServer.adminUrl, dbName),
      async (c) => (await c.query<{ id: string }>('SELECT id FROM time_entries WHERE id = ANY($1::uuid[])', [acked])).rows.length,
    );
    expect(found).toBe(acked.length);
    // And the service is healthy again.
    expect((await svc.http.json('GET', `${API}/health/ready`)).status).toBe(200);
  }, 120_000);
});

describe('provisioning killed mid-way', () => {
  const STEPS = ['registered', 'role', 'database', 'access', 'migrated'];
  it.each(STEPS)(
    'recovers on re-run after a SIGKILL right after step "%s", leaving one database and one role',
    async (step) => {
      const id = randomUUID();
      const run = (crashAfter: string) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(
            process.execPath,
            [path.join(projectRoot(), 'test', 'reliability', 'fixtures', 'provision-crash.mjs'), id, crashAfter],
            {
              env: { PATH: process.env.PATH ?? '', DATABASE_URL: mainUrl, JWT_SECRET: SECRET },
              stdio: 'ignore',
            },
          );
          child.once('exit', (code, signal) => resolve(signal === 'SIGKILL' ? -9 : code));
        });
      expect(await run(step)).toBe(-9);
      const after = await clientRow(id);
      expect(after.status).toBe('provisioning');
      expect(await run('never')).toBe(0);
      const done = await clientRow(id);
      expect(done.status).toBe('active');
      const [dbs, roles] = await withPg(pgServer.adminUrl, async (c) => [
        (await c.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`%${id}%`])).rowCount,
        (await c.query('SELECT rolname FROM pg_roles WHERE rolname LIKE $1', [`%${id}%`])).rowCount,
      ]);
      expect([dbs, roles]).toEqual([1, 1]);
    },
    60_000,
  );

  it('leaves no tenant database or role without an active client', async () => {
    const known = await withPg(
      mainUrl,
      async (c) =>
        (
          await c.query<{ database_name: string; database_role: string }>(
            "SELECT database_name, database_role FROM clients WHERE status = 'active'",
          )
        ).rows,
    );
    const [dbs, roles] = await withPg(pgServer.adminUrl, async (c) => [
      (
        await c.query<{ n: string }>(
          "SELECT datname AS n FROM pg_database WHERE datname LIKE 'freetimechat\\_%' AND datname <> 'freetimechat_template'",
        )
      ).rows.map((r) => r.n),
      (await c.query<{ n: string }>("SELECT rolname AS n FROM pg_roles WHERE rolname LIKE 'freetimechat\\_%'")).rows.map((r) => r.n),
    ]);
    // Per-client databases and roles are named freetimechat_<client uuid> (shared ones like the template are not).
    const perClient = (n: string) => /^freetimechat_[0-9a-f-]{36}$/.test(n);
    expect(dbs.filter(perClient).filter((d) => !known.some((k) => k.database_name === d))).toEqual([]);
    expect(roles.filter(perClient).filter((r) => !known.some((k) => k.database_role === r))).toEqual([]);
  });
});

async function clientRow(id: string): Promise<{ status: string }> {
  return withPg(mainUrl, async (c) => (await c.query<{ status: string }>('SELECT status FROM clients WHERE id = $1', [id])).rows[0]);
}
