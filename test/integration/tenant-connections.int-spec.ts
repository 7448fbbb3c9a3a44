import http from 'node:http';
import pg from 'pg';
import { createTestApp, createTestDatabase, createUserWithToken, provisionClient, TestApp, withTenant } from '../helpers/test-app.js';
import { TenantConnectionManager } from '../../src/database/tenant-connection-manager.js';
import { TenantRegistryService } from '../../src/database/tenant-registry.service.js';
import { InvalidationService } from '../../src/database/invalidation.service.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { pgConfigFromUrl } from '../../src/database/sql.js';

describe('integration/tenant-connections', () => {
  describe('TenantConnectionManager', () => {
    let t: TestApp;
    let clients: string[];

    beforeAll(async () => {
      t = await createTestApp({ TENANT_MAX_CLIENTS: '2', TENANT_POOL_SIZE: '2', TENANT_CONNECTION_BUDGET: '3', TENANT_IDLE_MS: '60000' });
      clients = [];
      for (let i = 0; i < 5; i++) clients.push(await provisionClient(t, `Tenant ${i}`));
    });
    afterAll(() => t.close());

    it('creates one client for 100 concurrent first uses of a tenant', async () => {
      const manager = t.get(TenantConnectionManager);
      const before = manager.stats().created;
      const prismas = await Promise.all(
        Array.from({ length: 100 }, async () => {
          const lease = await manager.acquire(clients[0]);
          lease.release();
          return lease.prisma;
        }),
      );
      expect(new Set(prismas).size).toBe(1);
      expect(manager.stats().created - before).toBe(1);
    });

    it('never evicts a client with queries in flight, and loses no query', async () => {
      const manager = t.get(TenantConnectionManager);
      const leaseA = await manager.acquire(clients[1]);
      const slow = Array.from({ length: 2 }, () => leaseA.prisma.$queryRawUnsafe<{ ok: number }[]>('SELECT 1 AS ok FROM pg_sleep(0.4)'));
      // Touch other tenants so the LRU (cap 2) must evict something meanwhile.
      for (const id of clients.slice(2)) {
        await withTenant(t, id, (p) => p.$queryRawUnsafe('SELECT 1'));
      }
      const results = await Promise.all(slow);
      expect(results.map((r) => Number(r[0].ok))).toEqual([1, 1]);
      // The leased client is still the same, usable object.
      expect(Number((await leaseA.prisma.$queryRawUnsafe<{ ok: number }[]>('SELECT 1 AS ok'))[0].ok)).toBe(1);
      leaseA.release();
      expect(manager.stats().evictions).toBeGreaterThan(0);
    });

    // A lease pins a tenant's client against eviction: one left behind by a request would pin it forever.
    it('releases the lease of every tenant request when its response ends, also when the caller goes away first', async () => {
      const manager = t.get(TenantConnectionManager);
      const { token } = await createUserWithToken(t, { clientId: clients[0] });
      await withTenant(t, clients[0], async () => undefined);
      const before = manager.stats().leases;
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => t.http.get('/api/v1/projects').set('authorization', `Bearer ${token}`)),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
      expect(manager.stats().leases).toBe(before);
      // A caller that hangs up while its query runs.
      const url = new URL(t.url);
      const gone = await new Promise<boolean>((resolve) => {
        const req = http.get({
          host: url.hostname,
          port: url.port,
          path: '/api/v1/projects',
          headers: { authorization: `Bearer ${token}` },
        });
        req.on('error', () => resolve(true));
        setImmediate(() => req.destroy());
      });
      expect(gone).toBe(true);
      const deadline = Date.now() + 2000;
      while (manager.stats().leases !== before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(manager.stats().leases).toBe(before);
    });

    it('never holds more tenant connections than the budget, all tenants together', async () => {
      const manager = t.get(TenantConnectionManager);
      const admin = new pg.Client(pgConfigFromUrl(t.db.adminUrl));
      await admin.connect();
      // pg_stat_activity is read slot by slot, not at one instant: a backend that is exiting and the one
      // opened with its token can both appear in one snapshot without ever coexisting. A connection counts
      // where it is in two consecutive snapshots; every query here holds its connection for 50 ms, many
      // sampling intervals, so a connection over the budget would be in both.
      const snapshots: Set<number>[] = [];
      let maxInUse = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const r = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = ANY($1::text[])`, [
            clients.map((c) => `freetimechat_${c}`),
          ]);
          snapshots.push(new Set(r.rows.map((row) => row.pid)));
          maxInUse = Math.max(maxInUse, manager.budget.inUse);
          await new Promise((r2) => setTimeout(r2, 10));
        }
      })();
      const work = clients.flatMap((id) =>
        Array.from({ length: 4 }, async () => {
          const lease = await manager.acquire(id);
          try {
            return await lease.prisma.$queryRawUnsafe<{ ok: number }[]>('SELECT 1 AS ok FROM pg_sleep(0.05)');
          } finally {
            lease.release();
          }
        }),
      );
      const results = await Promise.all(work);
      sampling = false;
      await sampler;
      await admin.end();
      expect(results).toHaveLength(20);
      let maxSeen = 0;
      for (let i = 1; i < snapshots.length; i++)
        maxSeen = Math.max(maxSeen, [...snapshots[i]].filter((pid) => snapshots[i - 1].has(pid)).length);
      expect(snapshots.length).toBeGreaterThan(5);
      expect(maxSeen).toBeGreaterThan(0);
      expect(maxSeen).toBeLessThanOrEqual(3);
      expect(maxInUse).toBeLessThanOrEqual(3);
      expect(manager.budget.inUse).toBeLessThanOrEqual(3);
    });
  });

  describe('TenantConnectionManager under budget pressure', () => {
    let t: TestApp;
    let clients: string[];

    beforeAll(async () => {
      t = await createTestApp({
        TENANT_MAX_CLIENTS: '10',
        TENANT_POOL_SIZE: '2',
        TENANT_CONNECTION_BUDGET: '3',
        TENANT_IDLE_MS: '60000',
        TENANT_ACQUIRE_TIMEOUT_MS: '3000',
      });
      clients = [];
      for (let i = 0; i < 5; i++) clients.push(await provisionClient(t, `Pressure ${i}`));
    });
    afterAll(() => t.close());

    const connectedDatabases = async (): Promise<string[]> => {
      const admin = new pg.Client(pgConfigFromUrl(t.db.adminUrl));
      await admin.connect();
      try {
        const r = await admin.query<{ datname: string }>(
          `SELECT DISTINCT datname FROM pg_stat_activity WHERE datname = ANY($1::text[]) ORDER BY datname`,
          [clients.map((c) => `freetimechat_${c}`)],
        );
        return r.rows.map((row) => row.datname);
      } finally {
        await admin.end();
      }
    };

    it('closes the idle connection of the tenant with the least recent demand, never the busy one', async () => {
      const manager = t.get(TenantConnectionManager);
      const [busy, b, c, d, e] = clients;
      const read = async (id: string) => {
        const lease = await manager.acquire(id);
        try {
          await lease.prisma.$queryRawUnsafe('SELECT 1');
        } finally {
          lease.release();
        }
      };
      for (let i = 0; i < 5; i++) await read(busy);
      await read(b);
      await read(c);
      // Every token is held by an idle connection of another tenant: d and e must each get one at once.
      const started = Date.now();
      await read(d);
      await read(e);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(manager.budget.inUse).toBeLessThanOrEqual(3);
      const open = await connectedDatabases();
      expect(open).toContain(`freetimechat_${busy}`);
      expect(open).not.toContain(`freetimechat_${b}`);
      expect(open).not.toContain(`freetimechat_${c}`);
    });

    it('finds idle connections of tenants whose clients were closed and reopened', async () => {
      const manager = t.get(TenantConnectionManager);
      // Closing a client (suspension) ends its pool; its tenant must not be chosen or counted afterwards.
      for (const id of clients) await manager.close(id);
      // Tokens come back as the closed connections end.
      for (let i = 0; i < 100 && manager.budget.inUse > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(manager.budget.inUse).toBe(0);
      for (const id of clients) {
        const lease = await manager.acquire(id);
        try {
          await lease.prisma.$queryRawUnsafe('SELECT 1');
        } finally {
          lease.release();
        }
      }
      expect(manager.budget.inUse).toBeLessThanOrEqual(3);
      expect((await connectedDatabases()).length).toBeLessThanOrEqual(3);
    });
  });

  describe('tenant registry invalidation across instances', () => {
    it('is seen by a second instance within one second', async () => {
      const db = await createTestDatabase();
      const a = await createTestApp({}, { database: db, keepDatabase: true });
      const b = await createTestApp({}, { database: db, keepDatabase: true });
      try {
        const clientId = await provisionClient(a);
        expect((await b.get(TenantRegistryService).get(clientId))?.status).toBe('active');
        await a.get(MainPrismaService).client.update({ where: { id: clientId }, data: { status: 'suspended' } });
        const started = Date.now();
        await a.get(InvalidationService).publish('client', clientId);
        let status = (await b.get(TenantRegistryService).get(clientId))?.status;
        while (status !== 'suspended' && Date.now() - started < 1000) {
          await new Promise((r) => setTimeout(r, 10));
          status = (await b.get(TenantRegistryService).get(clientId))?.status;
        }
        expect(status).toBe('suspended');
        expect(Date.now() - started).toBeLessThan(1000);
      } finally {
        await a.close();
        await b.close();
        await db.drop();
      }
    });
  });
});
