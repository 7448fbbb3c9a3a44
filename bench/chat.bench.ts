import { benchServer, freshMainDatabase, median, percentile, startService } from './lib/harness.js';
import { seedTenants, withTenantDatabase } from './lib/setup.js';
import { BenchReport, envNumber, info, r1, r3 } from './lib/figures.js';
import { NLU_CASES, SAMPLE_CASES, SAMPLE_PROJECTS } from '../src/modules/chat/nlu/cases.js';
import { HELDOUT_CASES, scoreHeldout } from './chat-heldout.js';

/**
 * Chat:
 * - time to answer a message: POST /conversations/:id/messages, one at a
 *   time (latency, not throughput), BENCH_CHAT_MESSAGES (default 200)
 *   phrasings from src/modules/chat/nlu/cases.ts (the sample scenarios and
 *   every 5th table case: logging, timers, reports, status, small talk), by a
 *   member of the sample projects; median and p95, and the median against
 *   the bench tenant read sent the same way in the same run;
 * - the built-in parser's share understood on bench/chat-heldout.ts.
 * The built-in parser only (no LLM_BASE_URL).
 */
export async function runChatBench(): Promise<BenchReport> {
  const n = envNumber('BENCH_CHAT_MESSAGES', 200);
  const server = await benchServer();
  const db = await freshMainDatabase(server.adminUrl, 'chat');
  try {
    const [tenant] = await seedTenants(db.url, 1, 0);
    await withTenantDatabase(server.adminUrl, db.url, tenant.clientId, async (c) => {
      for (const name of SAMPLE_PROJECTS) {
        const p = await c.query<{ id: string }>('INSERT INTO projects (id, name) VALUES (gen_random_uuid(), $1) RETURNING id', [name]);
        await c.query('INSERT INTO project_members (project_id, user_id) VALUES ($1, $2)', [p.rows[0].id, tenant.userId]);
      }
    });
    const svc = await startService({ DATABASE_URL: db.url, BENCH_ROUTES: 'true' });
    try {
      const headers = { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' };
      const conv = await fetch(`${svc.url}/api/v1/conversations`, { method: 'POST', headers, body: JSON.stringify({ title: 'bench' }) });
      if (conv.status !== 201) throw new Error(`POST /conversations answered ${conv.status}`);
      const { id } = (await conv.json()) as { id: string };
      const phrasings = [...SAMPLE_CASES, ...NLU_CASES.filter((_, i) => i % 5 === 0)].map((c) => c.say).filter((s) => s.trim().length > 0);
      const timed = async (fn: () => Promise<Response>, expect: number): Promise<number> => {
        const t0 = performance.now();
        const res = await fn();
        await res.arrayBuffer();
        const ms = performance.now() - t0;
        if (res.status !== expect) throw new Error(`answered ${res.status}, expected ${expect}`);
        return ms;
      };
      const post = (content: string) => () =>
        fetch(`${svc.url}/api/v1/conversations/${id}/messages`, { method: 'POST', headers, body: JSON.stringify({ content }) });
      const read = () => fetch(`${svc.url}/api/v1/bench/tenant-read`, { headers });
      // Warm-up, then messages and reads interleaved so both see the same machine.
      for (let i = 0; i < 20; i++) {
        await timed(post(phrasings[i % phrasings.length]), 201);
        await timed(read, 200);
      }
      const answer: number[] = [];
      const baseline: number[] = [];
      for (let i = 0; i < n; i++) {
        answer.push(await timed(post(phrasings[i % phrasings.length]), 201));
        baseline.push(await timed(read, 200));
      }
      const heldout = scoreHeldout();
      return {
        figures: [
          info('chat: median time to answer a message', r1(median(answer)), {
            unit: 'ms',
            detail: `p95 ${r1(percentile(answer, 95))} ms, n ${n}, ${phrasings.length} distinct phrasings, one at a time`,
          }),
          info('chat: median answer time / median bench tenant read time', r3(median(answer) / median(baseline)), {
            detail: `tenant read median ${r1(median(baseline))} ms, sent the same way`,
          }),
          info(`chat: built-in parser, held-out phrasings understood (intent + project)`, heldout.share, {
            detail: `${heldout.exact} of ${heldout.cases} exact; with amount and day too: ${heldout.amountsExact} of ${heldout.amountsChecked} log_time cases`,
          }),
        ],
        raw: {
          answerMs: { median: r1(median(answer)), p95: r1(percentile(answer, 95)), n },
          baselineMs: { median: r1(median(baseline)), p95: r1(percentile(baseline, 95)) },
          heldout: { ...heldout, total: HELDOUT_CASES.length },
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
  runChatBench()
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
