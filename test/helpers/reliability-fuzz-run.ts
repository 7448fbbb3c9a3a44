import { randomUUID } from 'node:crypto';
/**
 * Runs the OpenAPI-driven fuzzing against a listening test app: a batch of
 * malformed requests (every one refused, nothing changed: the databases'
 * fingerprint is compared before and after), then a batch of hostile but
 * well-formed ones (never a 5xx). Shared by the fast e2e spec and the long
 * reliability spec, which differ only in counts.
 */
import fc from 'fast-check';
import pLimit from 'p-limit';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import type { TestApp } from './test-app.js';
import { collectionOfParam, fingerprint, Fingerprint, operationsOf, Operation, RawHttp } from './reliability.js';
import { describeCase, FuzzCase, FuzzContext, fuzzProblem, malformedCase, nastyCase } from './reliability-fuzz.js';
import { buildTenant, Caller, openApi, platformAdmin, WorldTenant } from './reliability-world.js';

export interface FuzzReport {
  operations: number;
  malformedSent: number;
  nastySent: number;
  fiveXx: number;
  byStatus: Record<string, number>;
  byKind: Record<string, number>;
  failures: string[];
  before: Fingerprint;
  after: Fingerprint;
  seed: number;
}

/** Operations whose success would end the caller's own session or credentials: kept out of the accepted batch. */
const SELF_DESTRUCTIVE = new Set([
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/logout-all',
  'POST /api/v1/auth/password',
  'POST /api/v1/auth/2fa/setup',
  'POST /api/v1/auth/2fa/enable',
  'POST /api/v1/auth/2fa/disable',
]);

function context(tenant: WorldTenant, platform: Caller, clientIdForClientsRoutes: string): FuzzContext {
  return {
    tokenFor: (op: Operation) => (/^\/api\/v1\/(clients|jobs)\b/.test(op.path) ? platform.token : tenant.admin.token),
    pathValue: (op: Operation, param: string) => {
      const collection = collectionOfParam(op.path, param);
      if (collection === 'clients') return clientIdForClientsRoutes;
      const id = tenant.ids[collection];
      if (!id) throw new Error(`No real id for {${param}} of ${op.key} (collection "${collection}")`);
      return id;
    },
    idsForField: (field: string) => {
      if (/^(projectId)$/.test(field)) return [tenant.ids.projects];
      if (/^(taskId)$/.test(field)) return [tenant.ids.tasks];
      if (/^(userId|assigneeId|targetUserId|impersonatorId)$/.test(field)) return [tenant.ids.users];
      if (/^roleIds$/.test(field)) return [tenant.ids.roles];
      return [];
    },
  };
}

export async function runFuzz(
  t: TestApp,
  http: RawHttp,
  opts: { malformed: number; nasty: number; seed?: number; concurrency?: number },
): Promise<FuzzReport> {
  const seed = opts.seed ?? Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
  const doc = await openApi(http);
  const ops = operationsOf(doc);
  const platform = await platformAdmin(t);
  const a = await buildTenant(t, http, 'FuzzA');
  const b = await buildTenant(t, http, 'FuzzB');
  const main = t.get(MainPrismaService);
  // Routes on /clients/{id} in the accepted batch act on a throwaway client, so B stays active.
  const spare = await buildTenant(t, http, 'FuzzSpare');
  // Operations routes: a queued backup job of the spare client (no job worker runs in tests) is a real
  // /jobs/{id}; no backup file exists then, so backup ids are unknown ones (answered 404).
  const job = (await http.json('POST', `/api/v1/clients/${spare.clientId}/backups`, platform.token, {})).body as { job?: { id: string } };
  if (!job.job) throw new Error('fuzz setup: could not queue a backup job');
  for (const w of [a, b]) Object.assign(w.ids, { jobs: job.job.id, backups: randomUUID() });
  const report: FuzzReport = {
    operations: ops.length,
    malformedSent: 0,
    nastySent: 0,
    fiveXx: 0,
    byStatus: {},
    byKind: {},
    failures: [],
    before: {},
    after: {},
    seed,
  };
  const limit = pLimit(opts.concurrency ?? 6);

  const send = async (c: FuzzCase): Promise<boolean> => {
    const res = await http.send({ ...c.req, timeoutMs: 20_000 });
    report.byStatus[res.status] = (report.byStatus[res.status] ?? 0) + 1;
    report.byKind[c.kind.replace(/ \(.*\)$/, '')] = (report.byKind[c.kind.replace(/ \(.*\)$/, '')] ?? 0) + 1;
    if (res.status >= 500) report.fiveXx++;
    const problem = fuzzProblem(c, res);
    if (problem) throw new Error(`${problem}\n  request: ${describeCase(c)}`);
    return true;
  };

  const databases = [t.db.name, a.databaseName, b.databaseName];
  const main0 = await main.client.count();
  report.before = await fingerprint(t.db.adminUrl, databases);

  // Batch 1: malformed requests, spread evenly over the operations.
  const perOp = Math.ceil(opts.malformed / ops.length);
  const ctxA = context(a, platform, a.clientId);
  await Promise.all(
    ops.map((op, i) =>
      limit(async () => {
        const r = await fc.check(
          fc.asyncProperty(malformedCase(op, ctxA), async (c) => {
            report.malformedSent++;
            return send(c);
          }),
          { numRuns: perOp, seed: seed + i, endOnFailure: true },
        );
        if (r.failed) report.failures.push(`${op.key} (seed ${seed + i}): ${(r.errorInstance as Error | undefined)?.message ?? 'failed'}`);
      }),
    ),
  );
  report.after = await fingerprint(t.db.adminUrl, databases);
  if ((await main.client.count()) !== main0) report.failures.push('the number of clients changed during the malformed batch');

  // Batch 2: hostile but well-formed requests on tenant B.
  const ctxB = context(b, platform, spare.clientId);
  const nastyOps = ops.filter((op) => !SELF_DESTRUCTIVE.has(op.key));
  const perNasty = Math.ceil(opts.nasty / nastyOps.length);
  await Promise.all(
    nastyOps.map((op, i) =>
      limit(async () => {
        const r = await fc.check(
          fc.asyncProperty(nastyCase(op, ctxB), async (c) => {
            report.nastySent++;
            return send(c);
          }),
          { numRuns: perNasty, seed: seed + 1000 + i, endOnFailure: true },
        );
        if (r.failed)
          report.failures.push(`${op.key} (seed ${seed + 1000 + i}): ${(r.errorInstance as Error | undefined)?.message ?? 'failed'}`);
      }),
    ),
  );
  return report;
}

/** The tables whose fingerprint differs. */
export function fingerprintDiff(before: Fingerprint, after: Fingerprint): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`);
}
