import { jest } from '@jest/globals';
import { type ChildProcess, execFile, fork, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestApp, TestApp, TEST_JWT_SECRET, withTenant } from '../helpers/test-app.js';
import { projectRoot } from '../../src/database/paths.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { TenantDatabasesService } from '../../src/database/tenant-databases.service.js';
import { TenantRegistryService } from '../../src/database/tenant-registry.service.js';

describe('e2e/cli', () => {
  const root = projectRoot();
  const CLI = path.join(root, 'dist', 'cli.js');
  let t: TestApp;
  let harness: ChildProcess;

  jest.setTimeout(120_000);

  /**
   * `npm run build`'s compilation (scripts/build.mjs --emit-only), once per
   * run of this file: always, since a build started by someone else before
   * the last edit can leave dist/ newer than the sources yet stale. The type
   * check is `npm run typecheck`'s (CI runs it).
   */
  function build(): void {
    const res = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--emit-only'], { cwd: root, encoding: 'utf8' });
    if (res.status !== 0 || !existsSync(CLI)) throw new Error(`build failed:\n${res.stdout}\n${res.stderr}`);
  }

  interface Run {
    code: number;
    stdout: string;
    stderr: string;
  }

  /** The environment the CLI gets: the test's main database, nothing from the developer's shell. */
  function cliEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: t.db.url,
      JWT_SECRET: TEST_JWT_SECRET,
      DB_MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'error',
      NODE_ENV: 'test',
    };
    for (const k of [
      'TENANT_DATABASE_SERVERS',
      'PLATFORM_ADMIN_EMAIL',
      'PLATFORM_ADMIN_PASSWORD',
      'CLIENT_ADMIN_PASSWORD',
      'ENCRYPTION_KEY',
    ])
      delete env[k];
    return env;
  }

  let nextId = 0;
  /** Runs one command of the built CLI (its `runCli`) in the long-lived CLI process (test/helpers/cli-harness.mjs). */
  function cli(...args: string[]): Promise<Run> {
    return cliWith({}, ...args);
  }

  /** `cli` with `env` over the test's environment. */
  function cliWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
    const id = nextId++;
    return new Promise((resolve) => {
      const onMessage = (msg: { id?: number } & Run) => {
        if (msg.id !== id) return;
        harness.off('message', onMessage);
        resolve({ code: msg.code, stdout: msg.stdout, stderr: msg.stderr });
      };
      harness.on('message', onMessage);
      harness.send({ id, args, env: { ...cliEnv(), ...env } });
    });
  }

  /** Runs `node dist/cli.js …` as its own process, as operators do. */
  function spawnCli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<Run> {
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, ...args], { cwd: root, env: { ...cliEnv(), ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  const main = () => t.get(MainPrismaService);
  const s = () => randomBytes(3).toString('hex');

  beforeAll(async () => {
    build();
    harness = fork(path.join(root, 'test', 'helpers', 'cli-harness.mjs'), [], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await new Promise<void>((resolve, reject) => {
      harness.once('message', () => resolve());
      harness.once('exit', (code) => reject(new Error(`CLI harness exited with ${code}`)));
    });
    t = await createTestApp();
  }, 300_000);
  afterAll(async () => {
    harness?.kill();
    await t?.close();
  });

  describe('the built CLI as its own process (node dist/cli.js)', () => {
    // One process, ~2 s of CPU (Node start and module loading); everything else goes through the same runCli
    // in the harness.
    it('exits 0 after a command that reads the database', async () => {
      const list = await spawnCli({}, 'clients:list', '--json');
      expect([list.code, list.stderr]).toEqual([0, '']);
      expect(JSON.parse(list.stdout)).toEqual(expect.any(Array));
    });
  });

  describe('CLI', () => {
    it('prints help listing every command, exit 0', async () => {
      const res = await cli('--help');
      expect(res.code).toBe(0);
      for (const name of [
        'admin:create',
        'clients:create',
        'clients:list',
        'clients:suspend',
        'clients:resume',
        'clients:delete',
        'clients:migrate',
        'clients:move',
        'db:migrate',
        'seed:demo',
      ]) {
        expect(res.stdout).toContain(name);
      }
      expect(res.stdout).toMatch(/Exit codes: 0 success, 1 failure, 2 usage error/);
      const del = await cli('clients:delete', '--help');
      expect(del.code).toBe(0);
      expect(del.stdout).toContain('--confirm <slug>');
      const migrate = await cli('clients:migrate', '--help');
      expect(migrate.stdout).toMatch(/--concurrency <n>[\s\S]*--no-progress/);
    });

    it('exits 2 on usage errors: no command, an unknown command, a missing option, a bad value', async () => {
      // Checked before any database is reached: this one cannot be reached, and reaching it would exit 1.
      const unreachable = { DATABASE_URL: 'postgresql://nobody@127.0.0.1:9/none' };
      const unknown = await cliWith(unreachable, 'clients:explode');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/unknown command 'clients:explode'/);
      expect((await cliWith(unreachable, 'clients:migrate', '--concurrency', 'zero')).code).toBe(2);
      expect((await cli()).code).toBe(2);
      expect((await cli('clients:explode')).code).toBe(2);
      const missing = await cli('clients:create', '--name', 'X');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/--admin-email/);
      expect((await cli('clients:migrate', '--concurrency', 'zero')).code).toBe(2);
      expect((await cli('clients:list', '--status', 'bogus')).code).toBe(2);
      // The CLI applies the API's own checks to what it creates: a bad value exits 2 and creates nothing.
      const slug = `cli-bad-${s()}`;
      const base = ['clients:create', '--name', 'Bad Input', '--slug', slug];
      for (const [args, field] of [
        [['--admin-email', 'notanemail', '--admin-password', 'CorrectHorse42'], 'admin.email'],
        [['--admin-email', `a-${slug}@cli.test`, '--admin-password', 'short'], 'admin.password'],
        [['--admin-email', `a-${slug}@cli.test`, '--admin-password', 'CorrectHorse42', '--admin-time-zone', 'Mars/Base'], 'admin.timeZone'],
      ] as const) {
        const bad = await cli(...base, ...args);
        expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining(field)]);
      }
      expect(await main().client.count({ where: { slug } })).toBe(0);
    });

    it('creates, lists, suspends, resumes, migrates and deletes a client', async () => {
      const slug = `cli-${s()}`;
      const created = await cli(
        'clients:create',
        '--name',
        'Cli Corp',
        '--slug',
        slug,
        '--admin-email',
        `admin-${slug}@cli.test`,
        '--admin-password',
        'CorrectHorse42',
      );
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      expect(created.stdout).toContain(`Created client ${slug}`);
      const client = await main().client.findUniqueOrThrow({ where: { slug } });
      expect(client.status).toBe('active');
      expect(await t.get(TenantDatabasesService).databaseExists(t.get(TenantDatabasesService).servers[0], client.databaseName)).toBe(true);

      // The same slug again: a failure (1), not a usage error.
      const again = await cli(
        'clients:create',
        '--name',
        'Cli Corp',
        '--slug',
        slug,
        '--admin-email',
        `other-${slug}@cli.test`,
        '--admin-password',
        'CorrectHorse42',
      );
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/CONFLICT/);

      const list = await cli('clients:list');
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(new RegExp(`${slug}.*Cli Corp.*active`));
      const json = JSON.parse((await cli('clients:list', '--json')).stdout) as { slug: string }[];
      expect(json.map((c) => c.slug)).toContain(slug);
      expect(JSON.stringify(json)).not.toMatch(/password|postgres(ql)?:\/\//i);

      // Suspension from the CLI reaches the running server (another process) at once.
      await t.get(TenantRegistryService).get(client.id);
      const suspended = await cli('clients:suspend', slug);
      expect(suspended.code).toBe(0);
      const deadline = Date.now() + 1000;
      while ((await t.get(TenantRegistryService).get(client.id))?.status !== 'suspended' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect((await t.get(TenantRegistryService).get(client.id))?.status).toBe('suspended');
      expect((await cli('clients:list', '--status', 'suspended')).stdout).toContain(slug);
      expect((await cli('clients:resume', slug)).code).toBe(0);
      expect((await main().client.findUniqueOrThrow({ where: { slug } })).status).toBe('active');
      expect((await cli('clients:suspend', 'no-such-client')).code).toBe(1);

      const migrate = await cli('clients:migrate', '--client', slug, '--no-progress');
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toMatch(new RegExp(`${slug}.*current`));
      expect(migrate.stdout).toMatch(/0 failed/);
      expect((await cli('clients:migrate', '--client', 'no-such-client')).code).toBe(2);

      const noConfirm = await cli('clients:delete', slug);
      expect(noConfirm.code).toBe(2);
      const wrongConfirm = await cli('clients:delete', slug, '--confirm', 'something-else');
      expect(wrongConfirm.code).toBe(2);
      expect(wrongConfirm.stderr).toMatch(/refusing/);
      expect((await main().client.findUniqueOrThrow({ where: { slug } })).status).toBe('active');

      const deleted = await cli('clients:delete', slug, '--confirm', slug);
      expect(deleted.code).toBe(0);
      expect((await main().client.findUniqueOrThrow({ where: { slug } })).status).toBe('deleted');
      expect(await t.get(TenantDatabasesService).databaseExists(t.get(TenantDatabasesService).servers[0], client.databaseName)).toBe(false);
    });

    it('clients:migrate exits 1 and shows the failing client in its table, and 0 once it is fixed', async () => {
      const slugs = [`mig-a-${s()}`, `mig-b-${s()}`];
      for (const slug of slugs) {
        expect(
          (
            await cli(
              'clients:create',
              '--name',
              slug,
              '--slug',
              slug,
              '--admin-email',
              `${slug}@cli.test`,
              '--admin-password',
              'CorrectHorse42',
            )
          ).code,
        ).toBe(0);
      }
      // Tamper with one tenant's migration record: the migrator refuses a changed migration (checksum), like Prisma.
      const broken = await main().client.findUniqueOrThrow({ where: { slug: slugs[1] } });
      const dbs = t.get(TenantDatabasesService);
      await dbs.withDatabase(dbs.servers[0], broken.databaseName, (c) => c.query(`UPDATE "_prisma_migrations" SET checksum = 'tampered'`));
      await main().client.updateMany({ where: { slug: { in: slugs } }, data: { schemaVersion: null } });

      const failed = await cli('clients:migrate', '--concurrency', '2');
      expect(failed.code).toBe(1);
      expect(failed.stdout).toMatch(new RegExp(`${slugs[1]}.*│ 0 .*failed.*modified after it was applied`));
      expect(failed.stdout).toMatch(new RegExp(`${slugs[0]}.*current`));
      expect(failed.stderr).toMatch(/1 of \d+ clients failed/);
      expect((await main().client.findUniqueOrThrow({ where: { id: broken.id } })).lastMigrationError).toMatch(/checksum/);
      expect((await main().client.findUniqueOrThrow({ where: { slug: slugs[0] } })).schemaVersion).toBe(dbs.latestVersion);

      await dbs.withDatabase(dbs.servers[0], broken.databaseName, async (c) => {
        for (const m of dbs.migrations)
          await c.query(`UPDATE "_prisma_migrations" SET checksum = $1 WHERE migration_name = $2`, [m.checksum, m.name]);
      });
      const fixed = await cli('clients:migrate', '--json');
      expect(fixed.code).toBe(0);
      const report = JSON.parse(fixed.stdout) as { ok: boolean; failed: number };
      expect(report).toMatchObject({ ok: true, failed: 0 });
      expect((await main().client.findUniqueOrThrow({ where: { id: broken.id } })).lastMigrationError).toBeNull();
    });

    it('clients:migrate --dry-run reports per client in-process, --queue queues the job; clients:move refuses bad servers', async () => {
      const slug = `dry-${s()}`;
      const created = await cli(
        'clients:create',
        '--name',
        slug,
        '--slug',
        slug,
        '--admin-email',
        `${slug}@cli.test`,
        '--admin-password',
        'CorrectHorse42',
      );
      expect(created.code).toBe(0);
      const dry = await cli('clients:migrate', '--dry-run', '--client', slug, '--no-progress');
      expect(dry.code).toBe(0);
      expect(dry.stdout).toMatch(new RegExp(`${slug}.*current`));
      expect(dry.stdout).toMatch(/Dry run: 1 client: 0 would migrate, 1 already current, 0 failed .*nothing was changed/);
      const json = await cli('clients:migrate', '--dry-run', '--client', slug, '--json');
      expect(JSON.parse(json.stdout)).toMatchObject({ type: 'clients.migrate', status: 'succeeded', result: { dryRun: true, total: 1 } });

      const bad = await cli('clients:move', slug, '--to', 'nowhere');
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/Unknown database server "nowhere".*VALIDATION_FAILED/);
      const same = await cli('clients:move', slug, '--to', 'default');
      expect(same.code).toBe(1);
      expect(same.stderr).toMatch(/already.*CONFLICT/);
      expect((await cli('clients:move', slug)).code).toBe(2);
      expect((await cli('clients:doctor', '--client', slug, '--concurrency', '2')).code).toBe(0);

      const queued = await cli('clients:migrate', '--dry-run', '--queue', '--client', slug);
      expect(queued.code).toBe(0);
      expect(queued.stdout).toMatch(/"status": "queued"[\s\S]*queued: follow it with jobs:show/);
      const id = /jobs:show ([0-9a-f-]{36})/.exec(queued.stdout)![1];
      // No worker runs in this test: the job stays queued, and a second one is refused.
      const second = await cli('clients:migrate', '--dry-run', '--client', slug, '--queue');
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/JOB_CONFLICT/);
      await main().operationJob.update({ where: { id }, data: { status: 'failed' } });
    }, 60_000);

    it('admin:create creates a platform admin, and refuses a taken e-mail with exit 1', async () => {
      const email = `root-${s()}@cli.test`;
      const res = await cli('admin:create', '--email', email, '--password', 'RootPassword123', '--name', 'Root');
      expect(res.code).toBe(0);
      const user = await main().user.findUniqueOrThrow({ where: { email }, include: { roles: { include: { role: true } } } });
      expect(user.clientId).toBeNull();
      expect(user.roles.map((r) => r.role.key)).toEqual(['platform-admin']);
      expect((await cli('admin:create', '--email', email, '--password', 'RootPassword123')).code).toBe(1);
      expect((await cli('admin:create', '--email', `x-${email}`, '--password', 'short')).code).toBe(2);
    });

    it('db:migrate reports the main database and templates up to date', async () => {
      const res = await cli('db:migrate');
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/main database: up to date/);
      expect(res.stdout).toMatch(/template on default/);
    });

    it('seed:demo creates the demo client with users, projects, a week of entries and a conversation, and is idempotent', async () => {
      const first = await cli('seed:demo');
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('demo-admin@freetimechat.local');
      expect(first.stdout).toContain('DemoPassword123');
      const demo = await main().client.findUniqueOrThrow({ where: { slug: 'demo' } });
      expect(demo.status).toBe('active');
      const users = await main().user.findMany({ where: { clientId: demo.id }, include: { roles: { include: { role: true } } } });
      expect(users.map((u) => u.roles[0].role.key).sort()).toEqual(['client-admin', 'manager', 'member', 'member']);

      const { projects, tasks, entries, messages } = await withTenant(t, demo.id, async (tenant) => ({
        projects: await tenant.project.count(),
        tasks: await tenant.task.count(),
        entries: await tenant.timeEntry.findMany(),
        messages: await tenant.message.findMany({ orderBy: { seq: 'asc' } }),
      }));
      expect(projects).toBeGreaterThanOrEqual(3);
      expect(tasks).toBeGreaterThan(0);
      expect(entries.some((e) => e.startTime === null && e.duration! > 0)).toBe(true);
      expect(entries.some((e) => e.startTime !== null && e.endTime !== null)).toBe(true);
      // Every user's entries fall on five consecutive days (Monday to Friday) of one week.
      for (const u of users) {
        const days = [...new Set(entries.filter((e) => e.userId === u.id).map((e) => e.date.toISOString().slice(0, 10)))].sort();
        expect(days).toHaveLength(5);
        expect(new Date(days[0] + 'T00:00:00Z').getUTCDay()).toBe(1);
      }
      expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);

      const second = await cli('seed:demo');
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/already exists/);
      expect(await withTenant(t, demo.id, (tenant) => tenant.timeEntry.count())).toBe(entries.length);
      expect(await main().client.count({ where: { slug: 'demo' } })).toBe(1);
    });
  });
});
