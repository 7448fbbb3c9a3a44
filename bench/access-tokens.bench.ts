import { benchServer, freshMainDatabase, load, median, startService } from './lib/harness.js';
import { seedTenants } from './lib/setup.js';
import { atLeast, BenchReport, envNumber, info, r3 } from './lib/figures.js';

/**
 * Personal access tokens against JWTs: the same authenticated read
 * (GET /bench/singleton-read: the whole guard chain and a small query) with a
 * member's access token (JWT) and with a personal access token of the same
 * member, in alternating rounds on one service; the ratio of the medians of
 * req/s. A PAT is resolved by its SHA-256 through a cache (as a JWT is
 * through its remembered claims), so the target is parity: ≥ 0.95.
 */
export async function runAccessTokensBench(): Promise<BenchReport> {
  const rounds = envNumber('BENCH_ROUNDS', 5);
  const duration = envNumber('BENCH_DURATION', 4);
  const connections = envNumber('BENCH_CONNECTIONS', 10);
  const server = await benchServer();
  const db = await freshMainDatabase(server.adminUrl, 'pat');
  try {
    const [tenant] = await seedTenants(db.url, 1);
    const svc = await startService({ DATABASE_URL: db.url, BENCH_ROUTES: 'true' });
    try {
      const created = await fetch(`${svc.url}/api/v1/auth/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench' }),
      });
      if (created.status !== 201) throw new Error(`creating the access token: HTTP ${created.status} ${await created.text()}`);
      const pat = ((await created.json()) as { token: string }).token;
      const url = `${svc.url}/api/v1/bench/singleton-read`;
      const run = (token: string, d = duration) => load({ url, headers: { authorization: `Bearer ${token}` }, duration: d, connections });
      // Warm both paths (JIT, caches, pools).
      await run(tenant.token, 1);
      await run(pat, 1);
      const jwt: number[] = [];
      const pats: number[] = [];
      let errors = 0;
      for (let i = 0; i < rounds; i++) {
        // Alternate which goes first, so drift of the shared machine hits both alike.
        const order = i % 2 === 0 ? ['jwt', 'pat'] : ['pat', 'jwt'];
        for (const which of order) {
          const r = await run(which === 'jwt' ? tenant.token : pat);
          errors += r.errors + r.non2xx;
          (which === 'jwt' ? jwt : pats).push(r.rps);
        }
      }
      const ratio = r3(median(pats) / median(jwt));
      return {
        figures: [
          atLeast('PAT / JWT authenticated read throughput', ratio, 0.95, {
            detail: `median req/s: PAT ${Math.round(median(pats))}, JWT ${Math.round(median(jwt))}; ${rounds} rounds × ${duration} s, ${connections} connections`,
          }),
          info('errors', errors),
        ],
        raw: { jwtRps: jwt, patRps: pats, ratio, errors },
      };
    } finally {
      await svc.stop();
    }
  } finally {
    await db.drop();
    await server.stop();
  }
}
