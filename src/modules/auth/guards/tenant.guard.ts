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
import { TenantConnectionManager } from '../../../database/tenant-connection-manager.js';
import { SERVING_STATUSES, TenantRegistryService } from '../../../database/tenant-registry.service.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
import { TENANT_SCOPED } from '../auth.constants.js';

/**
 * Step 2: a client in maintenance takes no writes; on tenant-scoped routes,
 * the verified token's `clientId` selects the tenant; the client must be
 * active (or in maintenance, for reads). The tenant's connection is leased
 * for the request (never evicted meanwhile) and released when the response
 * ends. Platform admins (no clientId) are refused: they reach client data
 * only by impersonation.
 */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly registry: TenantRegistryService,
    private readonly connections: TenantConnectionManager,
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
    const lease = await this.connections.acquire(clientId);
    const res = context.switchToHttp().getResponse<FastifyReply>();
    // The Node.js response emits 'close' once it was sent, or when the client went away first.
    res.raw.once('close', lease.release);
    const store = RequestContext.current();
    if (!store) {
      lease.release();
      throw new Error('Request context missing');
    }
    store.tenant = lease.prisma;
    store.clientId = clientId;
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
