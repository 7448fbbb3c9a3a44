import { benchServer, freshMainDatabase, load, LoadResult, median, startService } from './lib/harness.js';
import { seedTenants, withTenantDatabase } from './lib/setup.js';
import { BenchReport, envNumber, info, r3 } from './lib/figures.js';

/**
 * Time tracking under load, one tenant whose member has BENCH_ENTRIES
 * (default 100,000) duration-only entries over two years, inserted with
 * `INSERT … SELECT generate_series` as admin:
 * - GET /time-entries (the default page: 50 rows, newest first);
 * - POST /time-entries, duration-only `{projectId, date, duration}` (never overlapping);
 * - GET /reports/summary over all of them (two years, by project);
 * each as requests/s and p99, and as a ratio to the bench tenant read of
 * the same service in the same run (alternating rounds, medians).
 */
export async function runTimeTrackingBench(): Promise<BenchReport> {
  const entries = envNumber('BENCH_ENTRIES', 100_000);
  const duration = envNumber('BENCH_DURATION', 10);
  const rounds = envNumber('BENCH_ROUNDS', 3);
  const connections = envNumber('BENCH_CONNECTIONS', 10);
  const server = await benchServer();
  const db = await freshMainDatabase(server.adminUrl, 'tt');
  try {
    const [tenant] = await seedTenants(db.url, 1, 10);
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 730 * 86_400_000).toISOString().slice(0, 10);
    const started = Date.now();
    const projectId = await withTenantDatabase(server.adminUrl, db.url, tenant.clientId, async (c) => {
      const projects = (await c.query<{ id: string }>('SELECT id FROM projects ORDER BY name')).rows.map((r) => r.id);
      await c.query(
        `INSERT INTO time_entries (id, user_id, project_id, description, date, duration, billable)
         SELECT gen_random_uuid(), $1::uuid, ($2::uuid[])[1 + g % array_length($2::uuid[], 1)], 'bench entry ' || g,
                current_date - (g % 730), 60 + (g * 37) % 7200, g % 3 <> 0
         FROM generate_series(1, $3::int) g`,
        [tenant.userId, projects, entries],
      );
      await c.query('ANALYZE time_entries');
      return projects[0];
    });
    const insertSeconds = Math.round((Date.now() - started) / 100) / 10;
    const svc = await startService({ DATABASE_URL: db.url, BENCH_ROUTES: 'true' });
    try {
      const auth = { authorization: `Bearer ${tenant.token}` };
      const summaryPath = `/api/v1/reports/summary?from=${from}&to=${today}&groupBy=project`;
      // Check the shapes once: a full page, a 201, every entry counted.
      const page = (await (await fetch(`${svc.url}/api/v1/time-entries`, { headers: auth })).json()) as { data: unknown[] };
      if (page.data?.length !== 50) throw new Error(`GET /time-entries returned ${page.data?.length} rows, expected 50`);
      const summary = (await (await fetch(svc.url + summaryPath, { headers: auth })).json()) as { totalSeconds: number };
      if (!(summary.totalSeconds > 0)) throw new Error(`summary: ${JSON.stringify(summary).slice(0, 200)}`);
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      const postBody = JSON.stringify({ projectId, date: yesterday, duration: 900 });
      const post = await fetch(`${svc.url}/api/v1/time-entries`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: postBody,
      });
      if (post.status !== 201) throw new Error(`POST /time-entries answered ${post.status}: ${await post.text()}`);

      const routes = {
        baseline: (d = duration) => load({ url: `${svc.url}/api/v1/bench/tenant-read`, headers: auth, duration: d, connections }),
        list: (d = duration) => load({ url: `${svc.url}/api/v1/time-entries`, headers: auth, duration: d, connections }),
        create: (d = duration) =>
          load({
            url: `${svc.url}/api/v1/time-entries`,
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: postBody,
            duration: d,
            connections,
          }),
        summary: (d = duration) => load({ url: svc.url + summaryPath, headers: auth, duration: d, connections }),
      };
      for (const run of Object.values(routes)) await run(2);
      const names = Object.keys(routes) as (keyof typeof routes)[];
      const res = Object.fromEntries(names.map((k) => [k, [] as LoadResult[]])) as Record<keyof typeof routes, LoadResult[]>;
      for (let i = 0; i < rounds; i++) {
        for (const k of names.map((_, j) => names[(j + i) % names.length])) res[k].push(await routes[k]());
      }
      const rps = (k: keyof typeof routes) => median(res[k].map((x) => x.rps));
      const p99 = (k: keyof typeof routes) => median(res[k].map((x) => x.p99));
      const errors = (k: keyof typeof routes) => res[k].reduce((s, x) => s + x.errors + x.non2xx, 0);
      const base = rps('baseline');
      const fig = (k: 'list' | 'create' | 'summary', label: string) =>
        info(`${label}: throughput / bench tenant read`, r3(rps(k) / base), {
          detail: `${Math.round(rps(k))} req/s, p99 ${p99(k)} ms, ${errors(k)} errors (baseline ${Math.round(base)} req/s, p99 ${p99('baseline')} ms)`,
        });
      return {
        figures: [
          fig('list', 'GET /time-entries, 50 rows'),
          fig('create', 'POST /time-entries, duration-only'),
          fig('summary', `GET /reports/summary over ${entries.toLocaleString('en')} entries`),
          info('GET /time-entries p99', p99('list'), { unit: 'ms' }),
          info('POST /time-entries p99', p99('create'), { unit: 'ms' }),
          info('GET /reports/summary p99', p99('summary'), { unit: 'ms' }),
          info('time-tracking runs: errors and non-2xx', errors('list') + errors('create') + errors('summary') + errors('baseline')),
        ],
        raw: {
          entries,
          insertSeconds,
          rounds: res.list.map((_, i) => Object.fromEntries(names.map((k) => [k, { rps: Math.round(res[k][i].rps), p99: res[k][i].p99 }]))),
        },
      };
    } finally {
      await svc.stop();
    }
  } finally {
    await db.drop();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runTimeTrackingBench()
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
