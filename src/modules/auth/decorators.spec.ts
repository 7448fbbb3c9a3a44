import 'reflect-metadata';
import { GUARDS_METADATA } from '@nestjs/common/constants.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { TenantGuard } from './guards/tenant.guard.js';
import { CapabilitiesGuard } from './guards/capabilities.guard.js';
import { ImpersonationPolicyGuard } from './guards/impersonation-policy.guard.js';
import { GUARD_ORDER, REQUIRED_CAPABILITIES, RequireCapabilities } from './decorators.js';

class Dummy {
  @RequireCapabilities('users:read', 'roles:read')
  guarded(): void {}

  @RequireCapabilities()
  signedIn(): void {}
}

@RequireCapabilities('chat:use')
class DummyController {}

// Authorization must fail closed and in a fixed order: who is calling, then
// which tenant, then the impersonation policy (the API contract: a read-only token's
// non-GET requests are refused with IMPERSONATION_READ_ONLY), then what they may do. A
// capability check before authentication would have no caller to check; a
// tenant check after it would let a suspended client's request reach the
// capability logic.
describe('@RequireCapabilities', () => {
  const expected = [JwtAuthGuard, TenantGuard, ImpersonationPolicyGuard, CapabilitiesGuard];

  it('composes the guards in the order authenticate → tenant → impersonation policy → capabilities', () => {
    expect(GUARDS_METADATA).toBe('__guards__');
    expect(Reflect.getMetadata('__guards__', Dummy.prototype.guarded)).toEqual(expected);
    expect([...GUARD_ORDER]).toEqual(expected);
  });

  it('uses the same order with no capabilities (any signed-in caller)', () => {
    expect(Reflect.getMetadata('__guards__', Dummy.prototype.signedIn)).toEqual(expected);
    expect(Reflect.getMetadata(REQUIRED_CAPABILITIES, Dummy.prototype.signedIn)).toEqual([]);
  });

  it('records the required capabilities for the CapabilitiesGuard', () => {
    expect(Reflect.getMetadata(REQUIRED_CAPABILITIES, Dummy.prototype.guarded)).toEqual(['users:read', 'roles:read']);
  });

  it('applies the same order when used on a controller class', () => {
    expect(Reflect.getMetadata('__guards__', DummyController)).toEqual(expected);
    expect(Reflect.getMetadata(REQUIRED_CAPABILITIES, DummyController)).toEqual(['chat:use']);
  });
});
