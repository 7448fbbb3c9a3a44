import type { Capability } from '../identity/index.js';

/**
 * Who may impersonate whom: a pure function so every rule is unit-tested
 * on its own, and the service only gathers facts and maps the refusal to an
 * HTTP error.
 *
 * Rules, checked in this order (the first that fails decides):
 *  1. `NESTED`: a request made with an impersonation token cannot start another.
 *  2. `FORBIDDEN`: the impersonator must hold `impersonation:start` (the guard
 *     already checks it; repeated here so the policy fails closed on its own).
 *  3. `NOT_FOUND`: unknown user; for a client impersonator also a user of another
 *     client or a platform user (never reveal existence across tenants).
 *  4. `SELF`: nobody impersonates themself.
 *  5. `NOT_ALLOWED`: a platform admin may impersonate any client user but never a
 *     platform admin nor any other platform user (impersonation exists to see
 *     a client's data as one of its users; the session belongs to a client). A
 *     platform user who is not a platform admin may impersonate nobody (fail
 *     closed: the contract grants the right to platform admins only).
 *  6. `CLIENT_SUSPENDED` / `NOT_FOUND`: the target's client must be active (a
 *     token for a suspended client could not be used anyway); a deleted one is
 *     not found.
 *  7. `TARGET_INACTIVE`: the target must be active.
 *  8. `NOT_ALLOWED`: a client impersonator may only impersonate users holding no
 *     capability the impersonator lacks (no escalation by impersonation).
 *  9. `WRITES_NOT_ALLOWED`: with `allowWrites`, every write capability the target
 *     holds must be held by the impersonator too. This applies to platform admins
 *     as well, on their actual capability set (the platform-admin system role
 *     holds every capability, so in practice it passes; it stops being true only
 *     if that role's data is changed). For client impersonators rule 8 already
 *     implies it; it stays as an independent rule.
 */

/** Keys containing a `read` segment are read capabilities; anything else (including future keys) counts as a write (fail closed). */
export function isWriteCapability(capability: string): boolean {
  return !capability.split(':').includes('read');
}

export interface ImpersonatorFacts {
  id: string;
  clientId: string | null;
  isPlatformAdmin: boolean;
  capabilities: ReadonlySet<Capability>;
  /** The request itself was made with an impersonation token. */
  impersonating: boolean;
}

export interface TargetFacts {
  id: string;
  clientId: string | null;
  isPlatformAdmin: boolean;
  isActive: boolean;
  capabilities: ReadonlySet<Capability>;
  /** Status of the target's client (`null` when it has none or it is missing). */
  clientStatus: string | null;
}

export interface ImpersonationRequestFacts {
  impersonator: ImpersonatorFacts;
  /** `null` when no such user exists. */
  target: TargetFacts | null;
  allowWrites: boolean;
}

export type ImpersonationRefusal =
  | { reason: 'NESTED' }
  | { reason: 'FORBIDDEN' }
  | { reason: 'NOT_FOUND' }
  | { reason: 'SELF' }
  | { reason: 'TARGET_IS_PLATFORM_USER' }
  | { reason: 'IMPERSONATOR_NOT_PLATFORM_ADMIN' }
  | { reason: 'CLIENT_SUSPENDED' }
  | { reason: 'TARGET_INACTIVE' }
  | { reason: 'TARGET_HAS_MORE_CAPABILITIES'; missing: Capability[] }
  | { reason: 'WRITES_NOT_ALLOWED'; missing: Capability[] };

export type ImpersonationDecision = { allowed: true } | { allowed: false; refusal: ImpersonationRefusal };

const refuse = (refusal: ImpersonationRefusal): ImpersonationDecision => ({ allowed: false, refusal });

function lacking(held: ReadonlySet<Capability>, wanted: Iterable<Capability>): Capability[] {
  return [...wanted].filter((c) => !held.has(c)).sort();
}

export function decideImpersonation({ impersonator, target, allowWrites }: ImpersonationRequestFacts): ImpersonationDecision {
  if (impersonator.impersonating) return refuse({ reason: 'NESTED' });
  if (!impersonator.capabilities.has('impersonation:start')) return refuse({ reason: 'FORBIDDEN' });
  if (!target) return refuse({ reason: 'NOT_FOUND' });
  const platformImpersonator = impersonator.clientId === null;
  // A client user sees nothing outside its client: other clients' users and platform users are "not found".
  if (!platformImpersonator && target.clientId !== impersonator.clientId) return refuse({ reason: 'NOT_FOUND' });
  if (target.id === impersonator.id) return refuse({ reason: 'SELF' });
  if (platformImpersonator) {
    if (!impersonator.isPlatformAdmin) return refuse({ reason: 'IMPERSONATOR_NOT_PLATFORM_ADMIN' });
    if (target.isPlatformAdmin || target.clientId === null) return refuse({ reason: 'TARGET_IS_PLATFORM_USER' });
  }
  if (target.clientStatus === null || target.clientStatus === 'deleted') return refuse({ reason: 'NOT_FOUND' });
  if (target.clientStatus !== 'active' && target.clientStatus !== 'maintenance') return refuse({ reason: 'CLIENT_SUSPENDED' });
  if (!target.isActive) return refuse({ reason: 'TARGET_INACTIVE' });
  if (!platformImpersonator) {
    const missing = lacking(impersonator.capabilities, target.capabilities);
    if (missing.length > 0) return refuse({ reason: 'TARGET_HAS_MORE_CAPABILITIES', missing });
  }
  if (allowWrites) {
    const missing = lacking(
      impersonator.capabilities,
      [...target.capabilities].filter((c) => isWriteCapability(c)),
    );
    if (missing.length > 0) return refuse({ reason: 'WRITES_NOT_ALLOWED', missing });
  }
  return { allowed: true };
}

/** A platform admin: a platform user (no client) holding the `platform-admin` system role. */
export function isPlatformAdmin(user: { clientId: string | null; roles: readonly { key: string | null }[] }): boolean {
  return user.clientId === null && user.roles.some((r) => r.key === 'platform-admin');
}
