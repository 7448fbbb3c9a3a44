import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError, TenantDatabaseUnavailableError } from '../common/errors.js';
import { isDatabaseUnavailable } from '../common/prisma-errors.js';
import { RequestContext, type RequestContextStore } from '../common/request-context.js';
import type { TenantDb } from './tenant-client.js';
import { TenantConnectionManager } from './tenant-connection-manager.js';

/**
 * Thrown when code already running for one tenant asks for another: a
 * programming error (one unit of work serves one tenant), answered as a 500.
 * Run the other tenant's work outside this call, or detach it explicitly
 * (`RequestContext.detached`).
 */
export class TenantContextConflictError extends Error {
  constructor(current: string, requested: string) {
    super(`Already running for client ${current}; withTenant(${requested}) is refused inside it`);
    this.name = 'TenantContextConflictError';
  }
}

/**
 * The tenant boundary: the one way code reaches a tenant database.
 *
 * `withTenant(clientId, fn)` leases the tenant's connection for the whole
 * call (eviction waits until `fn`'s promise settles), runs `fn` in a context
 * whose tenant is that client, so the request-scoped `TenantPrismaProvider`
 * and everything below it work inside `fn`, and hands `fn` the database.
 * HTTP (the TenantGuard, for the length of the request), the CLI, jobs, the
 * chat and tests all come in here (twenty's `executeInWorkspaceContext`).
 *
 * It refuses an unknown or deleted client (404 NOT_FOUND "Client not found")
 * and nesting with another client (TenantContextConflictError); the same
 * client may nest. When `fn` fails because a database is unreachable and the
 * tenant's database does not answer either, the error is
 * TenantDatabaseUnavailableError (503 TENANT_DATABASE_UNAVAILABLE). Whether
 * the client is active is the caller's decision (the guard refuses suspended
 * clients; operators' commands may reach them).
 */
@Injectable()
export class TenantContextService {
  constructor(private readonly connections: TenantConnectionManager) {}

  async withTenant<T>(clientId: string, fn: (tenant: TenantDb) => Promise<T>): Promise<T> {
    const outer = RequestContext.current();
    if (outer?.tenant && outer.clientId && outer.clientId !== clientId) throw new TenantContextConflictError(outer.clientId, clientId);
    const lease = await this.connections.acquire(clientId);
    const tenant = lease.prisma;
    // A child of the caller's context (request id, user, impersonation kept for logs), never the caller's own object.
    const store: RequestContextStore = { ...(outer ?? { requestId: `tenant-${randomUUID()}` }), clientId, tenant };
    try {
      return await RequestContext.run(store, () => fn(tenant));
    } catch (err) {
      throw await unavailableOr(err, tenant);
    } finally {
      lease.release();
    }
  }

  /** The client whose tenant context this code runs in, or null outside one. */
  currentClientId(): string | null {
    const store = RequestContext.current();
    return store?.tenant && store.clientId ? store.clientId : null;
  }
}

/** A "database unreachable" error while the tenant's database does not answer a probe is the tenant's outage. */
async function unavailableOr(err: unknown, tenant: TenantDb): Promise<unknown> {
  if (err instanceof DomainError || !isDatabaseUnavailable(err)) return err;
  const tenantUp = await tenant.$queryRawUnsafe('SELECT 1').then(
    () => true,
    () => false,
  );
  if (tenantUp) return err;
  const mapped = new TenantDatabaseUnavailableError();
  mapped.cause = err;
  return mapped;
}
