import { spawnSync } from 'node:child_process';
import { mkdtempSync, cpSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadMigrations, migrate, MigrationChecksumError, MigrationFailedError, currentVersion } from '../../src/database/migrator.js';
import { migrationsDir, projectRoot } from '../../src/database/paths.js';
import { pgConfigFromUrl, quoteIdent, withDatabase } from '../../src/database/sql.js';
import { readState, withAdmin } from '../setup/test-server.js';

describe('integration/migrator', () => {
  const { adminUrl } = readState();
  const dbName = `ftc_test_migrator_${process.pid}`;
  const url = withDatabase(adminUrl, dbName);
  let client: pg.Client;

  beforeAll(async () => {
    await withAdmin(adminUrl, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(dbName)} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${quoteIdent(dbName)}`);
    });
    client = new pg.Client(pgConfigFromUrl(url));
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(dbName)} WITH (FORCE)`));
  });

  function prismaStatus(kind: 'main' | 'client', databaseUrl: string) {
    const env = { ...process.env, DATABASE_URL: databaseUrl, CLIENT_DATABASE_URL: databaseUrl };
    return spawnSync(process.execPath, [path.join(projectRoot(), 'scripts', 'prisma.mjs'), kind, 'migrate', 'status'], {
      cwd: projectRoot(),
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  describe('in-process migration runner', () => {
    it('applies the client migrations so that `prisma migrate status` finds the database up to date', async () => {
      const migrations = loadMigrations(migrationsDir('client'));
      const result = await migrate(client, migrations);
      expect(result.applied).toEqual(migrations.map((m) => m.name));
      expect(await currentVersion(client)).toBe(migrations.at(-1)!.name);
      const status = prismaStatus('client', url);
      expect(status.stdout + status.stderr).toMatch(/Database schema is up to date/);
      expect(status.status).toBe(0);
    }, 90_000);

    it('is idempotent: a second run applies nothing', async () => {
      const result = await migrate(client, loadMigrations(migrationsDir('client')));
      expect(result.applied).toEqual([]);
    });

    it('refuses to go on when an applied migration file changed, and names it', async () => {
      const migrations = loadMigrations(migrationsDir('client'));
      const tampered = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'f'.repeat(64) } : m));
      await expect(migrate(client, tampered)).rejects.toThrow(MigrationChecksumError);
      await expect(migrate(client, tampered)).rejects.toThrow(migrations[0].name);
    });

    it('rolls a failing migration back completely and records nothing for it', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'ftc-mig-'));
      cpSync(migrationsDir('client'), dir, { recursive: true });
      mkdirSync(path.join(dir, '29990101000000_broken'));
      writeFileSync(
        path.join(dir, '29990101000000_broken', 'migration.sql'),
        'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n',
      );
      await expect(migrate(client, loadMigrations(dir))).rejects.toThrow(MigrationFailedError);
      const table = await client.query(`SELECT to_regclass('half_done') AS t`);
      expect(table.rows[0].t).toBeNull();
      const rows = await client.query(`SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`);
      expect(rows.rows[0].n).toBe(0);
    });
  });
});
