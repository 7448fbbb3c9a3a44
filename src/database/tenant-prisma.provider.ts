import { Injectable } from '@nestjs/common';
import { RequestContext } from '../common/request-context.js';
import { TenantRequiredError } from '../common/errors.js';
import type { TenantPrisma } from './tenant-connection-manager.js';

/**
 * The request's tenant database, for tenant-scoped services over HTTP.
 *
 * A singleton reading the request's context (AsyncLocalStorage) rather than a
 * `Scope.REQUEST` provider: request scope would make every provider that
 * depends on it request-scoped too (including those the CLI uses) and costs a
 * DI sub-tree per request; measured in bench/ (tenancy overhead). The
 * TenantGuard leases the connection and puts it in the context; code outside
 * a request (CLI, jobs, tests) uses TenantConnectionManager.forClient().
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
}
