import { ForbiddenError, ValidationFailedError } from '../../common/errors.js';
import { CAPABILITIES, Capability, isCapability } from './capabilities.js';

/**
 * Grantability rules (pure, unit-tested). The point of all of them: nobody
 * can hand out more power than they hold, and a client user can never reach
 * platform power, whatever roles are edited or assigned.
 */

/** Unknown capability keys are a 400 naming them; duplicates collapse. */
export function parseCapabilities(keys: readonly string[], field = 'capabilities'): Capability[] {
  const unknown = keys.filter((k) => !isCapability(k));
  if (unknown.length > 0) {
    throw ValidationFailedError.field(field, `Unknown capability: ${[...new Set(unknown)].join(', ')}`);
  }
  return [...new Set(keys as Capability[])];
}

/** The capabilities of `requested` the caller may not grant to a client role or client user. */
export function ungrantable(callerCapabilities: ReadonlySet<Capability>, requested: Iterable<Capability>): Capability[] {
  const refused = new Set<Capability>();
  for (const c of requested) {
    if (CAPABILITIES[c].scope === 'platform' || !callerCapabilities.has(c)) refused.add(c);
  }
  return [...refused];
}

/** Throws 403 CAPABILITY_NOT_GRANTABLE unless the caller may grant every requested capability to a client role/user. */
export function assertGrantable(callerCapabilities: ReadonlySet<Capability>, requested: Iterable<Capability>): void {
  const refused = ungrantable(callerCapabilities, requested);
  if (refused.length > 0) throw new CapabilityNotGrantableError(refused);
}

export interface AssignableRole {
  id: string;
  key: string | null;
  system: boolean;
  capabilities: readonly string[];
}

/**
 * Roles a caller may assign to a client user: never `platform-admin` (nor
 * any role carrying a platform capability), never one with a capability the
 * caller lacks. Only roles the user does not hold yet are checked (keeping a
 * role is not granting it).
 */
export function assertAssignable(
  callerCapabilities: ReadonlySet<Capability>,
  roles: readonly AssignableRole[],
  alreadyHeld: ReadonlySet<string> = new Set(),
): void {
  const refused = new Set<string>();
  for (const role of roles) {
    if (alreadyHeld.has(role.id)) continue;
    if (role.key === 'platform-admin') refused.add('platform-admin');
    for (const c of role.capabilities) {
      if (!isCapability(c) || CAPABILITIES[c].scope === 'platform' || !callerCapabilities.has(c)) refused.add(c);
    }
  }
  if (refused.size > 0) throw new CapabilityNotGrantableError([...refused]);
}

/** A caller may manage (deactivate, re-role) only a user who holds no capability the caller lacks. */
export function canManageUser(callerCapabilities: ReadonlySet<Capability>, targetCapabilities: Iterable<Capability>): boolean {
  for (const c of targetCapabilities) if (!callerCapabilities.has(c)) return false;
  return true;
}

/** Granting a capability the caller lacks, or a platform capability to a client role or user. */
export class CapabilityNotGrantableError extends ForbiddenError {
  constructor(capabilities: readonly string[]) {
    super(`Capability not grantable: ${capabilities.join(', ')}`, 'CAPABILITY_NOT_GRANTABLE');
  }
}
