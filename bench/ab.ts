import nodePath from 'node:path';
import { benchServer, cpuMs, freshMainDatabase, load, median, startService } from './lib/harness.js';
import { seedTenants } from './lib/setup.js';

/**
 * A/B of two service configurations on one route, in alternating rounds
 * (for trying a change behind an environment switch before keeping it):
 *   AB_A='K=V,…' AB_B='K=V,…' node dist-bench/bench/ab.js [path] [rounds=6] [seconds=5]
 * Both services run at once on the same database; only one is loaded at a time.
 * AB_A_DIR / AB_B_DIR run that side from another checkout's build instead
 * (its dist-bench/src/main.js, e.g. a worktree of another commit), to compare
 * two commits: both must share the database schema.
 */
const parseEnv = (s = '') =>
  Object.fromEntries(
    s
      .split(',')
      .filter(Boolean)
      .map((kv) => kv.split('=') as [string, string]),
  );

async function main(): Promise<void> {
  const route = process.argv[2] ?? '/api/v1/bench/tenant-read';
  const rounds = Number(process.argv[3] ?? 6);
  const seconds = Number(process.argv[4] ?? 5);
  const server = await benchServer();
  const db = await freshMainDatabase(server.adminUrl, 'ab');
  try {
    const [tenant] = await seedTenants(db.url, 1);
    const base = { DATABASE_URL: db.url, BENCH_ROUTES: 'true' };
    const from = (dir?: string) =>
      dir ? { script: nodePath.resolve(dir, 'dist-bench', 'src', 'main.js'), cwd: nodePath.resolve(dir) } : {};
    const a = await startService({ ...base, ...parseEnv(process.env.AB_A) }, from(process.env.AB_A_DIR));
    const b = await startService({ ...base, ...parseEnv(process.env.AB_B) }, from(process.env.AB_B_DIR));
    const headers = { authorization: `Bearer ${tenant.token}` };
    const path = route.replace('{clientId}', tenant.clientId);
    try {
      const ra: number[] = [];
      const rb: number[] = [];
      const ca: number[] = [];
      const cb: number[] = [];
      await load({ url: a.url + path, headers, duration: 2 });
      await load({ url: b.url + path, headers, duration: 2 });
      for (let i = 0; i < rounds; i++) {
        const order: [typeof a, number[], number[]][] =
          i % 2 === 0
            ? [
                [a, ra, ca],
                [b, rb, cb],
              ]
            : [
                [b, rb, cb],
                [a, ra, ca],
              ];
        for (const [svc, out, cpu] of order) {
          const c0 = cpuMs(svc.pid);
          const r = await load({ url: svc.url + path, headers, duration: seconds });
          if (r.errors + r.non2xx > 0) throw new Error(`${r.errors + r.non2xx} errors`);
          out.push(Math.round(r.rps));
          cpu.push(Math.round(((cpuMs(svc.pid) - c0) * 1000) / r.requests));
        }
      }
      console.log(
        JSON.stringify({
          route,
          A: ra,
          B: rb,
          medianA: median(ra),
          medianB: median(rb),
          ratioBA: Math.round((median(rb) / median(ra)) * 1000) / 1000,
          cpuMicrosPerRequest: { A: median(ca), B: median(cb), samplesA: ca, samplesB: cb },
        }),
      );
    } finally {
      await a.stop();
      await b.stop();
    }
  } finally {
    await db.drop();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
