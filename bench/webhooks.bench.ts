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
 * Webhooks: (1) the cost the transactional outbox adds to POST /time-entries:
 * req/s in a client with a webhook subscribed to time_entry.created (the
 * trigger writes the event and its delivery in the insert's transaction, the
 * signal goes to the main database) over req/s in a client without any
 * webhook, alternating rounds on one service that does not deliver (target
 * ≥ 0.9); then the same on a service that also delivers every event to a
 * loopback receiver meanwhile (reported). (2) Delivery latency at 100
 * events/s: from the event's createdAt (the transaction's start, just before
 * its commit) to its arrival at the receiver, p50 and p99.
 */
export async function runWebhooksBench(): Promise<BenchReport> {
  // Short back-to-back pairs: on a shared machine the load moves within seconds, so each pair's ratio is taken and their median reported.
  const rounds = envNumber('BENCH_PAIRS', 12);
  const duration = envNumber('BENCH_WEBHOOK_ROUND_SECONDS', 3);
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
    const call = async (svc: { url: string }, token: string, method: string, p: string, body?: unknown) => {
      const res = await fetch(`${svc.url}/api/v1${p}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${method} ${p}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };
    let counter = 0;
    /** Alternating rounds of POST /time-entries in the client with a webhook and the one without, on one service. */
    const compare = async (svc: { url: string }, target: { hooked: string; plain: string }) => {
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
      const ratios: number[] = [];
      let errors = 0;
      for (let i = 0; i < rounds; i++) {
        for (const which of i % 2 === 0 ? (['hooked', 'plain'] as const) : (['plain', 'hooked'] as const)) {
          const r = await run(which);
          errors += r.errors + r.non2xx;
          (which === 'hooked' ? hookedRps : plainRps).push(r.rps);
        }
        ratios.push(hookedRps[i] / plainRps[i]);
      }
      return { hookedRps, plainRps, ratios, errors, ratio: r3(median(ratios)) };
    };
    /** Waits until the receiver has seen nothing new for a second. */
    const drain = async () => {
      const start = Date.now();
      while (Date.now() - start < 180_000) {
        const before = rx.count();
        await new Promise((r) => setTimeout(r, 1000));
        if (rx.count() === before) break;
      }
      return Date.now() - start;
    };

    // Phase 1: the outbox alone (this instance records events, none delivers: WEBHOOKS_DISPATCH=false).
    const recorder = await startService({ DATABASE_URL: db.url, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOKS_DISPATCH: 'false' });
    let target: { hooked: string; plain: string };
    let outboxOnly: Awaited<ReturnType<typeof compare>>;
    try {
      await call(recorder, hooked.token, 'POST', '/webhooks', { url: rx.url, events: ['time_entry.created'] });
      const projectOf = async (t: { token: string }) =>
        ((await call(recorder, t.token, 'GET', '/projects')).data as { id: string }[])[0].id;
      target = { hooked: await projectOf(hooked), plain: await projectOf(plain) };
      outboxOnly = await compare(recorder, target);
    } finally {
      await recorder.stop();
    }

    // Phase 2: the same service delivering too (after it has delivered what phase 1 recorded).
    const svc = await startService({ DATABASE_URL: db.url, WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOKS_DISPATCH: 'true' });
    try {
      const backlogMs = await drain();
      const backlog = rx.count();
      const withDelivery = await compare(svc, target);
      await drain();
      const deliveredInThroughput = rx.count() - backlog;

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
      const detail = (c: Awaited<ReturnType<typeof compare>>) =>
        `median of ${rounds} back-to-back pairs (${duration} s each, ${connections} connections; pair ratios ${r3(Math.min(...c.ratios))}–${r3(Math.max(...c.ratios))}); median req/s: with ${Math.round(median(c.hookedRps))}, without ${Math.round(median(c.plainRps))}`;
      return {
        figures: [
          atLeast('POST /time-entries with a webhook / without: outbox (trigger + signal), delivery elsewhere', outboxOnly.ratio, 0.9, {
            detail: `${detail(outboxOnly)}; WEBHOOKS_DISPATCH=false on this instance`,
          }),
          info('POST /time-entries with a webhook / without: the same instance also delivering every event', withDelivery.ratio, {
            detail: `${detail(withDelivery)}; ${deliveredInThroughput} events delivered meanwhile to a loopback receiver`,
          }),
          info('delivery latency p50 (commit → receipt)', Math.round(percentile(lat, 50)), {
            unit: 'ms',
            detail: `${lat.length} of ${total} events at ${r1(sentRate)} writes/s to a loopback receiver`,
          }),
          atMost('delivery latency p99 (commit → receipt)', Math.round(percentile(lat, 99)), 1000, { unit: 'ms' }),
          info('events delivered in the latency part', `${rx.arrivals.size} of ${total}`),
          info('backlog of phase 1 delivered after start in', Math.round(backlogMs / 1000), {
            unit: 's',
            detail: `${backlog} events (includes 1 s of quiet)`,
          }),
          info('errors', outboxOnly.errors + withDelivery.errors + latencyErrors),
        ],
        raw: { outboxOnly, withDelivery, latencyMs: lat, sentRate, latencyErrors, backlog, backlogMs, deliveredInThroughput },
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
