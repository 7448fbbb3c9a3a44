import { RequestContext } from '../common/request-context.js';
import { ChecksTenantActor } from './tenant-actor.js';
import { TenantActorMismatchError } from './tenant-prisma.provider.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const actorOf = (clientId: string) => ({ userId: '00000000-0000-4000-8000-000000000001', clientId });

@ChecksTenantActor()
class Service {
  calls = 0;
  async read(actor: { clientId: string }): Promise<string> {
    this.calls++;
    return actor.clientId;
  }
  sync(actor: { clientId: string }): string {
    this.calls++;
    return actor.clientId;
  }
  plain(id: string): string {
    this.calls++;
    return id;
  }
}

function inTenant<T>(clientId: string, fn: () => T): T {
  return RequestContext.run({ requestId: 'r', clientId } as never, fn);
}

describe('ChecksTenantActor', () => {
  it("refuses an actor of another client than the context's, before the method runs", async () => {
    const s = new Service();
    await expect(inTenant(B, () => s.read(actorOf(A)))).rejects.toBeInstanceOf(TenantActorMismatchError);
    expect(() => inTenant(B, () => s.sync(actorOf(A)))).toThrow(TenantActorMismatchError);
    expect(s.calls).toBe(0);
  });

  it("lets the actor of the context's client through, and leaves the result alone", async () => {
    const s = new Service();
    await expect(inTenant(A, () => s.read(actorOf(A)))).resolves.toBe(A);
    expect(inTenant(A, () => s.sync(actorOf(A)))).toBe(A);
    expect(s.calls).toBe(2);
  });

  it('decides nothing without a tenant context (the repositories refuse then) or without an actor', async () => {
    const s = new Service();
    await expect(s.read(actorOf(A))).resolves.toBe(A);
    expect(inTenant(B, () => s.plain('x'))).toBe('x');
  });
});
