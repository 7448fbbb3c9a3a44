import { benchServer, freshMainDatabase, load, median, startService } from './lib/harness.js';
import { seedTenants } from './lib/setup.js';

export interface TenancyBenchResult {
  singletonRps: number;
  tenantRps: number;
  ratio: number;
  overheadMicrosPerRequest: number;
  tenantP99Ms: number;
  singletonP99Ms: number;
  errors: number;
}

/**
 * Tenancy overhead: the same tenant-scoped read through the guard chain +
 * TenantGuard lease + TenantPrismaProvider (AsyncLocalStorage) versus through
 * a singleton Prisma client (same authentication, no tenant resolution).
 * Alternating rounds in one run, so the machine's noise hits both alike.
 */
export async function runTenancyBench(opts: { rounds?: number; duration?: number; connections?: number } = {}): Promise<TenancyBenchResult> {
  const rounds = opts.rounds ?? 3;
  const duration = opts.duration ?? 5;
  const server = await benchServer();
  const db = await freshMainDatabase(server.adminUrl, 'tenancy');
  try {
    const [tenant] = await seedTenants(db.url, 1);
    const svc = await startService({ DATABASE_URL: db.url, BENCH_ROUTES: 'true' });
    try {
      const headers = { authorization: `Bearer ${tenant.token}` };
      // Warm-up: JIT, caches, pools.
      await load({ url: `${svc.url}/api/v1/bench/tenant-read`, headers, duration: 2 });
      await load({ url: `${svc.url}/api/v1/bench/singleton-read`, headers, duration: 2 });
      const s: number[] = [];
      const t: number[] = [];
      const sp99: number[] = [];
      const tp99: number[] = [];
      let errors = 0;
      for (let i = 0; i < rounds; i++) {
        const a = await load({ url: `${svc.url}/api/v1/bench/singleton-read`, headers, duration, connections: opts.connections });
        const b = await load({ url: `${svc.url}/api/v1/bench/tenant-read`, headers, duration, connections: opts.connections });
        s.push(a.rps);
        t.push(b.rps);
        sp99.push(a.p99);
        tp99.push(b.p99);
        errors += a.errors + a.non2xx + b.errors + b.non2xx;
      }
      const singletonRps = median(s);
      const tenantRps = median(t);
      return {
        singletonRps: Math.round(singletonRps),
        tenantRps: Math.round(tenantRps),
        ratio: Number((tenantRps / singletonRps).toFixed(3)),
        overheadMicrosPerRequest: Math.round((1 / tenantRps - 1 / singletonRps) * 1e6),
        tenantP99Ms: median(tp99),
        singletonP99Ms: median(sp99),
        errors,
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
  runTenancyBench()
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
