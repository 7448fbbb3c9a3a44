import { Logger } from '@nestjs/common';
import { installFastScram } from './pg-scram.js';
import { installPlanCache } from './prisma-plan-cache.js';
import { pgPoolInternalsVerified, pgPoolVersion, VERIFIED_PG_POOL_VERSION } from './pg-pool-internals.js';

/**
 * Every change this service makes to a library's internals lives in this
 * folder, each kept only because a benchmark showed it pays (figures in each
 * file's header), each tied to the exact version it was verified against
 * (package.json pins those packages) and each with a test that fails when it
 * no longer applies (patches.spec.ts, test/integration/patches.int-spec.ts):
 *
 * - prisma-plan-cache.ts: reuses Prisma's query plans (~330 of ~530 µs of CPU a query);
 * - pg-scram.ts: cheap SCRAM logins for tenant connections;
 * - pg-pool-internals.ts: closes one chosen idle connection under the tenant connection budget.
 *
 * Installed once, explicitly, before the application is built: by the HTTP
 * entry (app.factory.ts) and the CLI (cli.ts).
 */
export interface PatchOptions {
  /** PRISMA_PLAN_CACHE_SIZE; 0 leaves Prisma's compiler as it is. */
  planCacheSize: number;
}

export interface PatchReport {
  planCache: boolean;
  fastScram: boolean;
  pgPoolInternals: boolean;
}

export function installPatches(options: PatchOptions): PatchReport {
  const report = {
    planCache: installPlanCache(options.planCacheSize),
    fastScram: installFastScram(),
    pgPoolInternals: pgPoolInternalsVerified(),
  };
  if (!report.pgPoolInternals) {
    new Logger('Patches').warn(
      `pg-pool ${pgPoolVersion()} is not the version whose internals were verified (${VERIFIED_PG_POOL_VERSION}): ` +
        'under the tenant connection budget no idle connection is closed early for a waiting tenant',
    );
  }
  return report;
}
