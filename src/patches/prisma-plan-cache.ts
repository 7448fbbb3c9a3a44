import { Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { QueryCompiler } from '@prisma/client/runtime/query_compiler_bg.postgresql.mjs';
import { prismaVersion } from '../generated/prisma-client/internal/prismaNamespace.js';

/**
 * Remembers Prisma's query plans. Prisma 6's engine-free client compiles every
 * query (its JSON protocol form) into a plan with a WebAssembly compiler before
 * running it, and never reuses one: ~330 of the ~530 µs of CPU a
 * `findMany` costs (bench/, framework efficiency; Prisma 7 adds a plan cache,
 * but its CLI cannot run here, README "Prisma scripts"). A plan is a pure function of the
 * compiler (one per client: schema, provider) and the query text, values
 * included; defaults such as `uuid()` and `now()` are calls the plan makes
 * when it runs, not values in it. So the same query text on the same client
 * can run the same plan.
 *
 * Bounded and scan-resistant: a query text is only remembered as seen the
 * first time, and its plan is kept from the second time on, so one-off
 * queries (an insert with its values) do not push out the plans of the
 * queries that repeat (a list, a lookup). Plans are frozen deeply when kept:
 * they are shared by concurrent queries, and a write to one would throw
 * instead of corrupting the next query. The remembered query texts hold their
 * values (ids, hashed tokens, encrypted secrets, as the queries carry them)
 * in this process's memory only, as the query itself did; they are never
 * logged or answered (the stats are counts).
 *
 * It wraps `QueryCompiler.prototype.compile` of the exact Prisma version it
 * was verified against (pinned in package.json); with any other version it
 * stays off and says so. Installed at start-up (src/patches/index.ts); a test
 * fails when it no longer applies (test/integration/prisma-plan-cache.int-spec.ts).
 */

/** The Prisma version whose compiler this was verified against (package.json pins it). */
const VERIFIED_PRISMA_VERSION = '6.19.3';

/** Queries longer than this are not remembered (large writes rarely repeat). */
const MAX_QUERY_CHARS = 8_192;
/** Memory bounds (estimates, see sizeCalculation below). */
const PLAN_BYTES = 32 * 1024 * 1024;
const SEEN_BYTES = 16 * 1024 * 1024;

export interface PlanCacheStats {
  enabled: boolean;
  plans: number;
  hits: number;
  misses: number;
}

type Compile = (this: object, query: string) => unknown;

let installed: {
  original: Compile;
  plans: LRUCache<string, object>;
  seen: LRUCache<string, true>;
  compilerIds: WeakMap<object, number>;
  nextId: number;
  hits: number;
  misses: number;
} | null = null;

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/**
 * Installs the cache process-wide (every Prisma client of the process shares
 * it, each compiler with its own keys). Idempotent: the first size given wins.
 * `maxPlans` 0 leaves Prisma as it is.
 */
export function installPlanCache(maxPlans: number): boolean {
  if (installed) return true;
  if (maxPlans <= 0) return false;
  const proto = (QueryCompiler as unknown as { prototype: { compile?: Compile } }).prototype;
  if (prismaVersion.client !== VERIFIED_PRISMA_VERSION || typeof proto.compile !== 'function') {
    new Logger('PrismaPlanCache').warn(
      `Prisma ${prismaVersion.client} is not the version the plan cache was verified against (${VERIFIED_PRISMA_VERSION}): plans are not cached`,
    );
    return false;
  }
  const state = {
    original: proto.compile,
    // Bounded in count and in size: a kept plan of a simple list query took ~5.5 kB of heap with its key
    // (measured: 2,000 plans, heap after GC), more for longer queries; a remembered text its own
    // length (two bytes a character at most).
    plans: new LRUCache<string, object>({ max: maxPlans, maxSize: PLAN_BYTES, sizeCalculation: (_, key) => 4096 + key.length * 8 }),
    seen: new LRUCache<string, true>({ max: maxPlans * 4, maxSize: SEEN_BYTES, sizeCalculation: (_, key) => key.length * 2 }),
    compilerIds: new WeakMap<object, number>(),
    nextId: 1,
    hits: 0,
    misses: 0,
  };
  installed = state;
  proto.compile = function compile(this: object, query: string): unknown {
    if (query.length > MAX_QUERY_CHARS) return state.original.call(this, query);
    let id = state.compilerIds.get(this);
    if (id === undefined) state.compilerIds.set(this, (id = state.nextId++));
    const key = `${id}\u0000${query}`;
    const cached = state.plans.get(key);
    if (cached !== undefined) {
      state.hits++;
      return cached;
    }
    state.misses++;
    const plan = state.original.call(this, query);
    if (plan === null || typeof plan !== 'object') return plan;
    if (state.seen.has(key)) {
      deepFreeze(plan);
      state.plans.set(key, plan);
      state.seen.delete(key);
    } else {
      state.seen.set(key, true);
    }
    return plan;
  };
  return true;
}

export function planCacheStats(): PlanCacheStats {
  return {
    enabled: installed !== null,
    plans: installed?.plans.size ?? 0,
    hits: installed?.hits ?? 0,
    misses: installed?.misses ?? 0,
  };
}

/** Restores Prisma's own compile (tests). */
export function uninstallPlanCache(): void {
  if (!installed) return;
  (QueryCompiler as unknown as { prototype: { compile: Compile } }).prototype.compile = installed.original;
  installed = null;
}
