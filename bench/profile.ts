import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/database/paths.js';
import { benchServer, freshMainDatabase, load, startService } from './lib/harness.js';
import { seedTenants } from './lib/setup.js';
import { summarizeProfile } from './lib/cpuprofile.js';

/**
 * CPU profile of the service under load on one route:
 *   node dist-bench/bench/profile.js [path=/api/v1/bench/tenant-read; {clientId} is replaced by the tenant's id] [seconds=10] [connections=10]
 * Seeds one tenant, starts the service with `--cpu-prof`, loads the route,
 * stops the service and prints self time by package and the hottest
 * functions. The .cpuprofile stays in bench/results/profiles/ (open it in
 * Chrome DevTools or speedscope). Set PROFILE_ENV='K=V,K=V' for extra service env.
 */
async function main(): Promise<void> {
  const routeArg = process.argv[2] ?? '/api/v1/bench/tenant-read';
  const seconds = Number(process.argv[3] ?? 10);
  const connections = Number(process.argv[4] ?? 10);
  const extraEnv = Object.fromEntries(
    (process.env.PROFILE_ENV ?? '')
      .split(',')
      .filter(Boolean)
      .map((kv) => kv.split('=') as [string, string]),
  );
  const dir = path.join(projectRoot(), 'bench', 'results', 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  const server = await benchServer();
  const db = await freshMainDatabase(server.adminUrl, 'profile');
  try {
    const [tenant] = await seedTenants(db.url, 1);
    const svc = await startService(
      { DATABASE_URL: db.url, BENCH_ROUTES: 'true', ...extraEnv },
      { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] },
    );
    const headers = { authorization: `Bearer ${tenant.token}` };
    const route = routeArg.replace('{clientId}', tenant.clientId);
    try {
      await load({ url: `${svc.url}${route}`, headers, duration: 3, connections });
      const r = await load({ url: `${svc.url}${route}`, headers, duration: seconds, connections });
      console.log(JSON.stringify({ route, rps: Math.round(r.rps), p99: r.p99, errors: r.errors, non2xx: r.non2xx }));
    } finally {
      await svc.stop();
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no profile written');
    const s = summarizeProfile(path.join(dir, file), 40);
    console.log(`profile ${path.join(dir, file)}: ${s.totalMs} ms, idle ${s.idleMs} ms`);
    console.log('\nself time by package:');
    for (const p of s.byPackage.slice(0, 25))
      console.log(`  ${p.share.toFixed(1).padStart(5)} %  ${p.ms.toFixed(0).padStart(7)} ms  ${p.name}`);
    console.log('\nhottest functions (self):');
    for (const f of s.top) console.log(`  ${f.share.toFixed(1).padStart(5)} %  ${f.fn}  ${f.where}`);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
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
