/**
 * Malformed and hostile input gets a clear 400 or a correct answer: never a 500,
 * and never an unknown field silently accepted (the checks live in src/common and src/modules/rbac).
 */
import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';

describe('e2e/fuzz-regressions', () => {
  let t: TestApp;
  let auth: { authorization: string };
  let memberId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const clientId = await provisionClient(t, 'Fuzz Regressions');
    const admin = await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] });
    memberId = (await createUserWithToken(t, { clientId, roleKeys: ['member'] })).userId;
    auth = { authorization: `Bearer ${admin.token}` };
  });
  afterAll(() => t.close());

  const post = (path: string, raw: string) => t.http.post(`/api/v1${path}`).set(auth).set('content-type', 'application/json').send(raw);

  describe('bad input is a clear 400, never a 500', () => {
    // JSON.parse makes "__proto__" an own key that class-transformer skips, so whitelisting never saw it.
    it('refuses __proto__ and constructor as unknown body fields', async () => {
      for (const key of ['__proto__', 'constructor']) {
        const res = await post('/projects', `{"name":"P ${key}","${key}":{"isAdmin":true}}`);
        expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      }
    });

    // PostgreSQL text cannot store NUL; Prisma cannot send an unpaired surrogate.
    it('refuses NUL characters and unpaired surrogates with 400 naming the field', async () => {
      for (const raw of ['{"name":"a\\u0000b"}', '{"name":"\\udfff\\ud800"}', '{"name":"ok","description":"\\u0000"}']) {
        const res = await post('/projects', raw);
        expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
        expect(res.body.details[0].field).toMatch(/name|description/);
      }
      const q = await t.http.get('/api/v1/projects?search=%00').set(auth);
      expect(q.status).toBe(400);
    });

    it('refuses a body that is an array, however deeply nested', async () => {
      for (const raw of ['[]', '[{"name":"x"}]', '['.repeat(5000) + ']'.repeat(5000)]) {
        const res = await post('/tasks', raw);
        expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      }
    });

    // class-validator's IsNumber({maxDecimalPlaces}) throws on exponent notation.
    it('refuses a number in exponent notation where decimals are limited, instead of crashing', async () => {
      const res = await post('/projects', '{"name":"Rate","hourlyRate":1e-7}');
      expect(res.status).toBe(400);
    });

    // Prisma's case-insensitive equals is ILIKE: "\" was an invalid pattern and "%" matched every system role.
    it('accepts role names with LIKE wildcards and backslashes', async () => {
      for (const name of ['\\', '%', 'a_b', 'x\\%']) {
        const res = await t.http
          .post('/api/v1/roles')
          .set(auth)
          .send({ name, capabilities: ['projects:read'] });
        expect([res.status, res.body.name]).toEqual([201, name]);
      }
      const clash = await t.http
        .post('/api/v1/roles')
        .set(auth)
        .send({ name: 'MEMBER', capabilities: ['projects:read'] });
      expect(clash.status).toBe(409);
    });

    // Concurrent edits of one role deadlocked (40P01) or hit a vanished foreign key: both were 500s.
    it('answers concurrent changes, assignments and deletion of one role without a 5xx', async () => {
      for (let i = 0; i < 8; i++) {
        const role = await t.http
          .post('/api/v1/roles')
          .set(auth)
          .send({ name: `race ${i}`, capabilities: ['projects:read'] });
        const id = role.body.id as string;
        const results = await Promise.all([
          t.http
            .patch(`/api/v1/roles/${id}`)
            .set(auth)
            .send({ capabilities: ['tasks:read', 'chat:use'] }),
          t.http
            .put(`/api/v1/users/${memberId}/roles`)
            .set(auth)
            .send({ roleIds: [id] }),
          t.http.delete(`/api/v1/roles/${id}`).set(auth),
          t.http
            .patch(`/api/v1/roles/${id}`)
            .set(auth)
            .send({ capabilities: ['users:read'] }),
        ]);
        for (const r of results) expect(r.status).toBeLessThan(500);
      }
    });
  });

  describe('cursors are checked before they reach the database: a bad one is a 400, never a 500', () => {
    const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const uuid = '00000000-0000-4000-8000-000000000000';
    // Dates JavaScript parses but the driver cannot send, ids that only look like UUIDs, an int8 overflow, NUL.
    const hostileInstants = [
      '+275760-09-13T00:00:00.000Z',
      '-271821-04-20T00:00:00.000Z',
      '0000-01-01T00:00:00.000Z',
      '2026-02-30T00:00:00.000Z',
      '2026-01-01',
    ];

    it('refuses out-of-range or malformed cursors on every list with 400 VALIDATION_FAILED naming the cursor', async () => {
      const platform = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
      const project = (await t.http.post('/api/v1/projects').set(auth).send({ name: 'Cursor project' })).body.id as string;
      const conversation = (await t.http.post('/api/v1/conversations').set(auth).send({})).body.id as string;
      const createdAtLists = ['/users', '/roles', '/tasks', '/conversations', '/impersonation/sessions', `/projects/${project}/members`];
      const cases: [string, string, string?][] = [];
      for (const path of createdAtLists) {
        for (const t_ of hostileInstants) cases.push([path, cursor({ t: t_, id: uuid })]);
        cases.push([path, cursor({ t: '2026-01-01T00:00:00.000Z', id: '-'.repeat(36) })]);
      }
      for (const t_ of hostileInstants) cases.push(['/clients', cursor({ t: t_, id: uuid }), `Bearer ${platform.token}`]);
      for (const s of [...hostileInstants, 12]) cases.push(['/time-entries', cursor({ d: '2026-01-01', s, id: uuid })]);
      for (const d of ['0000-01-01', '2026-13-01', '2026-02-30', '+12345-01-01'])
        cases.push(['/time-entries', cursor({ d, s: null, id: uuid })]);
      for (const s of ['9223372036854775808', '99999999999999999999', '-1', 1])
        cases.push([`/conversations/${conversation}/messages`, cursor({ s })]);
      cases.push(['/projects', cursor({ n: 'a\u0000b', id: uuid })], ['/projects', cursor({ n: 'a', id: '-'.repeat(36) })]);
      for (const [path, c, authorization] of cases) {
        const res = await t.http.get(`/api/v1${path}?cursor=${c}`).set(authorization ? { authorization } : auth);
        expect([path, Buffer.from(c, 'base64url').toString(), res.status, res.body.code, res.body.details?.[0]?.field]).toEqual([
          path,
          Buffer.from(c, 'base64url').toString(),
          400,
          'VALIDATION_FAILED',
          'cursor',
        ]);
      }
      // The cursors the service hands out still work.
      for (const path of ['/users', '/roles']) {
        const first = await t.http.get(`/api/v1${path}?limit=1`).set(auth).expect(200);
        await t.http.get(`/api/v1${path}?limit=1&cursor=${first.body.nextCursor}`).set(auth).expect(200);
      }
    });
  });

  describe('request bodies on routes that take none, or only optional fields', () => {
    const bogus = { bogus: true };

    it('refuses properties sent to a route that takes no body, and changes nothing', async () => {
      const project = (await t.http.post('/api/v1/projects').set(auth).send({ name: 'No-body project' }).expect(201)).body.id as string;
      await t.http.post('/api/v1/time-entries/start').set(auth).send({ projectId: project }).expect(201);
      const refused = [
        await t.http.post('/api/v1/time-entries/stop').set(auth).send(bogus),
        await t.http.post('/api/v1/auth/2fa/setup').set(auth).send(bogus),
        await t.http.post('/api/v1/auth/logout-all').set(auth).send(bogus),
        await t.http.delete(`/api/v1/projects/${project}`).set(auth).send(bogus),
        await t.http.delete(`/api/v1/projects/${project}/members/${memberId}`).set(auth).send(bogus),
        await t.http.post('/api/v1/time-entries/stop').set(auth).send([]),
        await t.http.post('/api/v1/time-entries/stop').set(auth).set('content-type', 'text/plain').send('stop'),
      ];
      for (const res of refused) expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(refused[0].body.details).toEqual([{ field: 'bogus', message: 'property bogus should not exist' }]);
      // Nothing happened: the timer still runs, the project is not archived, the token still works.
      expect((await t.http.get('/api/v1/time-entries/running').set(auth)).status).toBe(200);
      expect((await t.http.get(`/api/v1/projects/${project}`).set(auth).expect(200)).body.archived).toBe(false);
      // No body, an empty object, or an empty body of another type are all "no body".
      // (each stopped entry is deleted so that the next timer does not overlap it)
      const stopAndDelete = async (stop: () => Promise<{ status: number; body: { id: string } }>) => {
        const stopped = await stop();
        expect(stopped.status).toBe(200);
        await t.http.delete(`/api/v1/time-entries/${stopped.body.id}`).set(auth).expect(204);
      };
      await stopAndDelete(() => t.http.post('/api/v1/time-entries/stop').set(auth));
      await t.http.post('/api/v1/time-entries/start').set(auth).send({ projectId: project }).expect(201);
      await stopAndDelete(() => t.http.post('/api/v1/time-entries/stop').set(auth).send({}));
      await t.http.post('/api/v1/time-entries/start').set(auth).send({ projectId: project }).expect(201);
      await stopAndDelete(() => t.http.post('/api/v1/time-entries/stop').set(auth).set('content-type', 'text/plain'));
      await t.http.delete(`/api/v1/projects/${project}`).set(auth).expect(204);
    });

    it('takes a request without any body as {} where every field is optional, and names missing required fields', async () => {
      const created = await t.http.post('/api/v1/conversations').set(auth);
      expect([created.status, created.body.title ?? null]).toEqual([201, null]);
      const project = (await t.http.post('/api/v1/projects').set(auth).send({ name: 'Optional-body project' }).expect(201)).body
        .id as string;
      const member = await t.http.put(`/api/v1/projects/${project}/members/${memberId}`).set(auth);
      expect([member.status, member.body.role]).toEqual([200, 'member']);
      const missing = await t.http.post('/api/v1/projects').set(auth);
      expect([missing.status, missing.body.code, [...new Set(missing.body.details.map((d: { field: string }) => d.field))]]).toEqual([
        400,
        'VALIDATION_FAILED',
        ['name'],
      ]);
      // A missing required field is named as missing, once (was its first constraint: "must be shorter than …").
      const login = await t.http.post('/api/v1/auth/login').send({ email: 'nobody@example.test' });
      expect([login.status, login.body.message, login.body.details]).toEqual([
        400,
        'password is required',
        [{ field: 'password', message: 'password is required' }],
      ]);
      const nested = await t.http.post('/api/v1/projects').set(auth).send({ name: 'x', hourlyRate: 'ten' });
      expect(nested.body.details.map((d: { message: string }) => d.message).join()).not.toContain('required');
      // Content that is not JSON is still refused where a body is expected.
      const text = await t.http.post('/api/v1/conversations').set(auth).set('content-type', 'text/plain').send('title=x');
      expect([text.status, text.body.code, text.body.details]).toEqual([
        400,
        'VALIDATION_FAILED',
        [{ field: 'body', message: 'body must be a JSON object' }],
      ]);
    });
  });
});
