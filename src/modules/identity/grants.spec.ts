import { ValidationFailedError } from '../../common/errors.js';
import { Capability, CLIENT_CAPABILITIES, SYSTEM_ROLES } from '../identity/index.js';
import { assertAssignable, assertGrantable, canManageUser, parseCapabilities, ungrantable } from './grants.js';
import { CapabilityNotGrantableError } from './grants.js';

const caps = (...c: Capability[]) => new Set<Capability>(c);
const clientAdmin = new Set<Capability>(CLIENT_CAPABILITIES);
const platformAdmin = new Set<Capability>(SYSTEM_ROLES['platform-admin']);
const role = (id: string, capabilities: string[], key: string | null = null) => ({ id, key, system: key !== null, capabilities });

describe('parseCapabilities', () => {
  it('accepts catalog keys and collapses duplicates', () => {
    expect(parseCapabilities(['chat:use', 'chat:use', 'projects:read'])).toEqual(['chat:use', 'projects:read']);
  });

  it('refuses unknown keys with a 400 naming them', () => {
    expect(() => parseCapabilities(['chat:use', 'root:everything'])).toThrow(ValidationFailedError);
    expect(() => parseCapabilities(['root:everything'])).toThrow(/root:everything/);
  });
});

describe('grantability', () => {
  // Nobody can hand out more power than they hold.
  it('refuses a capability the caller lacks', () => {
    expect(ungrantable(caps('projects:read', 'roles:manage'), ['projects:read', 'projects:manage'])).toEqual(['projects:manage']);
    expect(() => assertGrantable(caps('roles:manage'), ['users:manage'])).toThrow(CapabilityNotGrantableError);
  });

  // A client role must never carry platform power, even when a platform admin writes it.
  it('refuses platform capabilities for client roles, whoever asks', () => {
    expect(() => assertGrantable(clientAdmin, ['clients:manage'])).toThrow(CapabilityNotGrantableError);
    expect(() => assertGrantable(platformAdmin, ['clients:read'])).toThrow(CapabilityNotGrantableError);
  });

  it('allows capabilities the caller holds', () => {
    expect(() => assertGrantable(clientAdmin, CLIENT_CAPABILITIES)).not.toThrow();
    expect(() => assertGrantable(caps(), [])).not.toThrow();
  });

  it('the refusal carries the CAPABILITY_NOT_GRANTABLE code and 403', () => {
    try {
      assertGrantable(caps(), ['chat:use']);
      throw new Error('expected a refusal');
    } catch (err) {
      expect(err).toBeInstanceOf(CapabilityNotGrantableError);
      expect((err as CapabilityNotGrantableError).status).toBe(403);
      expect((err as CapabilityNotGrantableError).code).toBe('CAPABILITY_NOT_GRANTABLE');
    }
  });
});

describe('role assignment', () => {
  it('never assigns platform-admin to a client user', () => {
    expect(() =>
      assertAssignable(platformAdmin, [role('p', SYSTEM_ROLES['platform-admin'] as unknown as string[], 'platform-admin')]),
    ).toThrow(CapabilityNotGrantableError);
  });

  it('refuses a role carrying a capability the caller lacks', () => {
    const manager = new Set<Capability>(SYSTEM_ROLES.manager);
    expect(() => assertAssignable(manager, [role('a', CLIENT_CAPABILITIES, 'client-admin')])).toThrow(CapabilityNotGrantableError);
    expect(() => assertAssignable(manager, [role('m', SYSTEM_ROLES.member as unknown as string[], 'member')])).not.toThrow();
  });

  it('does not re-check roles the user already holds (keeping is not granting)', () => {
    const member = new Set<Capability>(SYSTEM_ROLES.member);
    const admin = role('a', CLIENT_CAPABILITIES, 'client-admin');
    expect(() => assertAssignable(member, [admin], new Set(['a']))).not.toThrow();
  });

  it('lets a caller manage only users holding no capability the caller lacks', () => {
    expect(canManageUser(clientAdmin, SYSTEM_ROLES.manager)).toBe(true);
    expect(canManageUser(new Set<Capability>(SYSTEM_ROLES.manager), CLIENT_CAPABILITIES)).toBe(false);
  });
});
