/**
 * A client in maintenance is read-only (API contract, Clients): its users'
 * GET requests work, every other request answers 503 CLIENT_MAINTENANCE with
 * Retry-After, on every instance within a second; `status: "active"` ends it.
 */
import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';
import { Api, as, createProject, expectError } from '../helpers/time-tracking.js';

describe('e2e/maintenance', () => {
  let t: TestApp;
  let second: TestApp;
  let platform: Api;
  beforeAll(async () => {
    t = await createTestApp({}, { keepDatabase: true });
    second = await createTestApp({}, { database: t.db as never });
    platform = as(t, await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] }));
  });
  afterAll(async () => {
    await second.close();
    await t.close();
  });

  async function waitFor(check: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 40 && !(await check()); i++) await new Promise((r) => setTimeout(r, 50));
  }

  describe('maintenance status', () => {
    it('serves reads, refuses every write with 503 CLIENT_MAINTENANCE and Retry-After on every instance, until made active', async () => {
      const clientId = await provisionClient(t);
      const other = await provisionClient(t);
      const admin = await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] });
      const outsider = as(t, await createUserWithToken(t, { clientId: other, roleKeys: ['client-admin'] }));
      const project = await createProject(as(t, admin));
      const there = as(second, admin);
      await there.get('/projects').expect(200);

      const patched = await platform.patch(`/clients/${clientId}`, { status: 'maintenance' });
      expect(patched.status).toBe(200);
      expect(patched.body.status).toBe('maintenance');
      await waitFor(async () => (await there.post('/projects', { name: 'probe' })).status === 503);

      for (const api of [as(t, admin), there]) {
        expect((await api.get(`/projects/${project.id}`)).status).toBe(200);
        expect((await api.get('/auth/me')).status).toBe(200);
        for (const res of [
          await api.post('/projects', { name: 'During maintenance' }),
          await api.patch(`/projects/${project.id}`, { description: 'changed' }),
          await api.post('/users', { email: `m-${Date.now()}@example.test`, name: 'M', password: 'correct horse battery' }),
          await api.post('/conversations', {}),
        ]) {
          expectError(res, 503, 'CLIENT_MAINTENANCE');
          expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        }
      }
      expect((await as(t, admin).get('/projects?search=During')).body.data).toEqual([]);
      // Other clients are not affected.
      expect((await outsider.post('/projects', { name: 'Elsewhere' })).status).toBe(201);

      expect((await platform.patch(`/clients/${clientId}`, { status: 'active' })).body.status).toBe('active');
      await waitFor(async () => (await there.post('/conversations', {})).status === 201);
      expect((await as(t, admin).post('/projects', { name: 'After maintenance' })).status).toBe(201);
    });

    it('is refused for a deleted client, and offered in the status filter', async () => {
      const clientId = await provisionClient(t);
      const slug = (await platform.get(`/clients/${clientId}`)).body.slug;
      await platform.delete(`/clients/${clientId}?confirm=${slug}`).expect(204);
      expectError(await platform.patch(`/clients/${clientId}`, { status: 'maintenance' }), 409, 'CONFLICT');
      expect((await platform.get('/clients?status=maintenance')).status).toBe(200);
      expectError(await platform.patch(`/clients/${clientId}`, { status: 'failed' }), 400, 'VALIDATION_FAILED');
    });
  });
});
