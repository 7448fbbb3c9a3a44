import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import copyStreams from 'pg-copy-streams';
import { createApp } from '../src/app.factory.js';
import { startEmbeddedPostgres } from '../src/database/embedded.js';
import { ProvisioningService } from '../src/database/provisioning.service.js';
import { quoteIdent } from '../src/database/sql.js';
import { TenantDatabasesService } from '../src/database/tenant-databases.service.js';
import { ClientsRepository } from '../src/modules/clients/clients.repository.js';
import { ClientHealthService } from '../src/modules/operations/health/client-health.service.js';
import { MigrateAllService, type MigrateAllResult } from '../src/modules/operations/migrate/migrate-all.service.js';
import { OperationsService } from '../src/modules/operations/operations.service.js';
import { listTables } from '../src/modules/operations/copy/table-copy.js';
import { benchServer, freshMainDatabase, median } from './lib/harness.js';
import { benchConfig, seedManyTenants } from './lib/setup.js';
import { atMost, BenchReport, Figure, info, r1, r3 } from './lib/figures.js';

const log = (m: string) => console.error(`  ${m}`);
const MB = 1024 * 1024;

/**
 * Tenant database operations:
 * - backup throughput (MB/s of COPY text, rows/s) against a plain `COPY <table> TO STDOUT` of the same
 *   tables into files, in alternating rounds on the same tenant (BENCH_ENTRIES time entries, default 100,000);
 * - a move of that tenant between two PostgreSQL servers (a second embedded one): total time and the
 *   maintenance window (target ≤ 2 s per 100,000 entries), there and back;
 * - a dry run of one pending migration over BENCH_OPS_TENANTS tenants (default 1,000), in-process;
 * - clients:doctor's health check over the same tenants (target ≤ 60 s for 1,000).
 */
export async function runOperationsBench(): Promise<BenchReport> {
  const entries = Number(process.env.BENCH_ENTRIES ?? 100_000);
  const tenants = Number(process.env.BENCH_OPS_TENANTS ?? 1000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const server = await benchServer();
  const secondDir = await mkdtemp(path.join(os.tmpdir(), 'ftc-bench-pg2-'));
  await chmod(secondDir, 0o755); // as root, the server runs as the postgres user
  const second = await startEmbeddedPostgres({
    dataDir: secondDir,
    port: Number(process.env.BENCH_PG2_PORT ?? 54350),
    database: 'postgres',
  });
  const backupDir = await mkdtemp(path.join(os.tmpdir(), 'ftc-bench-backups-'));
  const figures: Figure[] = [];
  const raw: Record<string, unknown> = {};
  const db = await freshMainDatabase(server.adminUrl, 'ops');
  try {
    const app = await createApp(
      benchConfig(db.url, {
        TENANT_DATABASE_SERVERS: `primary=${server.adminUrl},secondary=${second.adminUrl}`,
        JOBS_WORKER: 'false',
        BACKUP_DIR: backupDir,
      }),
      { migrate: true, logger: false },
    );
    await app.init();
    try {
      const dbs = app.get(TenantDatabasesService);
      for (const s of dbs.servers) await dbs.ensureTemplate(s);
      const provisioning = app.get(ProvisioningService);
      const { id } = await provisioning.register({ name: 'Bench ops', slug: `bench-ops-${randomBytes(3).toString('hex')}` });
      await provisioning.provision(id);
      const client = (await app.get(ClientsRepository).findById(id))!;
      const primary = dbs.servers.find((s) => s.name === client.databaseServer)!;
      log(`seeding ${entries} time entries`);
      await dbs.withDatabase(primary, client.databaseName, async (c) => {
        const user = randomUUID();
        const project = (await c.query<{ id: string }>(`INSERT INTO projects (id, name) VALUES (gen_random_uuid(), 'P') RETURNING id`))
          .rows[0].id;
        await c.query(
          `INSERT INTO time_entries (id, user_id, project_id, description, date, start_time, end_time, duration, billable)
           SELECT gen_random_uuid(), $1, $2, 'entry ' || g, (timestamptz '2020-01-01' + g * interval '30 minutes')::date,
                  timestamptz '2020-01-01' + g * interval '30 minutes', timestamptz '2020-01-01' + g * interval '30 minutes' + interval '25 minutes',
                  1500, g % 2 = 0
             FROM generate_series(1, $3::int) g`,
          [user, project, entries],
        );
        await c.query('VACUUM ANALYZE');
      });
      const ops = app.get(OperationsService);

      // Backup vs plain COPY, alternating.
      const plain: { ms: number; bytes: number; rows: number }[] = [];
      const backup: { ms: number; bytes: number; rows: number; sizeBytes: number }[] = [];
      for (let r = 0; r < rounds; r++) {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'ftc-bench-copy-'));
        const t0 = performance.now();
        let bytes = 0;
        let rows = 0;
        await dbs.withDatabase(primary, client.databaseName, async (c) => {
          await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
          for (const t of await listTables(c)) {
            const file = path.join(dir, `${t.name}.copy`);
            await pipeline(c.query(copyStreams.to(`COPY ${quoteIdent(t.name)} TO STDOUT`)), createWriteStream(file));
            bytes += (await stat(file)).size;
          }
          rows = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM time_entries')).rows[0].n);
          await c.query('COMMIT');
        });
        plain.push({ ms: performance.now() - t0, bytes, rows });
        await rm(dir, { recursive: true, force: true });
        const t1 = performance.now();
        const job = await ops.startBackup(id, true);
        const ms = performance.now() - t1;
        const res = job.result as { sizeBytes: number; tables: Record<string, number> };
        if (job.status !== 'succeeded') throw new Error(`backup failed: ${job.error}`);
        backup.push({ ms, bytes, rows: Object.values(res.tables).reduce((a, b) => a + b, 0), sizeBytes: res.sizeBytes });
      }
      const mbps = (x: { ms: number; bytes: number }) => x.bytes / MB / (x.ms / 1000);
      const rps = (x: { ms: number; rows: number }) => x.rows / (x.ms / 1000);
      const bMb = median(backup.map(mbps));
      const pMb = median(plain.map(mbps));
      raw.backup = { plain, backup };
      figures.push(
        info('backup throughput (COPY text read, sorted by primary key, checksummed, gzip tar written)', r1(bMb), {
          unit: 'MB/s',
          detail: `${r1(median(backup.map(rps)))} rows/s; ${r1(backup[0].bytes / MB)} MB of COPY text, archive ${r1(backup[0].sizeBytes / MB)} MB; median of ${rounds}`,
        }),
        info('plain COPY <table> TO STDOUT into files, same tables, same run', r1(pMb), {
          unit: 'MB/s',
          detail: `${r1(median(plain.map(rps)))} rows/s (time_entries rows over all tables' time)`,
        }),
        info('backup / plain COPY throughput', r3(bMb / pMb), {
          detail: `median ${r1(median(backup.map((b) => b.ms)))} vs ${r1(median(plain.map((p) => p.ms)))} ms`,
        }),
      );

      // Move there and back.
      const moves: { totalMs: number; maintenanceMs: number; window: Record<string, number> }[] = [];
      const away = dbs.servers.find((s) => s.name !== client.databaseServer)!.name;
      for (const target of [away, client.databaseServer]) {
        const job = await ops.startMove(id, target, true);
        if (job.status !== 'succeeded') throw new Error(`move failed: ${job.error}`);
        const r = job.result as { totalMs: number; maintenanceMs: number; window: Record<string, number> };
        moves.push({ totalMs: r.totalMs, maintenanceMs: r.maintenanceMs, window: r.window });
        log(
          `move to ${target}: ${r.totalMs} ms, maintenance ${r.maintenanceMs} ms ${JSON.stringify(r.window)} caught up ${JSON.stringify((r as { caughtUp?: unknown }).caughtUp)}`,
        );
      }
      raw.moves = moves;
      const per100k = (ms: number) => (ms / entries) * 100_000;
      const worst = Math.max(...moves.map((m) => m.maintenanceMs));
      figures.push(
        atMost('move: maintenance window per 100,000 time entries (worst of there and back)', Math.round(per100k(worst)), 2000, {
          unit: 'ms',
          detail:
            `${entries} entries; maintenance ${moves.map((m) => m.maintenanceMs).join(', ')} ms; total ${moves.map((m) => m.totalMs).join(', ')} ms; ` +
            `window phases ${moves.map((m) => JSON.stringify(m.window)).join(' / ')}`,
        }),
        info(
          'move: total time per 100,000 time entries (create, copy, verify, switch, drop)',
          Math.round(per100k(median(moves.map((m) => m.totalMs)))),
          {
            unit: 'ms',
          },
        ),
      );
    } finally {
      await app.close();
    }
  } finally {
    await db.drop().catch(() => undefined);
  }

  // Many tenants on one server: dry run and doctor (BENCH_OPS_TENANTS=0 skips them).
  const many = await freshMainDatabase(server.adminUrl, 'ops_many');
  try {
    if (tenants === 0) return { figures, raw };
    log(`seeding ${tenants} tenants`);
    const t0 = performance.now();
    await seedManyTenants(many.url, tenants, { projects: 10 });
    raw.seedMs = Math.round(performance.now() - t0);
    const app = await createApp(benchConfig(many.url, { JOBS_WORKER: 'false' }), { migrate: false, logger: false });
    await app.init();
    try {
      const dbs = app.get(TenantDatabasesService);
      dbs.reloadMigrations([
        ...dbs.migrations,
        { name: '29991231000000_bench_dry_run', sql: 'ALTER TABLE projects ADD COLUMN bench_probe text;', checksum: 'bench' },
      ]);
      const d0 = performance.now();
      const job = await app.get(MigrateAllService).start({ dryRun: true }, true);
      const dryMs = performance.now() - d0;
      dbs.reloadMigrations();
      const r = job.result as MigrateAllResult;
      const left = await dbs
        .admin(dbs.servers[0])
        .query(`SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'freetimechat\\_dryrun\\_%'`);
      raw.dryRun = { ms: dryMs, total: r.total, migrated: r.migrated, failed: r.failed, left: left.rows[0].n };
      figures.push(
        info(
          `dry run of one pending migration over ${r.total} tenants (clone of a schema template at its version, data copied, migrated, dropped; 4 at once)`,
          r1(dryMs / 1000),
          {
            unit: 's',
            detail: `${r.migrated} ok, ${r.failed} failed, ${left.rows[0].n} copies left; ${r1(dryMs / r.total)} ms per tenant`,
          },
        ),
      );
      const health = app.get(ClientHealthService);
      const clients = await app.get(ClientsRepository).listNotDeleted();
      const h0 = performance.now();
      const checked = await health.checkMany(clients, 8);
      const problems = checked.filter((h) => !h.reachable || h.pendingMigrations.length || h.drift.length).length;
      const doctorS = (performance.now() - h0) / 1000;
      raw.doctor = { s: doctorS, clients: clients.length, problems };
      figures.push(
        atMost(
          `clients:doctor over ${clients.length} tenants (its checks, 8 at once, in-process)`,
          r1(doctorS * (1000 / clients.length)),
          60,
          {
            unit: 's per 1,000',
            detail: `${r1(doctorS)} s for ${clients.length}${clients.length !== 1000 ? ' (scaled linearly to 1,000)' : ''}; ${problems} with problems`,
          },
        ),
      );
    } finally {
      await app.close();
    }
  } finally {
    await many.drop().catch(() => undefined);
    await second.stop().catch(() => undefined);
    await rm(secondDir, { recursive: true, force: true });
    await rm(backupDir, { recursive: true, force: true });
    await server.stop().catch(() => undefined);
  }
  return { figures, raw };
}
