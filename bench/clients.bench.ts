import { spawn } from 'node:child_process';
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pLimit from 'p-limit';
import pg from 'pg';
import { createApp } from '../src/app.factory.js';
import { MainPrismaService } from '../src/database/main-prisma.service.js';
import { ProvisioningService, databaseNameFor, roleNameFor } from '../src/database/provisioning.service.js';
import { TenantDatabasesService, TEMPLATE_DATABASE } from '../src/database/tenant-databases.service.js';
import { TenantRegistryService } from '../src/database/tenant-registry.service.js';
import { TokenService } from '../src/modules/auth/token.service.js';
import { ClientMigrationsService } from '../src/modules/clients/client-migrations.service.js';
import { projectRoot } from '../src/database/paths.js';
import { pgConfigFromUrl, quoteIdent, withDatabase } from '../src/database/sql.js';
import { adminQuery, benchServer, freshMainDatabase, median, percentile } from './lib/harness.js';
import { benchConfig } from './lib/setup.js';
import { BenchReport, Figure, info } from './lib/figures.js';

export interface ClientsBenchOptions {
  /** Tenant databases for the migrate-all part (default: $BENCH_MIGRATE_TENANTS or 1000). */
  tenants?: number;
  /** POST /clients and provisioning samples (default 50). */
  samples?: number;
  /** `prisma migrate deploy` samples (default 3). */
  prismaSamples?: number;
  log?: (m: string) => void;
}

const round = (x: number) => Math.round(x * 10) / 10;
const stats = (xs: number[]) => ({ median: round(median(xs)), p95: round(percentile(xs, 95)), n: xs.length });

/** `node scripts/prisma.mjs client migrate deploy` on a fresh empty database; wall time in ms. */
async function prismaDeploy(adminUrl: string): Promise<number> {
  const name = `ftc_bench_prisma_${randomBytes(3).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${quoteIdent(name)}`);
  try {
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(projectRoot(), 'scripts', 'prisma.mjs'), 'client', 'migrate', 'deploy'], {
        cwd: projectRoot(),
        env: { ...process.env, CLIENT_DATABASE_URL: withDatabase(adminUrl, name) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`prisma migrate deploy exited ${code}: ${stderr.slice(-500)}`)),
      );
    });
    return performance.now() - started;
  } finally {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  }
}

/**
 * Client (tenant) management costs:
 * - POST /clients over HTTP (register, admin user with Argon2id hash, role, template clone, access, migrate), n = 50;
 * - the database step alone (ProvisioningService.provision on a registered client), n = 50;
 * - the same database step done the Prisma way (`prisma migrate deploy` on an empty database), n = 3, and the ratio;
 * - `clients:migrate` applying one new trivial migration to N tenant databases at concurrency 1, 4 and 8.
 * Runs on its own fresh databases (DATABASE_URL's server, else an embedded one) and drops them afterwards.
 */
export async function runClientsBench(options: ClientsBenchOptions = {}): Promise<Record<string, unknown>> {
  const log = options.log ?? ((m: string) => console.error(`  ${m}`));
  const samples = options.samples ?? 50;
  const prismaSamples = options.prismaSamples ?? 3;
  const tenants = options.tenants ?? Number(process.env.BENCH_MIGRATE_TENANTS ?? 1000);
  const server = await benchServer();
  const db = await freshMainDatabase(server.adminUrl, 'clients');
  const app = await createApp(benchConfig(db.url), { migrate: true, logger: false });
  await app.listen(0, '127.0.0.1');
  const result: Record<string, unknown> = {};
  try {
    const main = app.get(MainPrismaService);
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/v1`;
    const role = await main.role.findFirstOrThrow({ where: { key: 'platform-admin' } });
    const admin = await main.user.create({
      data: {
        email: `bench-root-${randomBytes(3).toString('hex')}@bench.test`,
        name: 'Bench root',
        passwordHash: 'x',
        roles: { create: [{ roleId: role.id }] },
      },
    });
    const session = await main.session.create({ data: { userId: admin.id, expiresAt: new Date(Date.now() + 24 * 3600_000) } });
    const token = app.get(TokenService).signAccess({ sub: admin.id, clientId: null, sid: session.id }, 24 * 3600);

    // 1. POST /clients over HTTP.
    log(`POST /clients × ${samples}`);
    const http: number[] = [];
    for (let i = 0; i < samples; i++) {
      const s = `${i}-${randomBytes(3).toString('hex')}`;
      const started = performance.now();
      const res = await fetch(`${base}/clients`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          name: `Bench ${s}`,
          slug: `bench-${s}`,
          admin: { email: `admin-${s}@bench.test`, name: 'Admin', password: 'BenchPassword123' },
        }),
      });
      await res.arrayBuffer();
      http.push(performance.now() - started);
      if (res.status !== 201) throw new Error(`POST /clients answered ${res.status}`);
    }
    result.postClientsMs = stats(http);

    // 2. The database step alone.
    log(`ProvisioningService.provision × ${samples}`);
    const provisioning = app.get(ProvisioningService);
    const step: number[] = [];
    for (let i = 0; i < samples; i++) {
      const { id } = await provisioning.register({ name: `Step ${i}`, slug: `step-${i}-${randomBytes(3).toString('hex')}` });
      const started = performance.now();
      await provisioning.provision(id);
      step.push(performance.now() - started);
    }
    result.provisionDatabaseMs = stats(step);

    // 3. The same step the Prisma CLI way.
    log(`prisma migrate deploy × ${prismaSamples}`);
    const prisma: number[] = [];
    for (let i = 0; i < prismaSamples; i++) prisma.push(await prismaDeploy(server.adminUrl));
    result.prismaMigrateDeployMs = stats(prisma);
    result.prismaDeployOverProvisionRatio = round(median(prisma) / median(step));

    // 4. clients:migrate over N tenants: register N clients whose databases are template clones.
    const dbs = app.get(TenantDatabasesService);
    const srv = dbs.servers[0];
    const version = dbs.latestVersion;
    log(`cloning ${tenants} tenant databases`);
    const cloneStarted = performance.now();
    const ids = Array.from({ length: tenants }, () => randomUUID());
    const sealed = app.get(TenantRegistryService).secrets.seal(randomBytes(24).toString('base64url'));
    for (let i = 0; i < ids.length; i += 500) {
      await main.client.createMany({
        data: ids.slice(i, i + 500).map((id, k) => ({
          id,
          name: `Migrate ${i + k}`,
          slug: `migrate-${i + k}-${id.slice(0, 8)}`,
          status: 'active',
          databaseName: databaseNameFor(id),
          databaseServer: srv.name,
          databaseRole: roleNameFor(id),
          databasePasswordEnc: sealed,
          schemaVersion: version,
          provisioningStep: 'migrated',
        })),
      });
    }
    const clonePool = new pg.Pool({ ...pgConfigFromUrl(srv.adminUrl), max: 2 });
    const cloneLimit = pLimit(2);
    let cloned = 0;
    await Promise.all(
      ids.map((id) =>
        cloneLimit(async () => {
          for (let attempt = 0; ; attempt++) {
            try {
              await clonePool.query(`CREATE DATABASE ${quoteIdent(databaseNameFor(id))} TEMPLATE ${quoteIdent(TEMPLATE_DATABASE)}`);
              break;
            } catch (err) {
              // The template is briefly "in use" while another clone starts.
              if ((err as { code?: string }).code !== '55006' || attempt > 40) throw err;
              await new Promise((r) => setTimeout(r, 50));
            }
          }
          if (++cloned % 100 === 0) log(`  ${cloned}/${tenants}`);
        }),
      ),
    );
    result.migrateTenants = tenants;
    result.cloneTemplateMsPerTenant = round((performance.now() - cloneStarted) / tenants);

    const migrations = app.get(ClientMigrationsService);
    const realMigrations = dbs.migrations;
    const byConcurrency: Record<string, unknown> = {};
    const extra = [...realMigrations];
    try {
      for (const concurrency of [1, 4, 8]) {
        const sql = `CREATE TABLE "bench_probe_c${concurrency}" ("id" INTEGER PRIMARY KEY);\n`;
        extra.push({
          name: `29990101${String(concurrency).padStart(6, '0')}_bench_probe_c${concurrency}`,
          sql,
          checksum: createHash('sha256').update(sql).digest('hex'),
        });
        dbs.reloadMigrations([...extra]);
        log(`clients:migrate, one new migration, ${tenants} tenants, concurrency ${concurrency}`);
        const report = await migrations.migrateAll({ clientIds: ids, concurrency });
        if (!report.ok || report.migrated !== tenants)
          throw new Error(`migrate-all at concurrency ${concurrency}: ${report.failed} failed, ${report.migrated} migrated`);
        const perTenant = report.results.map((r) => r.durationMs);
        byConcurrency[`c${concurrency}`] = {
          wallSeconds: round(report.durationMs / 1000),
          tenantsPerSecond: round(tenants / (report.durationMs / 1000)),
          perTenantMs: stats(perTenant),
        };
      }
      // Re-running when every tenant is current: the resume path.
      const rerun = await migrations.migrateAll({ clientIds: ids, concurrency: 4 });
      byConcurrency.rerunAllCurrentMs = rerun.durationMs;
    } finally {
      dbs.reloadMigrations();
    }
    result.migrateAll = byConcurrency;

    log('dropping tenant databases');
    await Promise.all(
      ids.map((id) => cloneLimit(() => clonePool.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseNameFor(id))} WITH (FORCE)`))),
    );
    await clonePool.end();
    await main.client.deleteMany({ where: { id: { in: ids } } });
  } finally {
    await app.close();
    await db.drop();
    await server.stop();
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = process.argv[2] ? Number(process.argv[2]) : undefined;
  runClientsBench({ tenants: n })
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}

interface Stats {
  median: number;
  p95: number;
  n: number;
}

/** The clients bench as figures for the results table (no targets were set for these; reported as measured). */
export async function runClientsFigures(): Promise<BenchReport> {
  const r = await runClientsBench();
  const s = (k: string) => r[k] as Stats;
  const all = r.migrateAll as Record<string, { wallSeconds: number; tenantsPerSecond: number; perTenantMs: Stats }> & {
    rerunAllCurrentMs: number;
  };
  const n = r.migrateTenants as number;
  const figures: Figure[] = [
    info('POST /clients (register, Argon2id admin, clone, access, migrate), median', s('postClientsMs').median, {
      unit: 'ms',
      detail: `p95 ${s('postClientsMs').p95} ms, n ${s('postClientsMs').n}`,
    }),
    info('provisioning database step (template clone + role + access + migrate), median', s('provisionDatabaseMs').median, {
      unit: 'ms',
      detail: `p95 ${s('provisionDatabaseMs').p95} ms, n ${s('provisionDatabaseMs').n}`,
    }),
    info('`prisma migrate deploy` on an empty database / provisioning step, median time', r.prismaDeployOverProvisionRatio as number, {
      detail: `prisma ${s('prismaMigrateDeployMs').median} ms (n ${s('prismaMigrateDeployMs').n}) vs ${s('provisionDatabaseMs').median} ms`,
    }),
    info('template clone per tenant (CREATE DATABASE … TEMPLATE, 2 at a time)', r.cloneTemplateMsPerTenant as number, { unit: 'ms' }),
  ];
  for (const c of ['c1', 'c4', 'c8']) {
    const m = all[c];
    if (!m) continue;
    figures.push(
      info(`clients:migrate, one new migration over ${n} tenants, concurrency ${c.slice(1)}`, m.tenantsPerSecond, {
        unit: 'tenants/s',
        detail: `${m.wallSeconds} s wall; per tenant median ${m.perTenantMs.median} ms, p95 ${m.perTenantMs.p95} ms`,
      }),
    );
  }
  if (all.c1 && all.c8)
    figures.push(
      info('clients:migrate speed-up, concurrency 8 / 1', Math.round((all.c8.tenantsPerSecond / all.c1.tenantsPerSecond) * 100) / 100),
    );
  figures.push(info(`clients:migrate re-run with all ${n} tenants current (resume path)`, all.rerunAllCurrentMs, { unit: 'ms' }));
  return { figures, raw: r };
}
