import type { Response } from 'supertest';
import { randomUUID } from 'node:crypto';
import { createTestApp, createUserWithToken, TestApp } from '../helpers/test-app.js';
import { addMember, as, createProject, expectError, setupTenant } from '../helpers/time-tracking.js';

describe('e2e/projects', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof setupTenant>>;
  let b: Awaited<ReturnType<typeof setupTenant>>;

  beforeAll(async () => {
    t = await createTestApp();
    [a, b] = await Promise.all([setupTenant(t), setupTenant(t)]);
  });
  afterAll(() => t.close());

  describe('projects', () => {
    it('creates a project with defaults and the contract fields', async () => {
      const res = await as(t, a.manager).post('/projects', { name: '  Website  ', description: 'Relaunch', hourlyRate: 95.5 });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Website',
        description: 'Relaunch',
        billable: true,
        hourlyRate: 95.5,
        archived: false,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const got = await as(t, a.manager).get(`/projects/${res.body.id}`).expect(200);
      expect(got.body).toEqual(res.body);
    });

    it('refuses a duplicate name case-insensitively with 409 CONFLICT', async () => {
      await createProject(as(t, a.manager), { name: 'Billing Portal' });
      const res = await as(t, a.manager).post('/projects', { name: 'billing PORTAL' });
      expectError(res, 409, 'CONFLICT');
      const rename = await createProject(as(t, a.manager), { name: 'Other name' });
      expectError(await as(t, a.manager).patch(`/projects/${rename.id}`, { name: 'BILLING portal' }), 409, 'CONFLICT');
    });

    // Names are unique per client: each tenant has its own database.
    it('allows the same name in another client', async () => {
      await createProject(as(t, a.manager), { name: 'Shared Name' });
      await createProject(as(t, b.manager), { name: 'Shared Name' });
    });

    it('rejects bad input with 400 VALIDATION_FAILED and field details, creating nothing', async () => {
      const cases: Record<string, unknown>[] = [
        {},
        { name: '' },
        { name: '   ' },
        { name: 'x'.repeat(201) },
        { name: 'ok', billable: 'yes' },
        { name: 'ok', hourlyRate: -1 },
        { name: 'ok', hourlyRate: 1.234 },
        { name: 'ok', hourlyRate: '12' },
        { name: 'ok', unknownField: 1 },
        { name: 'ok', archived: true },
      ];
      for (const body of cases) {
        const res = await as(t, a.manager).post('/projects', body);
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.details.length).toBeGreaterThan(0);
      }
      const list = await as(t, a.manager).get('/projects?search=ok&limit=200').expect(200);
      expect(list.body.data.filter((p: { name: string }) => p.name === 'ok')).toEqual([]);
    });

    it('refuses writes without projects:manage (403) and lets members see only their projects', async () => {
      const mine = await createProject(as(t, a.manager), { name: 'Member Visible' });
      const other = await createProject(as(t, a.manager), { name: 'Member Hidden' });
      await addMember(as(t, a.manager), mine.id, a.member.userId);

      expectError(await as(t, a.member).post('/projects', { name: 'Nope' }), 403, 'FORBIDDEN');
      expectError(await as(t, a.member).patch(`/projects/${mine.id}`, { name: 'Nope' }), 403, 'FORBIDDEN');
      expectError(await as(t, a.member).delete(`/projects/${mine.id}`), 403, 'FORBIDDEN');
      expectError(await as(t, a.member).put(`/projects/${mine.id}/members/${a.member2.userId}`), 403, 'FORBIDDEN');

      const list = await as(t, a.member).get('/projects?limit=200').expect(200);
      expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([mine.id]);
      await as(t, a.member).get(`/projects/${mine.id}`).expect(200);
      expectError(await as(t, a.member).get(`/projects/${other.id}`), 404, 'NOT_FOUND');
      expectError(await as(t, a.member).get(`/projects/${other.id}/members`), 404, 'NOT_FOUND');

      const all = await as(t, a.admin).get('/projects?limit=200').expect(200);
      expect(all.body.data.map((p: { id: string }) => p.id)).toEqual(expect.arrayContaining([mine.id, other.id]));
    });

    it('archives on DELETE (204), hides archived projects by default and restores with PATCH', async () => {
      const p = await createProject(as(t, a.manager), { name: 'To Archive' });
      await as(t, a.manager).delete(`/projects/${p.id}`).expect(204);
      await as(t, a.manager).delete(`/projects/${p.id}`).expect(204);
      const got = await as(t, a.manager).get(`/projects/${p.id}`).expect(200);
      expect(got.body.archived).toBe(true);
      const active = await as(t, a.manager).get('/projects?limit=200').expect(200);
      expect(active.body.data.some((x: { id: string }) => x.id === p.id)).toBe(false);
      const archived = await as(t, a.manager).get('/projects?archived=true&limit=200').expect(200);
      expect(archived.body.data.map((x: { id: string }) => x.id)).toContain(p.id);
      expect(archived.body.data.every((x: { archived: boolean }) => x.archived)).toBe(true);
      expectError(await as(t, a.manager).get('/projects?archived=maybe'), 400, 'VALIDATION_FAILED');
      const restored = await as(t, a.manager).patch(`/projects/${p.id}`, { archived: false }).expect(200);
      expect(restored.body.archived).toBe(false);
    });

    it('changes fields with PATCH; null clears description and hourlyRate but not name', async () => {
      const p = await createProject(as(t, a.manager), { name: 'Patch Me', description: 'd', hourlyRate: 10 });
      const res = await as(t, a.manager).patch(`/projects/${p.id}`, { description: null, hourlyRate: null, billable: false }).expect(200);
      expect(res.body).toMatchObject({ name: 'Patch Me', description: null, hourlyRate: null, billable: false });
      expectError(await as(t, a.manager).patch(`/projects/${p.id}`, { name: null }), 400, 'VALIDATION_FAILED');
      expectError(await as(t, a.manager).patch(`/projects/${p.id}`, { billable: null }), 400, 'VALIDATION_FAILED');
    });

    it('searches by name and paginates with a cursor in name order', async () => {
      const names = ['Pag Alpha', 'Pag Bravo', 'Pag Charlie', 'Pag Delta', 'Pag Echo'];
      for (const name of names) await createProject(as(t, a.manager), { name });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await as(t, a.manager)
          .get(`/projects?search=pag%20&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .expect(200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.data.map((p: { name: string }) => p.name));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(names);
      expectError(await as(t, a.manager).get('/projects?cursor=garbage'), 400, 'VALIDATION_FAILED');
      expectError(await as(t, a.manager).get('/projects?limit=201'), 400, 'VALIDATION_FAILED');
      expectError(await as(t, a.manager).get('/projects?limit=0'), 400, 'VALIDATION_FAILED');
    });

    it('answers 404 for ids that are not UUIDs or do not exist', async () => {
      expectError(await as(t, a.manager).get('/projects/not-a-uuid'), 404, 'NOT_FOUND');
      expectError(await as(t, a.manager).get(`/projects/${randomUUID()}`), 404, 'NOT_FOUND');
      expectError(await as(t, a.manager).patch(`/projects/${randomUUID()}`, { name: 'x' }), 404, 'NOT_FOUND');
      expectError(await as(t, a.manager).delete(`/projects/${randomUUID()}`), 404, 'NOT_FOUND');
    });

    it('refuses platform admins (no client) with 403 TENANT_REQUIRED and anonymous callers with 401', async () => {
      const platform = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
      expectError(await as(t, platform).get('/projects'), 403, 'TENANT_REQUIRED');
      const res = await t.http.get('/api/v1/projects');
      expect(res.status).toBe(401);
    });
  });

  describe('project members', () => {
    it('adds, updates the role of and removes members (upsert, 200 / 204)', async () => {
      const p = await createProject(as(t, a.manager), { name: 'Members Project' });
      const added = await as(t, a.manager).put(`/projects/${p.id}/members/${a.member.userId}`).expect(200);
      expect(added.body).toEqual({ projectId: p.id, userId: a.member.userId, role: 'member', createdAt: expect.any(String) });
      const lead = await as(t, a.manager).put(`/projects/${p.id}/members/${a.member.userId}`, { role: 'lead' }).expect(200);
      expect(lead.body.role).toBe('lead');
      // Omitting the role keeps the existing one.
      const kept = await as(t, a.manager).put(`/projects/${p.id}/members/${a.member.userId}`, {}).expect(200);
      expect(kept.body.role).toBe('lead');
      await as(t, a.manager).put(`/projects/${p.id}/members/${a.member2.userId}`, { role: 'member' }).expect(200);
      expectError(await as(t, a.manager).put(`/projects/${p.id}/members/${a.member2.userId}`, { role: 'owner' }), 400, 'VALIDATION_FAILED');

      const list = await as(t, a.member).get(`/projects/${p.id}/members`).expect(200);
      expect(list.body.data.map((m: { userId: string }) => m.userId)).toEqual([a.member.userId, a.member2.userId]);
      expect(list.body.nextCursor).toBeNull();
      const page1 = await as(t, a.manager).get(`/projects/${p.id}/members?limit=1`).expect(200);
      expect(page1.body.data).toHaveLength(1);
      const page2 = await as(t, a.manager).get(`/projects/${p.id}/members?limit=1&cursor=${page1.body.nextCursor}`).expect(200);
      expect(page2.body.data[0].userId).toBe(a.member2.userId);

      await as(t, a.manager).delete(`/projects/${p.id}/members/${a.member2.userId}`).expect(204);
      expectError(await as(t, a.manager).delete(`/projects/${p.id}/members/${a.member2.userId}`), 404, 'NOT_FOUND');
      // The removed member no longer sees the project.
      expectError(await as(t, a.member2).get(`/projects/${p.id}`), 404, 'NOT_FOUND');
    });

    // Member ids point into the main database; only active users of the same client qualify.
    it("refuses another client's user, an unknown user and a deactivated one with 404", async () => {
      const p = await createProject(as(t, a.manager), { name: 'Strict Members' });
      expectError(await as(t, a.manager).put(`/projects/${p.id}/members/${b.member.userId}`), 404, 'NOT_FOUND');
      expectError(await as(t, a.manager).put(`/projects/${p.id}/members/${randomUUID()}`), 404, 'NOT_FOUND');
      const gone = await createUserWithToken(t, { clientId: a.clientId, roleKeys: ['member'] });
      const { MainPrismaService } = await import('../../src/database/main-prisma.service.js');
      await t.get(MainPrismaService).user.update({ where: { id: gone.userId }, data: { isActive: false } });
      expectError(await as(t, a.manager).put(`/projects/${p.id}/members/${gone.userId}`), 404, 'NOT_FOUND');
      expectError(await as(t, a.manager).put(`/projects/${randomUUID()}/members/${a.member.userId}`), 404, 'NOT_FOUND');
    });
  });

  describe('two clients', () => {
    // Every tenant has its own database: no id of one is reachable with the other's token.
    it("never reaches another client's project or its members", async () => {
      const pa = await createProject(as(t, a.manager), { name: 'Tenant A Secret' });
      await addMember(as(t, a.manager), pa.id, a.member.userId);
      for (const user of [b.admin, b.manager, b.member]) {
        expectError(await as(t, user).get(`/projects/${pa.id}`), 404, 'NOT_FOUND');
        expectError(await as(t, user).get(`/projects/${pa.id}/members`), 404, 'NOT_FOUND');
      }
      expectError(await as(t, b.admin).patch(`/projects/${pa.id}`, { name: 'Hacked' }), 404, 'NOT_FOUND');
      expectError(await as(t, b.admin).delete(`/projects/${pa.id}`), 404, 'NOT_FOUND');
      expectError(await as(t, b.admin).put(`/projects/${pa.id}/members/${b.member.userId}`), 404, 'NOT_FOUND');
      const listB = await as(t, b.admin).get('/projects?limit=200&search=Tenant%20A').expect(200);
      expect(listB.body.data).toEqual([]);
      const still = await as(t, a.manager).get(`/projects/${pa.id}`).expect(200);
      expect(still.body.name).toBe('Tenant A Secret');
    });
  });

  describe('OpenAPI', () => {
    it('documents every time-tracking route with summaries, bodies and response schemas', async () => {
      const doc = (await t.http.get('/docs-json').expect(200)).body as {
        paths: Record<
          string,
          Record<string, { summary?: string; tags?: string[]; requestBody?: unknown; responses: Record<string, unknown> }>
        >;
        components: { schemas: Record<string, unknown> };
      };
      const routes: [string, string, string][] = [
        ['get', '/api/v1/projects', '200'],
        ['post', '/api/v1/projects', '201'],
        ['get', '/api/v1/projects/{id}', '200'],
        ['patch', '/api/v1/projects/{id}', '200'],
        ['delete', '/api/v1/projects/{id}', '204'],
        ['get', '/api/v1/projects/{id}/members', '200'],
        ['put', '/api/v1/projects/{id}/members/{userId}', '200'],
        ['delete', '/api/v1/projects/{id}/members/{userId}', '204'],
        ['get', '/api/v1/tasks', '200'],
        ['post', '/api/v1/tasks', '201'],
        ['get', '/api/v1/tasks/{id}', '200'],
        ['patch', '/api/v1/tasks/{id}', '200'],
        ['delete', '/api/v1/tasks/{id}', '204'],
        ['get', '/api/v1/time-entries', '200'],
        ['post', '/api/v1/time-entries', '201'],
        ['post', '/api/v1/time-entries/start', '201'],
        ['post', '/api/v1/time-entries/stop', '200'],
        ['get', '/api/v1/time-entries/running', '204'],
        ['get', '/api/v1/time-entries/{id}', '200'],
        ['patch', '/api/v1/time-entries/{id}', '200'],
        ['delete', '/api/v1/time-entries/{id}', '204'],
        ['get', '/api/v1/reports/summary', '200'],
        ['get', '/api/v1/reports/time-entries.csv', '200'],
      ];
      for (const [method, path, status] of routes) {
        const op = doc.paths[path]?.[method];
        expect({ path, method, op: Boolean(op) }).toEqual({ path, method, op: true });
        expect(op!.summary).toBeTruthy();
        expect(op!.tags?.length).toBeGreaterThan(0);
        expect(op!.responses[status]).toBeDefined();
        expect(op!.responses['401']).toBeDefined();
        if (['post', 'patch'].includes(method) && !path.endsWith('/stop')) expect(op!.requestBody).toBeDefined();
      }
      for (const schema of [
        'TimeEntryDto',
        'CreateTimeEntryDto',
        'UpdateTimeEntryDto',
        'ProjectDto',
        'TaskDto',
        'ReportSummaryDto',
        'ProjectMemberDto',
      ]) {
        expect(doc.components.schemas[schema]).toBeDefined();
      }
    });
  });
});
