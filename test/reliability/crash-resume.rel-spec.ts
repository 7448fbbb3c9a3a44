/**
 * A move or a restore killed by SIGKILL after each of its steps, then retried
 * (API contract, "Tenant database operations": jobs survive a crash of their
 * instance): the retried job ends with the client on exactly one server,
 * active, with its data, and no orphan database, role or staging copy. Each
 * attempt is a child process of the built code (test/integration/fixtures/job-crash.mjs).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/database/paths.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { TenantDatabasesService } from '../../src/database/tenant-databases.service.js';
import { OperationsService } from '../../src/modules/operations/operations.service.js';
import { ClientPlacement } from '../helpers/client-placement.js';
import { ensureBuilt } from '../helpers/reliability.js';
import { startSecondServer, type SecondServer } from '../helpers/second-server.js';
import { createTestApp, TEST_JWT_SECRET, TestApp } from '../helpers/test-app.js';
import { createProject } from '../helpers/time-tracking.js';
import { readState } from '../setup/test-server.js';

let second: SecondServer | undefined;
let t: TestApp;
let servers: string;
let clients: ClientPlacement;

beforeAll(async () => {
  ensureBuilt();
  second = await startSecondServer('ftc-pg-crash-');
  servers = `primary=${readState().adminUrl},secondary=${second.adminUrl}`;
  t = await createTestApp({ TENANT_DATABASE_SERVERS: servers });
  clients = new ClientPlacement(t);
}, 180_000);

afterAll(() => second?.stop(t, 'secondary'), 60_000);

const dbs = () => t.get(TenantDatabasesService);

/** One attempt at a job in a child process of the built code, killed by SIGKILL at `crashAt` (e.g. move:copied). */
function attempt(jobId: string, type: string, crashAt: string | null): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(projectRoot(), 'test', 'integration', 'fixtures', 'job-crash.mjs'), jobId, type], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DATABASE_URL: t.db.url,
        JWT_SECRET: TEST_JWT_SECRET,
        TENANT_DATABASE_SERVERS: servers,
        BACKUP_DIR: t.config.BACKUP_DIR,
        ...(crashAt ? { FTC_CRASH_AT: crashAt } : {}),
      },
      stdio: 'ignore',
    });
    child.once('exit', (code, signal) => resolve(signal === 'SIGKILL' ? -9 : code));
  });
}

describe('a move killed after each step', () => {
  const STEPS = ['started', 'created', 'precopied', 'maintenance', 'copied', 'verified', 'switched', 'dropped'];
  it.each(STEPS)(
    'after "%s": the retried job ends with the client on exactly one server, active, its data whole, no orphan',
    async (step) => {
      const { clientId } = await clients.tenantWithData();
      const from = (await clients.row(clientId)).databaseServer;
      const to = from === 'primary' ? 'secondary' : 'primary';
      const before = await clients.dump(clientId);
      const jobId = await clients.runningJob('client.move', clientId, { server: to });
      expect(await attempt(jobId, 'client.move', `move:${step}`)).toBe(-9);
      expect(await attempt(jobId, 'client.move', null)).toBe(0);
      const job = await t.get(MainPrismaService).operationJob.findUniqueOrThrow({ where: { id: jobId } });
      expect({ status: job.status, error: job.error }).toEqual({ status: 'succeeded', error: null });
      const after = await clients.row(clientId);
      expect(after.status).toBe('active');
      const [withDb, withRole] = await clients.placement(clientId);
      expect(withDb).toEqual([after.databaseServer]);
      expect(withRole).toEqual([after.databaseServer]);
      expect(await clients.dump(clientId)).toEqual(before);
    },
    90_000,
  );
});

describe('a restore killed after each step', () => {
  it.each(['verified', 'dropped', 'swapped'])(
    'after "%s": the retried job restores the backup exactly, one database, no staging copy left',
    async (step) => {
      const { clientId, admin } = await clients.tenantWithData();
      const backup = await t.get(OperationsService).startBackup(clientId, true);
      expect(backup.status).toBe('succeeded');
      const before = await clients.dump(clientId);
      await createProject(admin, { name: 'After the backup' });
      const jobId = await clients.runningJob('client.restore', clientId, { backupId: (backup.result as { backupId: string }).backupId });
      expect(await attempt(jobId, 'client.restore', `restore:${step}`)).toBe(-9);
      expect(await attempt(jobId, 'client.restore', null)).toBe(0);
      const job = await t.get(MainPrismaService).operationJob.findUniqueOrThrow({ where: { id: jobId } });
      expect({ status: job.status, error: job.error }).toEqual({ status: 'succeeded', error: null });
      expect((await clients.row(clientId)).status).toBe('active');
      expect(await clients.dump(clientId)).toEqual(before);
      const c = await clients.row(clientId);
      const [withDb, withRole] = await clients.placement(clientId);
      expect([withDb, withRole]).toEqual([[c.databaseServer], [c.databaseServer]]);
      for (const s of dbs().servers) expect(await dbs().databaseExists(s, `${c.databaseName}_restore`)).toBe(false);
    },
    90_000,
  );
});
