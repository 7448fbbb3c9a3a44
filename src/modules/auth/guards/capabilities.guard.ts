import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { MissingCapabilityError, UnauthenticatedError } from '../../../common/errors.js';
import { REQUIRED_CAPABILITIES } from '../auth.constants.js';
import type { Capability } from '../../identity/index.js';

/** Step 4: the caller holds every capability the route requires (fails closed). */
@Injectable()
export class CapabilitiesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const required = this.reflector.getAllAndMerge<Capability[]>(REQUIRED_CAPABILITIES, [context.getClass(), context.getHandler()]) ?? [];
    const auth = context.switchToHttp().getRequest<FastifyRequest>().auth;
    if (!auth) throw new UnauthenticatedError();
    const missing = required.filter((c) => !auth.user.capabilities.has(c));
    if (missing.length > 0) throw new MissingCapabilityError(...missing);
    return true;
  }
}
