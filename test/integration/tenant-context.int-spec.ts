import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { NotFoundError, TenantDatabaseUnavailableError, TenantRequiredError } from '../../src/common/errors.js';
import { RequestContext } from '../../src/common/request-context.js';
import { InvalidationService } from '../../src/database/invalidation.service.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { TenantRegistryService } from '../../src/database/tenant-registry.service.js';
import { pgConfigFromUrl, quoteIdent } from '../../src/database/sql.js';
import { TenantConnectionManager } from '../../src/database/tenant-connection-manager.js';
import { TenantContextConflictError, TenantContextService } from '../../src/database/tenant-context.service.js';
import { TenantActorMismatchError, TenantPrismaProvider } from '../../src/database/tenant-prisma.provider.js';
import { SYSTEM_ROLES } from '../../src/modules/identity/index.js';
import { type Actor, ProjectsService } from '../../src/modules/time-tracking/index.js';
import { createTestApp, provisionClient, TestApp } from '../helpers/test-app.js';

describe('integration/tenant-context', () => {
  /**
   * `withTenant(clientId, fn)` is the one way to a tenant database: these pin
   * what callers outside HTTP (CLI, jobs, chat, tests) rely on.
   */
  describe('TenantContextService.withTenant', () => {
    let t: TestApp;
    let a: string;
    let b: string;
    let c: string;
    const tenants = () => t.get(TenantContextService);
    const manager = () => t.get(TenantConnectionManager);

    beforeAll(async () => {
      // A cap of one client: opening any other tenant evicts every idle one.
      t = await createTestApp({ TENANT_MAX_CLIENTS: '1', TENANT_POOL_SIZE: '2', TENANT_IDLE_MS: '60000' });
      a = await provisionClient(t, 'Context A');
      b = await provisionClient(t, 'Context B');
      c = await provisionClient(t, 'Context C');
    });
    afterAll(() => t.close());

    // A lease released before the work ends would let eviction close the client under the CLI or the demo seed.
    it('holds the lease for the whole call: eviction and closing wait until fn settles', async () => {
      let inside!: () => void;
      const gate = new Promise<void>((r) => (inside = r));
      let closed = false;
      const call = tenants().withTenant(a, async (db) => {
        // Other tenants are opened meanwhile; the cap (1) would evict this client if it were idle.
        await tenants()
          .withTenant(b, async () => undefined)
          .catch(() => undefined);
        await RequestContext.detached(() => tenants().withTenant(c, (other) => other.$queryRawUnsafe('SELECT 1')));
        expect(manager().stats().leases).toBe(1);
        const closing = manager()
          .close(a)
          .then(() => (closed = true));
        await new Promise((r) => setTimeout(r, 150));
        expect(closed).toBe(false);
        await gate;
        const rows = await db.$queryRawUnsafe<{ ok: number }[]>('SELECT 1 AS ok');
        return { rows, closing };
      });
      await new Promise((r) => setTimeout(r, 300));
      inside();
      const { rows, closing } = await call;
      expect(Number(rows[0].ok)).toBe(1);
      await closing;
      expect(closed).toBe(true);
      expect(manager().stats().leases).toBe(0);
    });

    it('sets the tenant context for fn, so the request-scoped provider and services work inside it', async () => {
      const provider = t.get(TenantPrismaProvider);
      expect(() => provider.client).toThrow(TenantRequiredError);
      await tenants().withTenant(a, async (db) => {
        expect(provider.client).toBe(db);
        expect(provider.clientId).toBe(a);
        expect(tenants().currentClientId()).toBe(a);
        expect(RequestContext.current()?.requestId).toEqual(expect.any(String));
      });
      expect(() => provider.client).toThrow(TenantRequiredError);
      expect(tenants().currentClientId()).toBeNull();
    });

    it("keeps the caller's context (request id, user) and never changes the caller's own store", async () => {
      const outer = { requestId: 'req-1', userId: 'user-1' };
      await RequestContext.run(outer, () =>
        tenants().withTenant(a, async () => {
          expect(RequestContext.current()).toMatchObject({ requestId: 'req-1', userId: 'user-1', clientId: a });
        }),
      );
      expect(outer).toEqual({ requestId: 'req-1', userId: 'user-1' });
    });

    it('refuses another client inside a call, allows the same one, and lets sibling calls serve different clients', async () => {
      await expect(tenants().withTenant(a, () => tenants().withTenant(b, async () => 'crossed'))).rejects.toBeInstanceOf(
        TenantContextConflictError,
      );
      await expect(
        tenants().withTenant(a, () => tenants().withTenant(a, async (db) => db === t.get(TenantPrismaProvider).client)),
      ).resolves.toBe(true);
      const ids = await Promise.all([a, b].map((id) => tenants().withTenant(id, async () => t.get(TenantPrismaProvider).clientId)));
      expect(ids).toEqual([a, b]);
      expect(manager().stats().leases).toBe(0);
    });

    it('refuses an unknown or deleted client with 404 "Client not found", and releases the lease when fn fails', async () => {
      await expect(tenants().withTenant(randomUUID(), async () => 'x')).rejects.toThrow(new NotFoundError('Client'));
      const gone = await provisionClient(t, 'Context deleted');
      await t.get(MainPrismaService).client.update({ where: { id: gone }, data: { status: 'deleted' } });
      await t.get(InvalidationService).publish('client', gone);
      const deadline = Date.now() + 2000;
      while ((await t.get(TenantRegistryService).get(gone))?.status !== 'deleted' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      await expect(tenants().withTenant(gone, async () => 'x')).rejects.toThrow(new NotFoundError('Client'));
      await expect(tenants().withTenant(a, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(manager().stats().leases).toBe(0);
    });

    it('answers TENANT_DATABASE_UNAVAILABLE when the tenant database cannot be reached', async () => {
      const lost = await provisionClient(t, 'Context lost');
      await tenants().withTenant(lost, (db) => db.$queryRawUnsafe('SELECT 1'));
      const admin = new pg.Client(pgConfigFromUrl(t.db.adminUrl));
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE ${quoteIdent(`freetimechat_${lost}`)} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
      const err = await tenants()
        .withTenant(lost, (db) => db.project.count())
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TenantDatabaseUnavailableError);
      expect((err as TenantDatabaseUnavailableError).code).toBe('TENANT_DATABASE_UNAVAILABLE');
    });
  });

  describe('TenantPrismaProvider.forActor', () => {
    let t: TestApp;
    let a: string;
    let b: string;

    beforeAll(async () => {
      t = await createTestApp();
      a = await provisionClient(t, 'Actor A');
      b = await provisionClient(t, 'Actor B');
    });
    afterAll(() => t.close());

    // Actor.clientId and the context's tenant are two answers to "which tenant": they must agree, or nothing is served.
    it("gives the context's database to an actor of that client and refuses an actor of another client", async () => {
      const provider = t.get(TenantPrismaProvider);
      await t.get(TenantContextService).withTenant(a, async (db) => {
        expect(provider.forActor({ clientId: a })).toBe(db);
        expect(() => provider.forActor({ clientId: b })).toThrow(TenantActorMismatchError);
      });
      expect(() => provider.forActor({ clientId: a })).toThrow(TenantRequiredError);
    });

    it("refuses a service call for an actor carried into another client's context, before any query", async () => {
      const projects = t.get(ProjectsService);
      const actorOf = (clientId: string): Actor => ({
        userId: randomUUID(),
        clientId,
        timeZone: 'UTC',
        capabilities: new Set(SYSTEM_ROLES.manager),
      });
      await t.get(TenantContextService).withTenant(a, async () => {
        await expect(projects.create(actorOf(a), { name: 'In A' })).resolves.toMatchObject({ name: 'In A' });
        await expect(projects.create(actorOf(b), { name: 'Carried from B' })).rejects.toBeInstanceOf(TenantActorMismatchError);
      });
      const names = await t.get(TenantContextService).withTenant(a, (db) => db.project.findMany({ select: { name: true } }));
      expect(names.map((p) => p.name)).toEqual(['In A']);
    });
  });
});
