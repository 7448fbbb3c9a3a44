import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ClientMaintenanceError,
  ClientSuspendedError,
  NotFoundError,
  TenantRequiredError,
  UnauthenticatedError,
} from '../../../common/errors.js';
import { RequestContext } from '../../../common/request-context.js';
import { TenantContextService } from '../../../database/tenant-context.service.js';
import { SERVING_STATUSES, TenantRegistryService } from '../../../database/tenant-registry.service.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
import { TENANT_SCOPED } from '../auth.constants.js';

/**
 * Step 2: a client in maintenance takes no writes; on tenant-scoped routes,
 * the verified token's `clientId` selects the tenant; the client must be
 * active (or in maintenance, for reads). The request runs as one
 * `withTenant` call: the tenant's connection is leased until the response
 * ends (never evicted meanwhile), and the request's own context gets the
 * tenant, since Nest runs the handler in that context, not inside the call.
 * Platform admins (no clientId) are refused: they reach client data only by
 * impersonation.
 */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: TenantRegistryService,
    private readonly tenants: TenantContextService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scoped = this.reflector.getAllAndOverride<boolean>(TENANT_SCOPED, [context.getHandler(), context.getClass()]);
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    await this.refuseWritesInMaintenance(req);
    if (!scoped) return true;
    const clientId = req.auth?.user.clientId;
    if (!req.auth) throw new UnauthenticatedError();
    if (!clientId) throw new TenantRequiredError();
    const client = await this.registry.get(clientId);
    if (!client || client.status === 'deleted') throw new NotFoundError('Client');
    if (!SERVING_STATUSES.includes(client.status)) throw new ClientSuspendedError();
    const store = RequestContext.current();
    if (!store) throw new Error('Request context missing');
    const res = context.switchToHttp().getResponse<FastifyReply>();
    // The Node.js response emits 'close' once it was sent, or when the client went away first.
    const responseClosed = new Promise<void>((resolve) => res.raw.once('close', resolve));
    await new Promise<void>((entered, refused) => {
      this.tenants
        .withTenant(clientId, (tenant) => {
          store.tenant = tenant;
          store.clientId = clientId;
          entered();
          return responseClosed;
        })
        .catch(refused);
    });
    return true;
  }

  /**
   * A client in maintenance is read-only for its users on every route, tenant-scoped or not (a move
   * or restore is copying its data): anything but a read is 503 CLIENT_MAINTENANCE with Retry-After.
   */
  private async refuseWritesInMaintenance(req: FastifyRequest): Promise<void> {
    const clientId = req.auth?.user.clientId;
    if (!clientId || READ_METHODS.has(req.method)) return;
    if ((await this.registry.get(clientId))?.status === 'maintenance') throw new ClientMaintenanceError();
  }
}
