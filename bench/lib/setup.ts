import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { validateEnvironment, AppConfig } from '../../src/config/config.js';
import { createApp } from '../../src/app.factory.js';
import { ProvisioningService, databaseNameFor, roleNameFor } from '../../src/database/provisioning.service.js';
import { TenantDatabasesService, TEMPLATE_DATABASE, TENANT_GROUP_ROLE } from '../../src/database/tenant-databases.service.js';
import { TenantRegistryService } from '../../src/database/tenant-registry.service.js';
import { SecretBox } from '../../src/common/secret-box.js';
import { pgConfigFromUrl, quoteIdent, quoteLiteral } from '../../src/database/sql.js';
import { TenantConnectionManager } from '../../src/database/tenant-connection-manager.js';
import { TenantContextService } from '../../src/database/tenant-context.service.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { TokenService } from '../../src/modules/auth/token.service.js';
import { BENCH_JWT_SECRET, BENCH_NO_RATE_LIMITS } from './harness.js';

export function benchConfig(databaseUrl: string, extra: Record<string, string> = {}): AppConfig {
  return validateEnvironment({
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: BENCH_JWT_SECRET,
    LOG_LEVEL: 'silent',
    ...BENCH_NO_RATE_LIMITS,
    ...extra,
  }) as AppConfig;
}

export interface BenchTenant {
  clientId: string;
  token: string;
  userId: string;
}

/**
 * Migrates a fresh main database and creates `n` tenants, each with a member
 * user holding a live session, and `projects` projects. In-process; closes
 * the app afterwards.
 */
export async function seedTenants(databaseUrl: string, n: number, projects = 10, onProgress?: (i: number) => void): Promise<BenchTenant[]> {
  const app = await createApp(benchConfig(databaseUrl), { migrate: true, logger: false });
  await app.init();
  try {
    const provisioning = app.get(ProvisioningService);
    const main = app.get(MainPrismaService);
    const tokens = app.get(TokenService);
    const connections = app.get(TenantConnectionManager);
    const tenants = app.get(TenantContextService);
    const member = await main.role.findFirstOrThrow({ where: { key: 'member' } });
    const out: BenchTenant[] = [];
    for (let i = 0; i < n; i++) {
      const { id } = await provisioning.register({ name: `Bench ${i}`, slug: `bench-${i}-${randomBytes(2).toString('hex')}` });
      await provisioning.provision(id);
      const user = await main.user.create({
        data: {
          email: `bench-${i}-${randomBytes(3).toString('hex')}@bench.test`,
          name: `Bench User ${i}`,
          passwordHash: 'x',
          clientId: id,
          roles: { create: [{ roleId: member.id }] },
        },
      });
      const session = await main.session.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 24 * 3600_000) } });
      const token = tokens.signAccess({ sub: user.id, clientId: id, sid: session.id }, 24 * 3600);
      if (projects > 0) {
        await tenants.withTenant(id, async (prisma) => {
          await prisma.project.createMany({ data: Array.from({ length: projects }, (_, k) => ({ name: `Project ${k}` })) });
          await prisma.projectMember.createMany({
            data: (await prisma.project.findMany()).map((p) => ({ projectId: p.id, userId: user.id })),
          });
        });
        await connections.close(id);
      }
      out.push({ clientId: id, token, userId: user.id });
      onProgress?.(i + 1);
    }
    return out;
  } finally {
    await app.close();
  }
}

export interface ManyTenantsOptions {
  /** Projects in every tenant database (default 10). */
  projects?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * `n` active tenants quickly: one seeded database (a clone of the migrated
 * template with `projects` projects) cloned `n` times, each with its own login
 * role and CONNECT grant as provisioning makes them, and the main database's
 * rows (client, member user, live session) inserted in bulk. Same layout as
 * provisioned clients (the tenancy runtime cannot tell them apart); minutes
 * instead of the ~1 s each of full provisioning. Project members are not
 * created (the many-tenant reads don't need them).
 */
export async function seedManyTenants(databaseUrl: string, n: number, options: ManyTenantsOptions = {}): Promise<BenchTenant[]> {
  const projects = options.projects ?? 10;
  const app = await createApp(benchConfig(databaseUrl), { migrate: true, logger: false });
  await app.init();
  try {
    const main = app.get(MainPrismaService);
    const tokens = app.get(TokenService);
    const dbs = app.get(TenantDatabasesService);
    const registry = app.get(TenantRegistryService);
    const srv = dbs.servers[0];
    const admin = new pg.Pool({ ...pgConfigFromUrl(srv.adminUrl), max: 2, application_name: 'ftc-bench-harness' });
    admin.on('error', () => undefined);
    const seed = `ftc_bench_seed_${randomBytes(3).toString('hex')}`;
    const clone = async (target: string, template: string) => {
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.query(`CREATE DATABASE ${quoteIdent(target)} TEMPLATE ${quoteIdent(template)}`);
          return;
        } catch (err) {
          // The template is "in use" for a moment while another clone of it starts.
          if ((err as { code?: string }).code !== '55006' || attempt > 100) throw err;
          await new Promise((r) => setTimeout(r, 20 + attempt * 5));
        }
      }
    };
    try {
      await clone(seed, TEMPLATE_DATABASE);
      const s = new pg.Client({ ...pgConfigFromUrl(srv.adminUrl), database: seed, application_name: 'ftc-bench-harness' });
      await s.connect();
      await s.query(`INSERT INTO projects (id, name) SELECT gen_random_uuid(), 'Project ' || g FROM generate_series(0, $1::int - 1) g`, [
        projects,
      ]);
      await s.end();

      const member = await main.role.findFirstOrThrow({ where: { key: 'member' } });
      const version = dbs.latestVersion;
      const out: BenchTenant[] = [];
      const batch = 100;
      for (let start = 0; start < n; start += batch) {
        const items = Array.from({ length: Math.min(batch, n - start) }, (_, k) => {
          const id = randomUUID();
          return { i: start + k, id, password: randomBytes(24).toString('base64url'), userId: randomUUID(), sessionId: randomUUID() };
        });
        let next = 0;
        const worker = async () => {
          while (next < items.length) {
            const it = items[next++];
            const role = roleNameFor(it.id);
            const database = databaseNameFor(it.id);
            await admin.query(
              `CREATE ROLE ${quoteIdent(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 50 ` +
                `PASSWORD ${quoteLiteral(it.password)} IN ROLE ${quoteIdent(TENANT_GROUP_ROLE)}`,
            );
            await clone(database, seed);
            await admin.query(
              `REVOKE CONNECT, TEMPORARY ON DATABASE ${quoteIdent(database)} FROM PUBLIC; GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(role)}`,
            );
          }
        };
        await Promise.all([worker(), worker()]);
        await main.client.createMany({
          data: items.map((it) => ({
            id: it.id,
            name: `Bench ${it.i}`,
            slug: `bench-${it.i}-${it.id.slice(0, 8)}`,
            status: 'active',
            databaseName: databaseNameFor(it.id),
            databaseServer: srv.name,
            databaseRole: roleNameFor(it.id),
            databasePasswordEnc: registry.secrets.seal(it.password),
            schemaVersion: version,
            provisioningStep: 'migrated',
            lastMigratedAt: new Date(),
          })),
        });
        await main.user.createMany({
          data: items.map((it) => ({
            id: it.userId,
            email: `bench-${it.i}-${it.id.slice(0, 8)}@bench.test`,
            name: `Bench User ${it.i}`,
            passwordHash: 'x',
            clientId: it.id,
          })),
        });
        await main.userRole.createMany({ data: items.map((it) => ({ userId: it.userId, roleId: member.id })) });
        await main.session.createMany({
          data: items.map((it) => ({ id: it.sessionId, userId: it.userId, expiresAt: new Date(Date.now() + 24 * 3600_000) })),
        });
        for (const it of items) {
          out.push({
            clientId: it.id,
            userId: it.userId,
            token: tokens.signAccess({ sub: it.userId, clientId: it.id, sid: it.sessionId }, 24 * 3600),
          });
        }
        options.onProgress?.(out.length, n);
      }
      return out;
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(seed)} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    }
  } finally {
    await app.close();
  }
}

/** A tenant database's connection settings (its own role), e.g. for the bare floor server. */
export async function tenantConnection(
  databaseUrl: string,
  clientId: string,
): Promise<{ host: string; port: number; user: string; password: string; database: string }> {
  const c = new pg.Client({ ...pgConfigFromUrl(databaseUrl), application_name: 'ftc-bench-harness' });
  await c.connect();
  try {
    const r = await c.query<{ database_name: string; database_role: string; database_password_enc: string }>(
      'SELECT database_name, database_role, database_password_enc FROM clients WHERE id = $1',
      [clientId],
    );
    const row = r.rows[0];
    const { host, port } = pgConfigFromUrl(databaseUrl);
    return {
      host,
      port,
      user: row.database_role,
      password: new SecretBox(BENCH_JWT_SECRET).open(row.database_password_enc),
      database: row.database_name,
    };
  } finally {
    await c.end();
  }
}

/** Runs `fn` on an admin connection to a tenant's database (bulk data for benches). */
export async function withTenantDatabase<T>(
  adminUrl: string,
  databaseUrl: string,
  clientId: string,
  fn: (c: pg.Client) => Promise<T>,
): Promise<T> {
  const { database } = await tenantConnection(databaseUrl, clientId);
  const c = new pg.Client({ ...pgConfigFromUrl(adminUrl), database, application_name: 'ftc-bench-harness' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
