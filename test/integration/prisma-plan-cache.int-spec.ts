import { randomUUID } from 'node:crypto';
import { createTestApp, leaseTenant, provisionClient, TestApp } from '../helpers/test-app.js';
import { planCacheStats } from '../../src/patches/prisma-plan-cache.js';

describe('integration/prisma-plan-cache', () => {
  /**
   * Prisma's query plans are kept and reused (src/patches/prisma-plan-cache.ts):
   * these pin that a kept plan gives exactly what a fresh one would, for every
   * kind of query, and never crosses queries or tenants.
   */
  describe('Prisma plan cache', () => {
    let t: TestApp;
    let a: string;
    let b: string;

    beforeAll(async () => {
      t = await createTestApp();
      a = await provisionClient(t, 'Plan cache A');
      b = await provisionClient(t, 'Plan cache B');
    });
    afterAll(() => t.close());

    const tenant = (clientId: string) => leaseTenant(t, clientId);

    it('is on in the service', () => {
      expect(planCacheStats().enabled).toBe(true);
    });

    it('runs a query seen before from its kept plan, with the same rows as a fresh plan', async () => {
      const prisma = await tenant(a);
      for (const name of ['Alpha', 'Beta', 'Gamma']) await prisma.project.create({ data: { name } });
      const query = () => prisma.project.findMany({ where: { archived: false }, orderBy: { name: 'asc' }, take: 2 });
      const first = await query(); // seen
      const second = await query(); // kept
      const before = planCacheStats().hits;
      const third = await query(); // from the kept plan
      expect(planCacheStats().hits).toBe(before + 1);
      expect(first.map((p) => p.name)).toEqual(['Alpha', 'Beta']);
      expect(second).toEqual(first);
      expect(third).toEqual(first);
    });

    // The values are part of the query text: a plan kept for one value must never answer another.
    it('never answers a query with the plan of another one that differs only in a value', async () => {
      const prisma = await tenant(a);
      const byName = (name: string) => prisma.project.findMany({ where: { name } });
      for (let i = 0; i < 3; i++) expect((await byName('Alpha')).map((p) => p.name)).toEqual(['Alpha']);
      expect((await byName('Gamma')).map((p) => p.name)).toEqual(['Gamma']);
      expect(await byName('Nothing')).toEqual([]);
    });

    // Defaults (uuid(), now(), @updatedAt) are calls the plan makes when it runs: a kept plan must make new ones.
    it('makes new ids and timestamps each time the same insert runs from a kept plan', async () => {
      const prisma = await tenant(a);
      const userId = randomUUID();
      const rows = [];
      const before = planCacheStats().hits;
      for (let i = 0; i < 4; i++) {
        rows.push(await prisma.conversation.create({ data: { userId, title: 'same' } }));
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(planCacheStats().hits).toBeGreaterThanOrEqual(before + 2);
      expect(new Set(rows.map((r) => r.id)).size).toBe(4);
      const times = rows.map((r) => r.createdAt.getTime());
      expect([...times].sort((x, y) => x - y)).toEqual(times);
      expect(new Set(times).size).toBe(4);
      expect(await prisma.conversation.count({ where: { userId } })).toBe(4);
    });

    it('keeps updates, deletes and their not-found errors right from kept plans', async () => {
      const prisma = await tenant(a);
      const p = await prisma.project.create({ data: { name: 'Delta' } });
      const stamps: number[] = [];
      for (let i = 0; i < 3; i++) {
        const u = await prisma.project.update({ where: { id: p.id }, data: { description: 'same' } });
        stamps.push(u.updatedAt.getTime());
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(new Set(stamps).size).toBe(3);
      await prisma.project.delete({ where: { id: p.id } });
      for (let i = 0; i < 3; i++) {
        await expect(prisma.project.update({ where: { id: p.id }, data: { description: 'same' } })).rejects.toMatchObject({
          code: 'P2025',
        });
      }
    });

    it('runs the same upsert again and again from a kept plan, with and without an update', async () => {
      const prisma = await tenant(a);
      const project = await prisma.project.create({ data: { name: 'Upserted' } });
      const userId = randomUUID();
      for (const update of [{}, { role: 'lead' }]) {
        for (let i = 0; i < 4; i++) {
          const m = await prisma.projectMember.upsert({
            where: { projectId_userId: { projectId: project.id, userId } },
            create: { projectId: project.id, userId, role: 'member' },
            update,
          });
          expect(m).toMatchObject({ projectId: project.id, userId, role: Object.keys(update).length ? 'lead' : 'member' });
          expect(m.createdAt).toBeInstanceOf(Date);
        }
      }
    });

    it('keeps raw queries and their parameters right', async () => {
      const prisma = await tenant(a);
      for (let i = 0; i < 3; i++) {
        const rows = await prisma.$queryRaw<{ n: number }[]>`SELECT ${41 + i}::int + 1 AS n`;
        expect(rows[0].n).toBe(42 + i);
      }
      for (let i = 0; i < 3; i++) expect((await prisma.$queryRaw<{ n: number }[]>`SELECT ${7}::int AS n`)[0].n).toBe(7);
    });

    it('never shows one tenant the rows of another through the same query text', async () => {
      const [pa, pb] = [await tenant(a), await tenant(b)];
      await pb.project.create({ data: { name: 'Only in B' } });
      const query = (p: typeof pa) => p.project.findMany({ orderBy: { name: 'asc' } });
      for (let i = 0; i < 3; i++) {
        const [ra, rb] = await Promise.all([query(pa), query(pb)]);
        expect(ra.map((p) => p.name)).not.toContain('Only in B');
        expect(rb.map((p) => p.name)).toEqual(['Only in B']);
      }
    });

    it('gives every one of many concurrent runs of one kept plan its own right answer', async () => {
      const prisma = await tenant(a);
      const names = ['Alpha', 'Beta', 'Gamma'];
      const runs = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          prisma.project.findFirst({ where: { name: names[i % 3] } }).then((p) => [names[i % 3], p?.name]),
        ),
      );
      for (const [wanted, got] of runs) expect(got).toBe(wanted);
    });
  });
});
