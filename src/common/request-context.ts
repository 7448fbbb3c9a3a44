import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Per-request state carried through async calls (AsyncLocalStorage). It is
 * how the TenantPrismaProvider finds the request's tenant connection without
 * request-scoped providers (which would bubble into every singleton that
 * depends on them, including those the CLI uses).
 */
export interface RequestContextStore {
  requestId: string;
  userId?: string;
  clientId?: string | null;
  impersonationSessionId?: string;
  /** Set by the TenantGuard: the tenant's Prisma client, leased for this request. */
  tenant?: unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's context store (the request log reads it when the response is finished). */
    requestContext?: RequestContextStore;
  }
}

const storage = new AsyncLocalStorage<RequestContextStore>();

export const RequestContext = {
  run<T>(store: RequestContextStore, fn: () => T): T {
    return storage.run(store, fn);
  },
  current(): RequestContextStore | undefined {
    return storage.getStore();
  },
  /**
   * Runs `fn` outside any request's context. For work that outlives the
   * request it starts in (closing or opening pools, caches of promises):
   * promises, timers and sockets keep the context they were created in, and a
   * long-lived one created inside a request keeps that request's store, and
   * with it the request's tenant client, reachable (bench/: memory).
   */
  detached<T>(fn: () => T): T {
    return storage.exit(fn);
  },
};
