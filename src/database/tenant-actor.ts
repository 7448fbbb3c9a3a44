import { RequestContext } from '../common/request-context.js';
import { TenantActorMismatchError } from './tenant-prisma.provider.js';

/** Marks the methods ChecksTenantActor wrapped (for the spec that every tenant service is wrapped). */
export const TENANT_ACTOR_CHECKED = Symbol('tenantActorChecked');

interface TenantActor {
  userId: string;
  clientId: string;
}

function isTenantActor(v: unknown): v is TenantActor {
  return (
    typeof v === 'object' && v !== null && typeof (v as TenantActor).clientId === 'string' && typeof (v as TenantActor).userId === 'string'
  );
}

/**
 * Throws TenantActorMismatchError when a tenant context is open for another
 * client than the actor's. Without a context nothing is decided here: the
 * repositories refuse to reach a tenant database then (TenantRequiredError).
 */
export function assertActorInContext(actor: { clientId: string }): void {
  const contextClientId = RequestContext.current()?.clientId;
  if (contextClientId !== undefined && contextClientId !== actor.clientId) {
    throw new TenantActorMismatchError(actor.clientId, contextClientId);
  }
}

/**
 * For services that act for an actor in its client's database: every method
 * whose first argument is an actor first asserts that the actor's client is
 * the context's tenant, so an actor carried into another tenant's context (a
 * job, a nested call) fails instead of reading or writing the wrong database.
 * A class decorator, so a method added later cannot forget the check.
 */
export function ChecksTenantActor(): ClassDecorator {
  return (target) => {
    const proto = (target as unknown as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (name === 'constructor' || typeof descriptor?.value !== 'function') continue;
      const method = descriptor.value as (...args: unknown[]) => unknown;
      const isAsync = method.constructor.name === 'AsyncFunction';
      const checked = {
        [name](this: unknown, ...args: unknown[]): unknown {
          if (isTenantActor(args[0])) {
            try {
              assertActorInContext(args[0]);
            } catch (err) {
              if (isAsync) return Promise.reject(err);
              throw err;
            }
          }
          return method.apply(this, args);
        },
      }[name];
      Object.defineProperty(checked, TENANT_ACTOR_CHECKED, { value: true });
      Object.defineProperty(proto, name, { ...descriptor, value: checked });
    }
  };
}
