import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminQuery, benchServer, freshMainDatabase, load, median, percentile, startService } from './lib/harness.js';
import { seedTenants } from './lib/setup.js';
import { atLeast, atMost, BenchReport, envNumber, info, r1, r3 } from './lib/figures.js';

/** A loopback receiver that answers 204 and records, per event id, when it arrived. */
async function receiver(): Promise<{
  url: string;
  arrivals: Map<string, { at: number; createdAt: number }>;
  count: () => number;
  close: () => Promise<void>;
}> {
  const arrivals = new Map<string, { at: number; createdAt: number }>();
  let count = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const at = Date.now();
      count++;
      try {
        const e = JSON.parse(body) as { id: string; createdAt: string };
        if (!arrivals.has(e.id)) arrivals.set(e.id, { at, createdAt: Date.parse(e.createdAt) });
      } catch {
        /* counted anyway */
      }
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    count: () => count,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Distinct days back from yesterday, so entries never meet the daily limit; 1 s each. */
function entryBodies(projectId: string, start: number): () => string {
  let i = start;
  const base = Date.now() - 86_400_000;
  return () => {
    const day = new Date(base - (i++ % 3000) * 86_400_000).toISOString().slice(0, 10);
    return JSON.stringify({ projectId, date: day, duration: 1 });
  };
}

/**
 * Webhooks: (1) the cost the transactional outbox adds to POST /time-entries
 * (req/s in a client with a webhook subscribed to time_entry.created — the
 * trigger writes the event and its delivery in the insert's transaction, the
 * signal goes to the main database, and the same process delivers every event
 * to a loopback receiver meanwhile — over req/s in a client without any
 * webhook, alternating rounds, one service); target ≥ 0.9. (2) Delivery
 * latency at 100 events/s: from the event's createdAt (the transaction's
 * start, just before its commit) to its arrival at the receiver, p50 and p99.
 */
export async function runWebhooksBench(): Promise<BenchReport> {
  const rounds = envNumber('BENCH_ROUNDS', 3);
  const duration = envNumber('BENCH_DURATION', 10);
  const connections = envNumber('BENCH_CONNECTIONS', 10);
  const rate = envNumber('BENCH_WEBHOOK_RATE', 100);
  const latencySeconds = envNumber('BENCH_WEBHOOK_SECONDS', 20);
  const server = await benchServer();
  const db = await freshMainDatabase(server.adminUrl, 'webhooks');
  const rx = await receiver();
  try {
    const [hooked, plain] = await seedTenants(db.url, 2, 1);
    // The hooked tenant's user may manage webhooks (client-admin besides member).
    await adminQuery(
      server.adminUrl,
      `INSERT INTO user_roles (user_id, role_id) SELECT '${hooked.userId}', id FROM roles WHERE key = 'client-admin'`,
      db.name,
    );
    const svc = await startService({ DATABASE_URL: db.url, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOKS_DISPATCH: 'true' });
    try {
      const call = async (token: string, method: string, p: string, body?: unknown) => {
        const res = await fetch(`${svc.url}/api/v1${p}`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (res.status >= 300) throw new Error(`${method} ${p}: HTTP ${res.status} ${await res.text()}`);
        return (await res.json()) as Record<string, unknown>;
      };
      await call(hooked.token, 'POST', '/webhooks', { url: rx.url, events: ['time_entry.created'] });
      const projectOf = async (t: { token: string }) => ((await call(t.token, 'GET', '/projects')).data as { id: string }[])[0].id;
      const target = { hooked: await projectOf(hooked), plain: await projectOf(plain) };

      let counter = 0;
      const run = (which: 'hooked' | 'plain', d = duration) => {
        const next = entryBodies(target[which], (counter += 100_000));
        return load({
          url: `${svc.url}/api/v1/time-entries`,
          method: 'POST',
          headers: { authorization: `Bearer ${(which === 'hooked' ? hooked : plain).token}`, 'content-type': 'application/json' },
          requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, body: next() }) }],
          duration: d,
          connections,
        });
      };
      await run('hooked', 2);
      await run('plain', 2);
      const hookedRps: number[] = [];
      const plainRps: number[] = [];
      let errors = 0;
      for (let i = 0; i < rounds; i++) {
        for (const which of i % 2 === 0 ? (['hooked', 'plain'] as const) : (['plain', 'hooked'] as const)) {
          const r = await run(which);
          errors += r.errors + r.non2xx;
          (which === 'hooked' ? hookedRps : plainRps).push(r.rps);
        }
      }
      const ratio = r3(median(hookedRps) / median(plainRps));
      // Let the backlog of the throughput rounds drain before timing latency.
      const drainStart = Date.now();
      while (Date.now() - drainStart < 120_000) {
        const before = rx.count();
        await new Promise((r) => setTimeout(r, 1000));
        if (rx.count() === before) break;
      }
      const backlogDrainMs = Date.now() - drainStart;
      const deliveredInThroughput = rx.count();

      // Latency: an open-loop 100 writes/s, each one event.
      rx.arrivals.clear();
      const next = entryBodies(target.hooked, (counter += 100_000));
      const total = Math.round(rate * latencySeconds);
      const writes: Promise<unknown>[] = [];
      const t0 = Date.now();
      let latencyErrors = 0;
      for (let i = 0; i < total; i++) {
        const due = t0 + (i * 1000) / rate;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        writes.push(
          fetch(`${svc.url}/api/v1/time-entries`, {
            method: 'POST',
            headers: { authorization: `Bearer ${hooked.token}`, 'content-type': 'application/json' },
            body: next(),
          }).then(
            async (res) => {
              if (res.status !== 201) latencyErrors++;
              await res.arrayBuffer();
            },
            () => latencyErrors++,
          ),
        );
      }
      await Promise.all(writes);
      const sentRate = total / ((Date.now() - t0) / 1000);
      const deadline = Date.now() + 60_000;
      while (rx.arrivals.size < total - latencyErrors && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const lat = [...rx.arrivals.values()].map((a) => a.at - a.createdAt);
      return {
        figures: [
          atLeast('POST /time-entries with a webhook / without (outbox cost)', ratio, 0.9, {
            detail: `median req/s: with ${Math.round(median(hookedRps))}, without ${Math.round(median(plainRps))}; ${rounds} rounds × ${duration} s, ${connections} connections; events delivered meanwhile by the same process`,
          }),
          info('delivery latency p50 (commit → receipt)', Math.round(percentile(lat, 50)), {
            unit: 'ms',
            detail: `${lat.length} of ${total} events at ${r1(sentRate)} writes/s to a loopback receiver`,
          }),
          atMost('delivery latency p99 (commit → receipt)', Math.round(percentile(lat, 99)), 1000, { unit: 'ms' }),
          info('events delivered in the latency part', `${rx.arrivals.size} of ${total}`),
          info('backlog of the throughput rounds drained in', Math.round(backlogDrainMs / 1000), {
            unit: 's',
            detail: `${deliveredInThroughput} deliveries`,
          }),
          info('errors', errors + latencyErrors),
        ],
        raw: { hookedRps, plainRps, ratio, latencyMs: lat, sentRate, errors, latencyErrors, deliveredInThroughput, backlogDrainMs },
      };
    } finally {
      await svc.stop();
    }
  } finally {
    await rx.close();
    await db.drop();
    await server.stop();
  }
}
