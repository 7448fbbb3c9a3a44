import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type autocannon from 'autocannon';
import pg from 'pg';
import { installFastScram } from '../src/patches/pg-scram.js';
import { TENANT_READ_SQL } from '../src/modules/bench/tenant-read-sql.js';
import { benchServer, cpuMs, freshMainDatabase, load, LoadResult, median, rssMiB, sampleConnections, startService } from './lib/harness.js';
import { BenchTenant, seedManyTenants, tenantConnection } from './lib/setup.js';
import { atLeast, atMost, below, BenchReport, envNumber, info, r1, r3, seededRandom, zipfSampler } from './lib/figures.js';

/**
 * Many tenants (BENCH_TENANTS, default 1,000 tenant databases) behind one
 * service whose PostgreSQL connections are capped at 50 in all:
 * TENANT_CONNECTION_BUDGET 39 + MAIN_POOL_SIZE 10 + the LISTEN connection;
 * TENANT_MAX_CLIENTS = BENCH_MAX_CLIENTS (default: the tenant count).
 *
 * 1. Throughput of the tenant read with traffic spread Zipf-like (s = 1) and
 *    round-robin over all tenants, against the same read by one tenant, in
 *    alternating rounds; errors counted; the service's connections sampled
 *    from pg_stat_activity every 50 ms throughout.
 *    In the same rounds, the machine's ceiling for any design with one
 *    connection per database: PostgreSQL's rate of new connections (connect
 *    as a tenant role, the same read, close; as many at once as the load's
 *    connections), and from it the most throughput Zipf traffic can get when
 *    the `budget` busiest tenants keep a connection each and every other
 *    request needs a new one (see zipfCeiling).
 * 2. Memory: RSS after every tenant was touched once, then a soak of mixed
 *    reads (BENCH_SOAK_SECONDS, default 300) with RSS sampled; growth is the
 *    end against the sample after the first warm-up minute.
 */
export async function runTenantsBench(): Promise<BenchReport> {
  const n = envNumber('BENCH_TENANTS', 1000);
  const soakSeconds = envNumber('BENCH_SOAK_SECONDS', 300);
  const duration = envNumber('BENCH_DURATION', 10);
  const rounds = envNumber('BENCH_ROUNDS', 3);
  const connections = envNumber('BENCH_CONNECTIONS', 10);
  // Prisma clients kept open (LRU). The service's default is 500; for this bench as many as there are
  // tenants (~0.4 MiB each), else tail tenants recreate a client (~5 ms of CPU) on most requests.
  const maxClients = envNumber('BENCH_MAX_CLIENTS', n);
  const budget = 39;
  const mainPool = 10;
  const cap = budget + mainPool + 1;
  const log = (m: string) => console.error(`  ${m}`);

  const server = await benchServer();
  const db = await freshMainDatabase(server.adminUrl, 'tenants');
  const raw: Record<string, unknown> = { tenants: n, maxClients, budget, mainPool, cap, duration, rounds, connections, soakSeconds };
  try {
    log(`creating ${n} tenant databases`);
    const seedStarted = Date.now();
    let lastLog = 0;
    const tenants = await seedManyTenants(db.url, n, {
      onProgress: (done, total) => {
        if (done - lastLog >= 200 || done === total) {
          lastLog = done;
          log(`  ${done}/${total}`);
        }
      },
    });
    raw.seedSeconds = r1((Date.now() - seedStarted) / 1000);

    const svc = await startService({
      DATABASE_URL: db.url,
      BENCH_ROUTES: 'true',
      TENANT_CONNECTION_BUDGET: String(budget),
      MAIN_POOL_SIZE: String(mainPool),
      TENANT_MAX_CLIENTS: String(maxClients),
    });
    const sampler = await sampleConnections(server.adminUrl, 50);
    try {
      const base = `${svc.url}/api/v1/bench/tenant-read`;
      raw.rssIdleMiB = rssMiB(svc.pid);
      const one = tenants[0];
      const single = () => load({ url: base, headers: { authorization: `Bearer ${one.token}` }, duration, connections });
      const zipf = zipfSampler(n, 1.0, seededRandom(42));
      const zipfOrder = shuffled(tenants, seededRandom(7)); // rank → tenant, so tenant 0 is not always the hottest
      const spread = (pick: () => BenchTenant, path = '/api/v1/bench/tenant-read'): autocannon.Request[] => [
        {
          method: 'GET',
          path,
          setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${pick().token}` } }),
        },
      ];
      let rr = 0;
      const roundRobin = () => tenants[rr++ % n];
      const zipfPick = () => zipfOrder[zipf()];

      // Touch every tenant once (registry, auth caches, a Prisma client and pool each), then measure memory.
      log(`touching all ${n} tenants`);
      const touchStarted = Date.now();
      const touch = await load({ url: svc.url, requests: spread(roundRobin), amount: n, duration: 600, connections });
      raw.touchSeconds = r1((Date.now() - touchStarted) / 1000);
      raw.touchErrors = touch.errors + touch.non2xx;
      await new Promise((r) => setTimeout(r, 2000));
      raw.rssAfterTouchMiB = rssMiB(svc.pid);

      // Connection churn baseline: tenants from the Zipf tail (which the Zipf load reconnects to most).
      installFastScram(); // as in the service
      const churnTargets = await Promise.all(zipfOrder.slice(-50).map((t) => tenantConnection(db.url, t.clientId)));
      let churnI = 0;
      const churn = async (seconds: number) => {
        const started = performance.now();
        const until = Date.now() + seconds * 1000;
        let done = 0;
        let errors = 0;
        await Promise.all(
          Array.from({ length: connections }, async () => {
            while (Date.now() < until) {
              const c = new pg.Client({ ...churnTargets[churnI++ % churnTargets.length], application_name: 'ftc-bench-churn' });
              try {
                await c.connect();
                await c.query(TENANT_READ_SQL, [10, 0]);
                done++;
              } catch {
                errors++;
              } finally {
                await c.end().catch(() => undefined);
              }
            }
          }),
        );
        return { rps: done / ((performance.now() - started) / 1000), errors };
      };
      const churnRounds: { rps: number; errors: number }[] = [];

      // Warm-up, then alternating rounds.
      await churn(2);
      await single();
      await load({ url: svc.url, requests: spread(zipfPick), duration: 3, connections });
      type Mode = 'single' | 'zipf' | 'uniform';
      const res: Record<Mode, LoadResult[]> = { single: [], zipf: [], uniform: [] };
      // Per round: service CPU per request, tenant connections opened and Prisma clients created per request.
      const cost: Record<Mode, { cpuUs: number; connsPerReq: number; clientsPerReq: number }[]> = { single: [], zipf: [], uniform: [] };
      const stats = async () =>
        (await (await fetch(`${svc.url}/api/v1/bench/unguarded/stats`)).json()) as {
          connectionsOpened: number;
          created: number;
          clients: number;
          memory: Record<string, number>;
        };
      // BENCH_PROFILE_DIR: a CPU profile of the service during the first round of each mode.
      const profileDir = process.env.BENCH_PROFILE_DIR;
      const measured = async (mode: Mode, run: () => Promise<LoadResult>) => {
        const profiled = profileDir && cost[mode].length === 0;
        if (profiled) await fetch(`${svc.url}/api/v1/bench/unguarded/profile/start`, { method: 'POST' });
        const s0 = await stats();
        const c0 = cpuMs(svc.pid);
        const r = await run();
        const c1 = cpuMs(svc.pid);
        const s1 = await stats();
        if (profiled) {
          const file = path.resolve(profileDir, `tenants-${mode}.cpuprofile`);
          writeFileSync(file, await (await fetch(`${svc.url}/api/v1/bench/unguarded/profile/stop`, { method: 'POST' })).text());
          log(`profile of ${mode}: ${file}`);
        }
        res[mode].push(r);
        cost[mode].push({
          cpuUs: Math.round(((c1 - c0) * 1000) / r.requests),
          connsPerReq: r3((s1.connectionsOpened - s0.connectionsOpened) / r.requests),
          clientsPerReq: r3((s1.created - s0.created) / r.requests),
        });
      };
      for (let i = 0; i < rounds; i++) {
        log(`round ${i + 1}/${rounds}: single, zipf, round-robin, connection churn`);
        await measured('single', single);
        await measured('zipf', () => load({ url: svc.url, requests: spread(zipfPick), duration, connections }));
        await measured('uniform', () => load({ url: svc.url, requests: spread(roundRobin), duration, connections }));
        churnRounds.push(await churn(duration));
      }
      raw.churnRounds = churnRounds.map((c) => ({ rps: r1(c.rps), errors: c.errors }));
      raw.costPerRequest = Object.fromEntries(
        Object.entries(cost).map(([k, v]) => [
          k,
          {
            // The median of an even number of rounds is a mean of two: rounded again, or it prints 0.9884999999999999.
            cpuUs: Math.round(median(v.map((x) => x.cpuUs))),
            connsPerReq: r3(median(v.map((x) => x.connsPerReq))),
            clientsPerReq: r3(median(v.map((x) => x.clientsPerReq))),
          },
        ]),
      );
      const rps = (xs: LoadResult[]) => median(xs.map((x) => x.rps));
      const errs = (xs: LoadResult[]) => xs.reduce((a, x) => a + x.errors + x.non2xx, 0);
      const singleRps = rps(res.single);
      const zipfRps = rps(res.zipf);
      const uniformRps = rps(res.uniform);
      raw.rounds_ = Object.fromEntries(
        Object.entries(res).map(([k, v]) => [k, v.map((x) => ({ rps: Math.round(x.rps), p99: x.p99, errors: x.errors + x.non2xx }))]),
      );

      // Soak: mixed reads over real routes, tenants drawn Zipf-like; RSS sampled.
      const mixPaths = [
        '/api/v1/bench/tenant-read',
        '/api/v1/bench/tenant-read',
        '/api/v1/projects',
        '/api/v1/time-entries',
        '/api/v1/reports/summary?groupBy=project',
        '/api/v1/auth/me',
      ];
      let mixI = 0;
      const mixed: autocannon.Request[] = [
        {
          method: 'GET',
          setupRequest: (req) => ({
            ...req,
            path: mixPaths[mixI++ % mixPaths.length],
            headers: { ...req.headers, authorization: `Bearer ${(mixI % 5 === 0 ? roundRobin() : zipfPick()).token}` },
          }),
        },
      ];
      let soak: LoadResult | null = null;
      const rssSamples: ({ t: number; rss: number } & Record<string, number>)[] = [];
      let rssWarm = NaN;
      let rssEnd = NaN;
      if (soakSeconds > 0) {
        const warmAt = Math.min(60, soakSeconds / 5);
        log(`soak: ${soakSeconds} s of mixed reads (RSS baseline after ${warmAt} s)`);
        const started = Date.now();
        const timer = setInterval(() => {
          const t = r1((Date.now() - started) / 1000);
          const rss = rssMiB(svc.pid);
          void stats().then(
            (st) => rssSamples.push({ t, rss, clients: st.clients, created: st.created, ...st.memory }),
            () => rssSamples.push({ t, rss }),
          );
        }, 5000);
        const warm = setTimeout(() => (rssWarm = rssMiB(svc.pid)), warmAt * 1000);
        try {
          soak = await load({ url: svc.url, requests: mixed, duration: soakSeconds, connections });
        } finally {
          clearInterval(timer);
          clearTimeout(warm);
        }
        // The end of the load, not after it (RSS drops once the service goes idle): the last sample taken
        // under load, or now if none.
        rssEnd = rssSamples.length ? rssSamples[rssSamples.length - 1].rss : rssMiB(svc.pid);
        raw.rssAfterSoakIdleMiB = rssMiB(svc.pid);
        raw.rssPeakMiB = Math.max(...rssSamples.map((x) => x.rss), rssWarm);
        raw.soak = { rps: Math.round(soak.rps), p99: soak.p99, errors: soak.errors, non2xx: soak.non2xx, requests: soak.requests };
        raw.rssSamples = rssSamples;
      }
      const conns = await sampler.stop();
      raw.connections_ = conns;
      raw.rssWarmMiB = rssWarm;
      raw.rssEndMiB = rssEnd;

      const zipfErrors = errs(res.zipf);
      const costOf = (m: 'single' | 'zipf' | 'uniform') =>
        (raw.costPerRequest as Record<string, { cpuUs: number; connsPerReq: number; clientsPerReq: number }>)[m];
      const connRate = median(churnRounds.map((c) => c.rps));
      const zipfCeil = zipfCeiling(n, budget, connRate, singleRps);
      // With fewer tenants than connections, nobody needs a new one.
      const uniformCeil = ceilingFor(Math.max(0, 1 - budget / n), connRate, singleRps);
      raw.ceiling = { connRate, zipf: zipfCeil, uniform: uniformCeil };
      const figures = [
        info('single-tenant tenant-read throughput (baseline)', Math.round(singleRps), { unit: 'req/s' }),
        info('PostgreSQL new connections per second on this machine (connect, the read, close)', r1(connRate), {
          unit: 'conn/s',
          detail: `${connections} at once, tenant roles, ${churnRounds.reduce((a, c) => a + c.errors, 0)} errors; rounds ${churnRounds.map((c) => Math.round(c.rps)).join(', ')}`,
        }),
        info('ceiling for one connection per database: Zipf / single tenant', r3(zipfCeil.rps / singleRps), {
          detail:
            `${Math.round(zipfCeil.rps)} req/s at best: with ${budget} connections over ${n} Zipf tenants the busiest ${Math.min(budget, n)} ` +
            `get ${(zipfCeil.keptShare * 100).toFixed(1)}% of requests, so ≥ ${r3(zipfCeil.newPerRequest)} new connections per request`,
        }),
        info('Zipf throughput / that ceiling', r3(zipfRps / zipfCeil.rps), {
          detail: `round-robin: ${r3(uniformRps / uniformCeil.rps)} of its ceiling (${Math.round(uniformCeil.rps)} req/s, ≥ ${r3(uniformCeil.newPerRequest)} new connections per request)`,
        }),
        atLeast('Zipf (s=1) over all tenants / single tenant, throughput', r3(zipfRps / singleRps), 0.7, {
          detail:
            `${Math.round(zipfRps)} vs ${Math.round(singleRps)} req/s, ${n} tenants, p99 ${median(res.zipf.map((x) => x.p99))} ms; ` +
            `per request: new connections ${costOf('zipf').connsPerReq}, new Prisma clients ${costOf('zipf').clientsPerReq}, ` +
            `service CPU ${costOf('zipf').cpuUs} µs vs ${costOf('single').cpuUs} µs single`,
        }),
        atMost('Zipf: errors and non-2xx', zipfErrors, 0),
        info('round-robin over all tenants / single tenant, throughput', r3(uniformRps / singleRps), {
          detail:
            `${Math.round(uniformRps)} req/s, p99 ${median(res.uniform.map((x) => x.p99))} ms, ${errs(res.uniform)} errors; ` +
            `per request: new connections ${costOf('uniform').connsPerReq}, new Prisma clients ${costOf('uniform').clientsPerReq}, service CPU ${costOf('uniform').cpuUs} µs`,
        }),
        atMost('service PostgreSQL connections, max sampled every 50 ms', conns.max, cap, {
          detail: `${conns.samples} samples, mean ${conns.mean}; by pool ${JSON.stringify(conns.maxByName)}`,
        }),
        info(`RSS after touching ${n} tenants`, raw.rssAfterTouchMiB as number, {
          unit: 'MiB',
          detail: `idle after start ${raw.rssIdleMiB} MiB; touch pass ${raw.touchSeconds} s, ${raw.touchErrors} errors`,
        }),
      ];
      if (soak) {
        figures.push(
          below('RSS growth under mixed load (end vs after warm-up)', r3((rssEnd - rssWarm) / rssWarm), 0.1, {
            detail:
              `${rssWarm} → ${rssEnd} MiB over ${soakSeconds} s of load (peak ${raw.rssPeakMiB as number} MiB); ` +
              `${Math.round(soak.rps)} req/s, ${soak.errors + soak.non2xx} errors of ${soak.requests}`,
          }),
        );
      }
      return { figures, raw };
    } finally {
      await sampler.stop().catch(() => undefined);
      await svc.stop();
    }
  } finally {
    log('dropping tenant databases');
    await db.drop();
    await server.stop();
  }
}

/**
 * The most throughput any design with one connection per tenant database can
 * get on this machine: a request either finds its tenant's connection open
 * (the service's own rate, `singleRps`) or opens one (PostgreSQL's rate of new
 * connections, `connRate`); time per request is the mix of the two.
 */
function ceilingFor(newPerRequest: number, connRate: number, singleRps: number) {
  return { newPerRequest, rps: 1 / (newPerRequest / connRate + (1 - newPerRequest) / singleRps) };
}

/** Zipf (s = 1) over n tenants: at best the `kept` busiest keep one connection each (their share H(kept)/H(n)). */
function zipfCeiling(n: number, kept: number, connRate: number, singleRps: number) {
  const h = (k: number) => Array.from({ length: k }, (_, i) => 1 / (i + 1)).reduce((a, b) => a + b, 0);
  const keptShare = h(Math.min(kept, n)) / h(n);
  return { keptShare, ...ceilingFor(1 - keptShare, connRate, singleRps) };
}

function shuffled<T>(xs: T[], random: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runTenantsBench()
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
