/**
 * A job whose attempt died with its instance (SIGKILL, a lost machine) is
 * handed out again as soon as a worker looks (at start and every 15 s), not
 * after pg-boss's 30-minute expiry; a job whose attempt is alive is left alone.
 */
import pg from 'pg';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { pgConfigFromUrl } from '../../src/database/sql.js';
import { JobsService } from '../../src/modules/operations/jobs/jobs.service.js';
import { createTestApp, createTestDatabase, provisionClient, TestApp } from '../helpers/test-app.js';

describe('integration/job-takeover', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let t: TestApp;
  let clientId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await createTestApp({ JOBS_WORKER: 'false' }, { database: db, keepDatabase: true });
    clientId = await provisionClient(t, 'Takeover');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  const main = () => t.get(MainPrismaService).pool;

  /** The state pg-boss and our table are left in when the instance running the job is killed mid-attempt. */
  async function diedRunning(jobId: string): Promise<void> {
    await main().query(`UPDATE pgboss.job SET state = 'active', started_on = now() - interval '1 minute' WHERE id = $1`, [jobId]);
    await main().query(`UPDATE operation_jobs SET status = 'running', started_at = now() - interval '1 minute' WHERE id = $1`, [jobId]);
  }

  const bossState = async (jobId: string) =>
    (await main().query<{ state: string }>(`SELECT state::text FROM pgboss.job WHERE id = $1`, [jobId])).rows[0]?.state;

  it('hands a running job without a live attempt out again, and leaves one with a live attempt alone', async () => {
    const jobs = t.get(JobsService);
    const job = await jobs.enqueue('client.backup', clientId);
    await diedRunning(job.id);

    // A live attempt holds the job's lock on a connection of its own: not touched.
    const live = new pg.Client(pgConfigFromUrl(db.url));
    await live.connect();
    try {
      await live.query('SELECT pg_advisory_lock(4242101, hashtext($1))', [job.id]);
      expect(await jobs.reclaimOrphans()).toBe(0);
      expect(await bossState(job.id)).toBe('active');
    } finally {
      await live.end(); // the attempt's process dies: its connection, and so its lock, go with it
    }

    expect(await jobs.reclaimOrphans()).toBe(1);
    expect(await bossState(job.id)).toBe('retry');
    expect(await jobs.reclaimOrphans()).toBe(0);
  });

  it('lets a worker started after the crash finish the job from where pg-boss hands it out', async () => {
    const job = await t.get(JobsService).enqueue('client.backup', await provisionClient(t, 'Takeover after restart'));
    await diedRunning(job.id);
    // A restarted instance: the same databases, a worker this time.
    const worker = await createTestApp({ JOBS_WORKER: 'true' }, { database: db, keepDatabase: true });
    try {
      let status = '';
      for (let i = 0; i < 150 && status !== 'succeeded' && status !== 'failed'; i++) {
        await new Promise((r) => setTimeout(r, 200));
        status = (await main().query<{ status: string }>(`SELECT status FROM operation_jobs WHERE id = $1`, [job.id])).rows[0].status;
      }
      expect(status).toBe('succeeded');
      // pg-boss completes its job once the handler has returned, just after the job's row says succeeded.
      let state = await bossState(job.id);
      for (let i = 0; i < 50 && state === 'active'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        state = await bossState(job.id);
      }
      expect(state).toBe('completed');
    } finally {
      await worker.close();
    }
  }, 60_000);
});
