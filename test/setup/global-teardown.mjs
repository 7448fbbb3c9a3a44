// Stops the embedded PostgreSQL this run started, unless another test run is
// still using it (parallel runs of one clone share its server).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export default async function globalTeardown() {
  const server = globalThis.__ftcEmbedded;
  if (!server) return;
  let others = 0;
  try {
    const { adminUrl } = JSON.parse(readFileSync(path.join(root, '.data', 'test-server.json'), 'utf8'));
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    const r = await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname LIKE 'ftc_test_%' OR datname LIKE 'freetimechat_%'");
    others = r.rows[0].n;
    await c.end();
  } catch {
    /* cannot tell: stop it */
  }
  if (others === 0) await server.stop();
}
