import { EventEmitter } from 'node:events';
import type { ExecutionContext } from '@nestjs/common';
import { createApp } from '../../src/app.factory.js';
import { RequestContext } from '../../src/common/request-context.js';
import { TenantPrismaProvider } from '../../src/database/tenant-prisma.provider.js';
import { TenantGuard } from '../../src/modules/auth/guards/tenant.guard.js';
import { SingletonBenchController, TenantBenchController } from '../../src/modules/bench/bench.controller.js';
import { median } from './harness.js';
import { benchConfig, BenchTenant } from './setup.js';

export interface TenantPathCost {
  /** CPU µs per call: TenantGuard on a route that is not tenant-scoped (it only reads the route's metadata). */
  notScopedMicros: number;
  /** … on the tenant-scoped bench route: registry lookup, lease, context, the provider's read, release. */
  scopedMicros: number;
  /** Calls measured per route, over all rounds. */
  calls: number;
}

/**
 * What the tenancy path itself costs per request, in-process: the TenantGuard
 * of the service (its registry, connection manager and provider, as wired by
 * the app) called with the bench routes' metadata inside a request context,
 * the lease released as a finished response does, alternating with the same
 * guard on the singleton route (which is not tenant-scoped). Throughput
 * ratios cannot resolve a few µs on a shared machine; CPU per call over
 * 50,000 calls can. No HTTP and no query: those are the same on both routes.
 */
export async function measureTenantPathCost(
  databaseUrl: string,
  tenant: BenchTenant,
  rounds = 10,
  calls = 50_000,
): Promise<TenantPathCost> {
  const app = await createApp(benchConfig(databaseUrl, { BENCH_ROUTES: 'true' }), { migrate: false, logger: false });
  await app.init();
  try {
    const guard = app.get(TenantGuard);
    const provider = app.get(TenantPrismaProvider);
    const call = async (cls: object, handler: object, scoped: boolean) => {
      // A GET, as both bench routes are: the guard's maintenance check looks at writes only.
      const req = { method: 'GET', auth: { user: { clientId: tenant.clientId } } };
      const res = { raw: new EventEmitter() };
      const ctx = {
        getHandler: () => handler,
        getClass: () => cls,
        switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
      } as unknown as ExecutionContext;
      await RequestContext.run({ requestId: 'bench' }, async () => {
        if (!(await guard.canActivate(ctx))) throw new Error('refused');
        if (scoped) void provider.client;
      });
      res.raw.emit('close');
    };
    const cpuPerCall = async (cls: object, handler: object, scoped: boolean) => {
      const c0 = process.cpuUsage();
      for (let i = 0; i < calls; i++) await call(cls, handler, scoped);
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / calls;
    };
    // The handlers are only metadata keys here.
    const notScoped = () => cpuPerCall(SingletonBenchController, SingletonBenchController.prototype.singletonRead, false);
    const scoped = () => cpuPerCall(TenantBenchController, TenantBenchController.prototype.tenantRead, true);
    await notScoped();
    await scoped();
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2) b.push(await scoped());
      a.push(await notScoped());
      if (r % 2 === 0) b.push(await scoped());
    }
    const r2 = (x: number) => Math.round(x * 100) / 100;
    return { notScopedMicros: r2(median(a)), scopedMicros: r2(median(b)), calls: calls * rounds };
  } finally {
    await app.close();
  }
}
