import { randomBytes } from 'node:crypto';
import { benchServer, freshMainDatabase, startService } from './lib/harness.js';
import { seedTenants } from './lib/setup.js';
import { atMost, BenchReport, envNumber, info, r1 } from './lib/figures.js';

/**
 * Abuse resistance at the service's default limits, against the built
 * service on loopback (as an attacker on one address would see it):
 * - signups from one address with 8 connections for BENCH_ABUSE_SECONDS
 *   (default 15): how many were accepted (SIGNUP_IP_LIMIT: 5 per hour);
 * - writes (POST /conversations) by one user with 8 connections for the
 *   same time: how many were accepted (WRITE_RATE_LIMIT: 300 per minute), and
 *   how fast the refusals come (a refused write must stay cheap).
 */
export async function runAbuseBench(): Promise<BenchReport> {
  const seconds = envNumber('BENCH_ABUSE_SECONDS', 15);
  const connections = 8;
  const server = await benchServer();
  const db = await freshMainDatabase(server.adminUrl, 'abuse');
  try {
    const [tenant] = await seedTenants(db.url, 1, 0);
    const svc = await startService({
      DATABASE_URL: db.url,
      SIGNUP_IP_LIMIT: '5',
      SIGNUP_GLOBAL_LIMIT: '100',
      WRITE_RATE_LIMIT: '300',
      CLIENT_WRITE_RATE_LIMIT: '3000',
    });
    try {
      const signups = await hammer(seconds, connections, () =>
        fetch(`${svc.url}/api/v1/auth/signup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            companyName: `Flood ${randomBytes(4).toString('hex')}`,
            name: 'F',
            email: `flood-${randomBytes(6).toString('hex')}@bench.test`,
            password: 'correct horse battery staple',
          }),
        }),
      );
      const writes = await hammer(seconds, connections, () =>
        fetch(`${svc.url}/api/v1/conversations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tenant.token}` },
          body: '{}',
        }),
      );
      const perMinute = (n: number) => r1((n * 60) / seconds);
      return {
        figures: [
          atMost(`signups accepted from one address in ${seconds} s`, signups.byStatus[201] ?? 0, 5, {
            detail: `${signups.total} attempts: ${JSON.stringify(signups.byStatus)}; before the limits (issue #19's reproduction): 350 accepted in 61 s`,
          }),
          atMost(`writes accepted from one user in ${seconds} s`, writes.byStatus[201] ?? 0, 300, {
            detail: `${writes.total} attempts (${perMinute(writes.total)}/min): ${JSON.stringify(writes.byStatus)}; before the limits (issue #19's reproduction): 6,442 conversations in 15 s`,
          }),
          info('refused writes answered per second', r1((writes.byStatus[429] ?? 0) / seconds), { unit: 'req/s' }),
          info('p99 of a refused write', writes.p99ByStatus[429] ?? 0, { unit: 'ms' }),
        ],
        raw: { seconds, connections, signups, writes },
      };
    } finally {
      await svc.stop();
    }
  } finally {
    await db.drop();
    await server.stop();
  }
}

interface Hammered {
  total: number;
  byStatus: Record<number, number>;
  p99ByStatus: Record<number, number>;
}

/** `connections` loops sending `send()` back to back for `seconds`. */
async function hammer(seconds: number, connections: number, send: () => Promise<Response>): Promise<Hammered> {
  const until = Date.now() + seconds * 1000;
  const times = new Map<number, number[]>();
  let total = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < until) {
        const started = performance.now();
        const res = await send();
        await res.arrayBuffer();
        total++;
        const list = times.get(res.status) ?? [];
        list.push(performance.now() - started);
        times.set(res.status, list);
      }
    }),
  );
  const byStatus: Record<number, number> = {};
  const p99ByStatus: Record<number, number> = {};
  for (const [status, list] of times) {
    byStatus[status] = list.length;
    list.sort((a, b) => a - b);
    p99ByStatus[status] = r1(list[Math.min(list.length - 1, Math.floor(list.length * 0.99))]);
  }
  return { total, byStatus, p99ByStatus };
}
