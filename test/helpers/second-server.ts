import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { TenantDatabasesService } from '../../src/database/tenant-databases.service.js';
import { freePort } from './reliability.js';
import type { TestApp } from './test-app.js';

export interface SecondServer {
  adminUrl: string;
  /** Drops the tenant databases and roles `t` placed on `serverName` (the test database's drop knows only the first server), then stops the server and removes its data. */
  stop(t: TestApp | undefined, serverName: string): Promise<void>;
}

/**
 * A second PostgreSQL server, as an operator adds one when the first fills
 * up: an embedded one in a fresh data directory (nothing left over from an
 * earlier run can get in the way).
 */
export async function startSecondServer(prefix: string): Promise<SecondServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755); // as root, the server runs as the postgres user
  const server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), database: 'postgres' });
  return {
    adminUrl: server.adminUrl,
    stop: async (t, serverName) => {
      if (t) {
        const dbs = t.get(TenantDatabasesService);
        const placed = await t.get(MainPrismaService).client.findMany({ where: { databaseServer: serverName } });
        const server = dbs.servers.find((s) => s.name === serverName)!;
        for (const c of placed) await dbs.dropDatabaseAndRole(server, c.databaseName, c.databaseRole);
        await t.close();
      }
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
