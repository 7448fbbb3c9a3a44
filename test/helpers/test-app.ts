import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pLimit from 'p-limit';
import request from 'supertest';
import { AppConfig, validateEnvironment } from '../../src/config/config.js';
import { createApp } from '../../src/app.factory.js';
import { Clock } from '../../src/common/clock.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import type { DatabaseServerConfig } from '../../src/database/database-servers.js';
import { TenantDatabasesService } from '../../src/database/tenant-databases.service.js';
import { TokenService } from '../../src/modules/auth/token.service.js';
import { ProvisioningService } from '../../src/database/provisioning.service.js';
import { cloneDatabase, quoteIdent } from '../../src/database/sql.js';
import type { TenantDb } from '../../src/database/tenant-client.js';
import { TenantConnectionManager } from '../../src/database/tenant-connection-manager.js';
import { TenantContextService } from '../../src/database/tenant-context.service.js';
import { ensureMainTemplate, MAIN_TEMPLATE, mainUrlFor, readState, withAdmin } from '../setup/test-server.js';

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

/**
 * A fresh main database cloned from the migrated template; dropped (with its tenants) by `drop()`. Copied as
 * files, as the tests' tenant databases are (TENANT_CLONE_STRATEGY in testConfig): ~60 % of the CPU of a WAL
 * copy for the clone and its drop together.
 */
export async function createTestDatabase(): Promise<{ url: string; adminUrl: string; name: string; drop: () => Promise<void> }> {
  const { adminUrl } = readState();
  await ensureMainTemplate(adminUrl);
  const name = `ftc_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(adminUrl, (c) => cloneDatabase(c, MAIN_TEMPLATE, name, 'file_copy'));
  const url = mainUrlFor(adminUrl, name);
  return {
    url,
    adminUrl,
    name,
    drop: async () => {
      if (deferredDrops) deferredDrops.push(name);
      else await dropTestDatabases(adminUrl, [name]);
    },
  };
}

/**
 * PostgreSQL runs a checkpoint for every dropped database and waits for it
 * (the database's pending fsyncs must be forgotten). One drop at a time, the
 * suite's ~360 drops each waited for one, and a spec file that made 30 clients
 * could take over 30 s to close under load; drops running together share
 * checkpoints. So a bundle (test/bundles) defers its spec files' drops to its
 * end, and drops run several at a time.
 */
let deferredDrops: string[] | null = null;

async function dropDeferredDatabases(): Promise<void> {
  const names = deferredDrops ?? [];
  deferredDrops = [];
  if (names.length > 0) await dropTestDatabases(readState().adminUrl, names);
}

/** Drops main test databases with the tenant databases and roles they created: databases 6 at a time, then roles. */
async function dropTestDatabases(adminUrl: string, names: string[]): Promise<void> {
  const tenants: { database_name: string; database_role: string }[] = [];
  for (const name of names) {
    const rows = await withAdmin(
      adminUrl,
      (m) => m.query<{ database_name: string; database_role: string }>('SELECT database_name, database_role FROM clients'),
      name,
    ).then(
      (r) => r.rows,
      () => [],
    );
    tenants.push(...rows);
  }
  const databases = [...tenants.map((t) => t.database_name), ...names];
  const roles = tenants.map((t) => t.database_role);
  const limit = pLimit(6);
  await Promise.all(
    databases.map((db) => limit(() => withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(db)} WITH (FORCE)`)))),
  );
  if (roles.length > 0) {
    await withAdmin(adminUrl, async (c) => {
      for (const role of roles) await c.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`);
    });
  }
}

/**
 * Rate limits off: test files sign up and write far more from one address and
 * user than a person would. The limits have their own tests (abuse e2e), which
 * set them.
 */
export const NO_RATE_LIMITS = { SIGNUP_IP_LIMIT: '0', SIGNUP_GLOBAL_LIMIT: '0', WRITE_RATE_LIMIT: '0', CLIENT_WRITE_RATE_LIMIT: '0' };

export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): AppConfig {
  const config = validateEnvironment({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    DB_MIGRATE_ON_START: 'false',
    JOBS_WORKER: 'false',
    WEBHOOKS_DISPATCH: 'false',
    // Hundreds of signups and logins: the same Argon2id at its lowest cost (its default cost has a unit
    // spec), which only NODE_ENV=test accepts.
    ...(overrides.NODE_ENV === undefined || overrides.NODE_ENV === 'test' ? { PASSWORD_HASH_COST: 'test-minimal' } : {}),
    BACKUP_DIR: path.join(tmpdir(), 'freetimechat-test-backups'),
    // The suite clones ~300 databases: as files, at ~60 % of a WAL copy's CPU with its drop. The server's
    // default strategy has its own test (integration/provisioning).
    TENANT_CLONE_STRATEGY: 'file_copy',
    ...NO_RATE_LIMITS,
    ...overrides,
  });
  return config as AppConfig;
}

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  /** The base URL the application listens on (loopback, a free port). */
  url: string;
  config: AppConfig;
  db: { url: string; adminUrl: string; name: string };
  get<T>(token: new (...args: never[]) => T): T;
  close(): Promise<void>;
}

/**
 * In a bundle (test/bundles), the spec files that ask for the default
 * configuration (`createTestApp()`, no overrides, no database of their own)
 * share one application and main database, closed at the bundle's end: an
 * application with its main database and connections cost ~1 s of CPU to
 * build, run beside the others and close (28 fewer saved ~30 core-s a run).
 * Every spec's data is its own anyway: its clients, users and e-mails are
 * made with random names. Its `close()` sets the clock back to the real time
 * (a spec may have fixed it). A spec that needs an application and main
 * database no other spec touches (it counts every client) asks for one with
 * an override or `{ own: true }`.
 */
let sharedApp: Promise<TestApp> | null = null;
const atEnd: (() => Promise<void>)[] = [];

/**
 * This process runs a bundle from now on: its test databases are dropped at its end (see deferredDrops), and
 * what its specs share (the default application, what atBundleEnd is given) lives until then.
 */
export function beginBundle(): void {
  deferredDrops ??= [];
}

/** Whether this process runs a bundle (see beginBundle). */
export function inBundle(): boolean {
  return deferredDrops !== null;
}

/** In a bundle, runs `fn` when it ends, after every spec's afterAll (e.g. stops a server its specs shared). */
export function atBundleEnd(fn: () => Promise<void>): void {
  atEnd.push(fn);
}

/** After every spec's afterAll: the shared application, then what atBundleEnd was given, then the deferred drops. */
export async function endBundle(): Promise<void> {
  const app = sharedApp;
  sharedApp = null;
  await (await app?.catch(() => null))?.close();
  for (const fn of atEnd.splice(0)) await fn();
  await dropDeferredDatabases();
}

/**
 * A full application on its own fresh main database, with the shared tenant
 * template made current (cheap when it already is); in a bundle, the default
 * configuration's is shared (see sharedApp).
 */
export async function createTestApp(
  overrides: Record<string, string> = {},
  options: { keepDatabase?: boolean; database?: Awaited<ReturnType<typeof createTestDatabase>>; own?: boolean } = {},
): Promise<TestApp> {
  if (inBundle() && !options.own && !options.keepDatabase && !options.database && Object.keys(overrides).length === 0) {
    sharedApp ??= openTestApp({}, {});
    const t = await sharedApp.catch((err: unknown) => {
      sharedApp = null;
      throw err;
    });
    return { ...t, close: async () => t.get(Clock).set(null) };
  }
  return openTestApp(overrides, options);
}

async function openTestApp(
  overrides: Record<string, string>,
  options: { keepDatabase?: boolean; database?: Awaited<ReturnType<typeof createTestDatabase>> },
): Promise<TestApp> {
  const db = options.database ?? (await createTestDatabase());
  const config = testConfig(db.url, overrides);
  const app = await createApp(config, { migrate: false, logger: false });
  // Listening on a loopback port, as the service does: supertest given a server that is not listening opens and
  // closes a listener for every request, which cost ~0.56 ms of CPU per request (1.43 ms against 0.86 ms).
  await app.listen(0, '127.0.0.1');
  const dbs = app.get(TenantDatabasesService);
  for (const server of dbs.servers) await ensureTemplateOnce(dbs, server);
  await app.get(MainPrismaService).$executeRawUnsafe('SELECT 1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  return {
    app,
    url,
    http: request(url),
    config,
    db,
    get: <T>(token: new (...args: never[]) => T) => app.get(token as never) as T,
    close: async () => {
      await app.close();
      if (!options.keepDatabase) await db.drop();
    },
  };
}

/** Servers whose tenant template this process has made current, by admin URL: a name or a port can be reused by another server. */
const templatesReady = new Map<string, Promise<unknown>>();
function ensureTemplateOnce(dbs: TenantDatabasesService, server: DatabaseServerConfig): Promise<unknown> {
  let p = templatesReady.get(server.adminUrl);
  if (!p) {
    p = dbs.ensureTemplate(server);
    templatesReady.set(server.adminUrl, p);
  }
  return p;
}

/** Provisions a client directly (no HTTP) and returns its id. */
export async function provisionClient(t: TestApp, name = `Client ${randomUUID().slice(0, 8)}`): Promise<string> {
  const provisioning = t.get(ProvisioningService);
  const slug =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) +
    '-' +
    randomBytes(3).toString('hex');
  const { id } = await provisioning.register({ name, slug });
  await provisioning.provision(id);
  return id;
}

/** Creates a user with system role(s) and a live session; returns an access token for it. */
export async function createUserWithToken(
  t: TestApp,
  opts: { clientId: string | null; roleKeys?: string[]; email?: string; name?: string; timeZone?: string },
): Promise<{ userId: string; token: string; sessionId: string; email: string }> {
  const main = t.get(MainPrismaService);
  const email = opts.email ?? `user-${randomBytes(5).toString('hex')}@example.test`;
  const roles = await main.role.findMany({ where: { key: { in: opts.roleKeys ?? ['member'] } } });
  const user = await main.user.create({
    data: {
      email,
      name: opts.name ?? 'Test User',
      passwordHash: 'x',
      clientId: opts.clientId,
      timeZone: opts.timeZone ?? 'UTC',
      roles: { create: roles.map((r) => ({ roleId: r.id })) },
    },
  });
  const session = await main.session.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 3600_000) } });
  const token = t.get(TokenService).signAccess({ sub: user.id, clientId: opts.clientId, sid: session.id });
  return { userId: user.id, token, sessionId: session.id, email };
}

/** Runs `fn` with the client's tenant database through the service's one entry point (lease held for the call). */
export function withTenant<T>(t: TestApp, clientId: string, fn: (db: TenantDb) => Promise<T>): Promise<T> {
  return t.get(TenantContextService).withTenant(clientId, fn);
}

/**
 * The client's tenant database, leased until the test app closes: for files
 * that use one tenant's database directly across their tests (never evicted
 * under them). Code under test reaches tenants through `withTenant`.
 */
export async function leaseTenant(t: TestApp, clientId: string): Promise<TenantDb> {
  return (await t.get(TenantConnectionManager).acquire(clientId)).prisma;
}

export type { INestApplication };
