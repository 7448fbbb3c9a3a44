import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { TenantDatabasesService } from '../../src/database/tenant-databases.service.js';
import { freePort } from './reliability.js';
import { atBundleEnd, inBundle, type TestApp } from './test-app.js';

export interface SecondServer {
  adminUrl: string;
  /** Drops the tenant databases and roles `t` placed on `serverName` (the test database's drop knows only the first server), then, outside a bundle, stops the server and removes its data. */
  stop(t: TestApp | undefined, serverName: string): Promise<void>;
}

interface EmbeddedServer {
  adminUrl: string;
  stop(): Promise<void>;
}

/** The second server of this bundle's specs (see startSecondServer). */
let shared: Promise<EmbeddedServer> | null = null;

async function startServer(prefix: string): Promise<EmbeddedServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755); // as root, the server runs as the postgres user
  const server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'postgres' });
  return {
    adminUrl: server.adminUrl,
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A second PostgreSQL server, as an operator adds one when the first fills
 * up: an embedded one in a fresh data directory (nothing left over from an
 * earlier run can get in the way). In a bundle its specs share one, stopped
 * when the bundle ends (initdb and a start cost ~2 s of CPU); each spec's
 * `stop` drops the tenant databases and roles it placed there.
 */
export async function startSecondServer(prefix: string): Promise<SecondServer> {
  let server: EmbeddedServer;
  if (inBundle()) {
    if (!shared) {
      const starting = startServer(prefix);
      shared = starting;
      atBundleEnd(async () => {
        shared = null;
        await (await starting.catch(() => null))?.stop();
      });
    }
    server = await shared;
  } else {
    server = await startServer(prefix);
  }
  return {
    adminUrl: server.adminUrl,
    stop: async (t, serverName) => {
      if (t) {
        const dbs = t.get(TenantDatabasesService);
        const placed = await t.get(MainPrismaService).client.findMany({ where: { databaseServer: serverName } });
        const second = dbs.servers.find((s) => s.name === serverName)!;
        for (const c of placed) await dbs.dropDatabaseAndRole(second, c.databaseName, c.databaseRole);
        await t.close();
      }
      if (!inBundle()) await server.stop();
    },
  };
}
