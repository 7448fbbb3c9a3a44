import { ALL_CAPABILITIES, type Capability, SYSTEM_ROLES } from '../identity/index.js';
import {
  decideImpersonation,
  type ImpersonationRequestFacts,
  type ImpersonatorFacts,
  isPlatformAdmin,
  isWriteCapability,
  type TargetFacts,
} from './impersonation.policy.js';

const CLIENT_A = '00000000-0000-4000-8000-00000000000a';
const CLIENT_B = '00000000-0000-4000-8000-00000000000b';
const caps = (list: readonly Capability[]) => new Set<Capability>(list);

function platformAdmin(over: Partial<ImpersonatorFacts> = {}): ImpersonatorFacts {
  return { id: 'pa', clientId: null, isPlatformAdmin: true, capabilities: caps(ALL_CAPABILITIES), impersonating: false, ...over };
}
function clientAdmin(over: Partial<ImpersonatorFacts> = {}): ImpersonatorFacts {
  return {
    id: 'ca',
    clientId: CLIENT_A,
    isPlatformAdmin: false,
    capabilities: caps(SYSTEM_ROLES['client-admin']),
    impersonating: false,
    ...over,
  };
}
function member(over: Partial<TargetFacts> = {}): TargetFacts {
  return {
    id: 'm',
    clientId: CLIENT_A,
    isPlatformAdmin: false,
    isActive: true,
    capabilities: caps(SYSTEM_ROLES.member),
    clientStatus: 'active',
    ...over,
  };
}
const decide = (f: Partial<ImpersonationRequestFacts> & Pick<ImpersonationRequestFacts, 'impersonator'>) =>
  decideImpersonation({ target: member(), allowWrites: false, ...f });
const reasonOf = (d: ReturnType<typeof decideImpersonation>) => (d.allowed ? 'ALLOWED' : d.refusal.reason);

describe('decideImpersonation', () => {
  it('lets a platform admin impersonate a user of any client', () => {
    expect(decide({ impersonator: platformAdmin(), target: member({ clientId: CLIENT_B }) })).toEqual({ allowed: true });
  });

  it('lets a client admin impersonate a member of the same client', () => {
    expect(decide({ impersonator: clientAdmin() })).toEqual({ allowed: true });
  });

  it('lets a client user impersonate a user holding exactly the same capabilities', () => {
    const target = member({ capabilities: caps(SYSTEM_ROLES['client-admin']) });
    expect(reasonOf(decide({ impersonator: clientAdmin(), target }))).toBe('ALLOWED');
  });

  // An impersonation token must never open a chain of identities.
  it('refuses nesting before anything else', () => {
    expect(reasonOf(decide({ impersonator: platformAdmin({ impersonating: true }), target: null }))).toBe('NESTED');
    expect(reasonOf(decide({ impersonator: clientAdmin({ impersonating: true }) }))).toBe('NESTED');
  });

  it('fails closed without impersonation:start', () => {
    const impersonator = clientAdmin({ capabilities: caps(SYSTEM_ROLES.manager) });
    expect(reasonOf(decide({ impersonator }))).toBe('FORBIDDEN');
  });

  it('answers not found for an unknown user', () => {
    expect(reasonOf(decide({ impersonator: platformAdmin(), target: null }))).toBe('NOT_FOUND');
  });

  // Existence of other tenants' users is never revealed.
  it('answers not found for a client user targeting another client or a platform user', () => {
    expect(reasonOf(decide({ impersonator: clientAdmin(), target: member({ clientId: CLIENT_B }) }))).toBe('NOT_FOUND');
    const pa = member({ clientId: null, isPlatformAdmin: true, capabilities: caps(ALL_CAPABILITIES), clientStatus: null });
    expect(reasonOf(decide({ impersonator: clientAdmin(), target: pa }))).toBe('NOT_FOUND');
  });

  it('refuses self-impersonation', () => {
    expect(reasonOf(decide({ impersonator: clientAdmin(), target: member({ id: 'ca' }) }))).toBe('SELF');
    const self = member({ id: 'pa', clientId: null, isPlatformAdmin: true, clientStatus: null });
    expect(reasonOf(decide({ impersonator: platformAdmin(), target: self }))).toBe('SELF');
  });

  it('refuses a platform admin impersonating another platform admin or platform user', () => {
    const otherAdmin = member({
      id: 'pa2',
      clientId: null,
      isPlatformAdmin: true,
      capabilities: caps(ALL_CAPABILITIES),
      clientStatus: null,
    });
    expect(reasonOf(decide({ impersonator: platformAdmin(), target: otherAdmin }))).toBe('TARGET_IS_PLATFORM_USER');
    const platformUser = member({ id: 'pu', clientId: null, clientStatus: null });
    expect(reasonOf(decide({ impersonator: platformAdmin(), target: platformUser }))).toBe('TARGET_IS_PLATFORM_USER');
  });

  it('refuses a platform user who is not a platform admin', () => {
    const impersonator = platformAdmin({ isPlatformAdmin: false });
    expect(reasonOf(decide({ impersonator }))).toBe('IMPERSONATOR_NOT_PLATFORM_ADMIN');
  });

  it("refuses when the target's client is suspended, and not found when it is deleted or missing", () => {
    expect(reasonOf(decide({ impersonator: platformAdmin(), target: member({ clientStatus: 'suspended' }) }))).toBe('CLIENT_SUSPENDED');
    expect(reasonOf(decide({ impersonator: platformAdmin(), target: member({ clientStatus: 'deleted' }) }))).toBe('NOT_FOUND');
    expect(reasonOf(decide({ impersonator: platformAdmin(), target: member({ clientStatus: null }) }))).toBe('NOT_FOUND');
  });

  it('refuses an inactive target', () => {
    expect(reasonOf(decide({ impersonator: platformAdmin(), target: member({ isActive: false }) }))).toBe('TARGET_INACTIVE');
    expect(reasonOf(decide({ impersonator: clientAdmin(), target: member({ isActive: false }) }))).toBe('TARGET_INACTIVE');
  });

  // Impersonation must not be a way to gain capabilities one was not given.
  it('refuses a client user impersonating someone holding a capability they lack, naming it', () => {
    const impersonator = clientAdmin({ capabilities: caps(['impersonation:start', 'users:read', ...SYSTEM_ROLES.member]) });
    const target = member({ capabilities: caps(SYSTEM_ROLES.manager) });
    const d = decide({ impersonator, target });
    expect(d.allowed).toBe(false);
    if (!d.allowed && d.refusal.reason === 'TARGET_HAS_MORE_CAPABILITIES') {
      expect(d.refusal.missing).toEqual([
        'projects:manage',
        'reports:read:all',
        'tasks:manage',
        'time-entries:read:all',
        'time-entries:write:all',
      ]);
    } else {
      throw new Error(`unexpected ${JSON.stringify(d)}`);
    }
  });

  it('does not apply the capability subset rule to platform admins for read-only sessions', () => {
    const impersonator = platformAdmin({ capabilities: caps(['impersonation:start']) });
    expect(reasonOf(decide({ impersonator, target: member({ capabilities: caps(SYSTEM_ROLES['client-admin']) }) }))).toBe('ALLOWED');
  });

  it("refuses allowWrites when the impersonator lacks one of the target's write capabilities", () => {
    const impersonator = platformAdmin({ capabilities: caps(ALL_CAPABILITIES.filter((c) => c !== 'chat:use')) });
    const d = decide({ impersonator, allowWrites: true });
    expect(d).toEqual({ allowed: false, refusal: { reason: 'WRITES_NOT_ALLOWED', missing: ['chat:use'] } });
    // Read-only it is fine, and lacking a read capability never blocks writes.
    expect(reasonOf(decide({ impersonator }))).toBe('ALLOWED');
    const noReports = platformAdmin({ capabilities: caps(ALL_CAPABILITIES.filter((c) => c !== 'reports:read:own')) });
    expect(reasonOf(decide({ impersonator: noReports, allowWrites: true }))).toBe('ALLOWED');
  });

  it('allows allowWrites for a platform admin holding every capability and a client admin over a member', () => {
    expect(reasonOf(decide({ impersonator: platformAdmin(), allowWrites: true }))).toBe('ALLOWED');
    expect(reasonOf(decide({ impersonator: clientAdmin(), allowWrites: true }))).toBe('ALLOWED');
  });
});

describe('isWriteCapability', () => {
  it('treats read capabilities as reads and everything else (future keys too) as writes', () => {
    expect(ALL_CAPABILITIES.filter((c) => !isWriteCapability(c)).sort()).toEqual([
      'clients:read',
      'projects:read',
      'reports:read:all',
      'reports:read:own',
      'roles:read',
      'tasks:read',
      'time-entries:read:all',
      'time-entries:read:own',
      'users:read',
    ]);
    expect(isWriteCapability('chat:use')).toBe(true);
    expect(isWriteCapability('roles:assign')).toBe(true);
    expect(isWriteCapability('something:new')).toBe(true);
  });
});

describe('isPlatformAdmin', () => {
  it('needs both no client and the platform-admin role', () => {
    expect(isPlatformAdmin({ clientId: null, roles: [{ key: 'platform-admin' }] })).toBe(true);
    expect(isPlatformAdmin({ clientId: null, roles: [{ key: 'member' }, { key: null }] })).toBe(false);
    expect(isPlatformAdmin({ clientId: CLIENT_A, roles: [{ key: 'platform-admin' }] })).toBe(false);
  });
});
