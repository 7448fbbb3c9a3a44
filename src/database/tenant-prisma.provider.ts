import { Injectable } from '@nestjs/common';
import { RequestContext } from '../common/request-context.js';
import { TenantRequiredError } from '../common/errors.js';
import type { TenantPrisma } from './tenant-client.js';

/**
 * Thrown when an actor of one client meets the tenant context of another:
 * "which tenant" has two answers, and serving either would cross tenants.
 * A programming error, answered as a 500.
 */
export class TenantActorMismatchError extends Error {
  constructor(actorClientId: string, contextClientId: string | null) {
    super(`The actor belongs to client ${actorClientId} but the tenant context is ${contextClientId ?? 'none'}`);
    this.name = 'TenantActorMismatchError';
  }
}

/**
 * The current tenant database, for tenant-scoped services: a thin shim over
 * the context that `TenantContextService.withTenant` sets (the TenantGuard
 * calls it for HTTP requests; the CLI, jobs and tests call it directly).
 *
 * A singleton reading the context (AsyncLocalStorage) rather than a
 * `Scope.REQUEST` provider: request scope would make every provider that
 * depends on it request-scoped too (including those the CLI uses) and costs a
 * DI sub-tree per request; measured in bench/ (tenancy overhead).
 */
@Injectable()
export class TenantPrismaProvider {
  get client(): TenantPrisma {
    const tenant = RequestContext.current()?.tenant as TenantPrisma | undefined;
    if (!tenant) throw new TenantRequiredError();
    return tenant;
  }

  get clientId(): string {
    const id = RequestContext.current()?.clientId;
    if (!id) throw new TenantRequiredError();
    return id;
  }

  /**
   * The tenant database for `actor`, after asserting that the actor's client
   * is the context's tenant: an actor carried into another tenant's context
   * (a job, the chat, a nested call) must fail rather than read or write the
   * wrong database.
   */
  forActor(actor: { clientId: string }): TenantPrisma {
    const store = RequestContext.current();
    const tenant = store?.tenant as TenantPrisma | undefined;
    if (!tenant) throw new TenantRequiredError();
    if (store?.clientId !== actor.clientId) throw new TenantActorMismatchError(actor.clientId, store?.clientId ?? null);
    return tenant;
  }

  /** Asserts that `actor`'s client is the context's tenant (see `forActor`). */
  assertActor(actor: { clientId: string }): void {
    this.forActor(actor);
  }
}
