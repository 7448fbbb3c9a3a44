import http from 'node:http';
import pg from 'pg';
import { TENANT_READ_SQL as SQL } from '../../src/modules/bench/tenant-read-sql.js';

/**
 * The floor for "framework efficiency": the bench's tenant read served by
 * bare node:http + pg — no framework, no auth, no logging, no tenancy — the
 * same SQL Prisma sends for `project.findMany({take: 10, orderBy: {name:
 * 'asc'}})` and the same JSON. Run as its own process by the harness
 * (startService with `script`), configured by FLOOR_PG_* and PORT/HOST.
 */
const pool = new pg.Pool({
  host: process.env.FLOOR_PG_HOST,
  port: Number(process.env.FLOOR_PG_PORT),
  user: process.env.FLOOR_PG_USER,
  password: process.env.FLOOR_PG_PASSWORD,
  database: process.env.FLOOR_PG_DATABASE,
  max: Number(process.env.FLOOR_PG_POOL ?? 4),
  application_name: 'freetimechat-bench-floor',
});
pool.on('error', () => undefined);

const server = http.createServer((req, res) => {
  if (req.url === '/api/v1/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  if (req.url === '/floor/tenant-read') {
    pool.query(SQL, [10, 0]).then(
      (r) => {
        const body = JSON.stringify(r.rows);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
      },
      () => res.writeHead(500).end(),
    );
    return;
  }
  res.writeHead(404).end();
});
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
const stop = () => server.close(() => void pool.end().then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
