import pg from 'pg';
import { createTestApp, createTestDatabase, provisionClient, TestApp } from '../helpers/test-app.js';
import { TenantConnectionManager } from '../../src/database/tenant-connection-manager.js';
import { TenantRegistryService } from '../../src/database/tenant-registry.service.js';
import { InvalidationService } from '../../src/database/invalidation.service.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { pgConfigFromUrl } from '../../src/database/sql.js';

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
    const prismas = await Promise.all(Array.from({ length: 100 }, () => manager.forClient(clients[0])));
    expect(new Set(prismas).size).toBe(1);
    expect(manager.stats().created - before).toBe(1);
  });

  it('never evicts a client with queries in flight, and loses no query', async () => {
    const manager = t.get(TenantConnectionManager);
    const leaseA = await manager.acquire(clients[1]);
    const slow = Array.from({ length: 2 }, () => leaseA.prisma.$queryRawUnsafe<{ ok: number }[]>('SELECT 1 AS ok FROM pg_sleep(0.4)'));
    // Touch other tenants so the LRU (cap 2) must evict something meanwhile.
    for (const id of clients.slice(2)) {
      const p = await manager.forClient(id);
      await p.$queryRawUnsafe('SELECT 1');
    }
    const results = await Promise.all(slow);
    expect(results.map((r) => Number(r[0].ok))).toEqual([1, 1]);
    // The leased client is still the same, usable object.
    expect(Number((await leaseA.prisma.$queryRawUnsafe<{ ok: number }[]>('SELECT 1 AS ok'))[0].ok)).toBe(1);
    leaseA.release();
    expect(manager.stats().evictions).toBeGreaterThan(0);
  });

  it('never holds more tenant connections than the budget, all tenants together', async () => {
    const manager = t.get(TenantConnectionManager);
    const admin = new pg.Client(pgConfigFromUrl(t.db.adminUrl));
    await admin.connect();
    let maxSeen = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const r = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ANY($1::text[])`, [
          clients.map((c) => `freetimechat_${c}`),
        ]);
        maxSeen = Math.max(maxSeen, r.rows[0].n);
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
    expect(maxSeen).toBeLessThanOrEqual(3);
    expect(manager.budget.inUse).toBeLessThanOrEqual(3);
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
