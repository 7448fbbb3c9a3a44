/**
 * ETags on single resources: a strong ETag on GET, 304 for a matching
 * If-None-Match, 412 PRECONDITION_FAILED (nothing changed) for a write whose
 * If-Match no longer matches, the new ETag on a successful PATCH or PUT, and
 * of two writes sent with the same ETag exactly one applies.
 */
import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';

describe('e2e/etags', () => {
  let t: TestApp;
  let admin: { userId: string; token: string };
  let platform: { token: string };
  let ids: Record<string, string>;

  type Method = 'get' | 'patch' | 'put' | 'delete' | 'post';
  function call(
    method: Method,
    path: string,
    token: string,
    opts: { body?: object; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    let req = t.http[method](`/api/v1${path}`).set('Authorization', `Bearer ${token}`);
    for (const [k, v] of Object.entries(opts.headers ?? {})) req = req.set(k, v);
    return opts.body !== undefined ? req.send(opts.body) : req;
  }

  beforeAll(async () => {
    t = await createTestApp();
    const clientId = await provisionClient(t, 'Etag Inc');
    admin = await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] });
    platform = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
    const tag = randomBytes(3).toString('hex');
    const project = await call('post', '/projects', admin.token, { body: { name: `Etag ${tag}` } });
    const task = await call('post', '/tasks', admin.token, { body: { projectId: project.body.id, title: 'Tagged' } });
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const entry = await call('post', '/time-entries', admin.token, { body: { projectId: project.body.id, date: day, duration: 600 } });
    const role = await call('post', '/roles', admin.token, { body: { name: `Tagged ${tag}`, capabilities: ['projects:read'] } });
    const member = await createUserWithToken(t, { clientId, roleKeys: ['member'] });
    ids = {
      projects: project.body.id,
      tasks: task.body.id,
      'time-entries': entry.body.id,
      roles: role.body.id,
      users: member.userId,
      clients: clientId,
    };
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** For each resource: a PATCH body that changes it, and the token allowed to. */
  const edits: [string, () => object, () => string][] = [
    ['projects', () => ({ description: randomBytes(4).toString('hex') }), () => admin.token],
    ['tasks', () => ({ title: randomBytes(4).toString('hex') }), () => admin.token],
    ['time-entries', () => ({ description: randomBytes(4).toString('hex') }), () => admin.token],
    ['users', () => ({ name: randomBytes(4).toString('hex') }), () => admin.token],
    ['roles', () => ({ description: randomBytes(4).toString('hex') }), () => admin.token],
    ['clients', () => ({ name: `Etag ${randomBytes(4).toString('hex')}` }), () => platform.token],
  ];

  describe('ETags and conditional requests', () => {
    it.each(edits)(
      '/%s/:id: strong ETag, 304, 412 with nothing changed, and the new ETag after a PATCH',
      async (collection, edit, tokenOf) => {
        const path = `/${collection}/${ids[collection]}`;
        const token = tokenOf();
        const got = await call('get', path, token);
        expect(got.status).toBe(200);
        const etag = got.headers.etag as string;
        expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
        expect((await call('get', path, token)).headers.etag).toBe(etag);

        const notModified = await call('get', path, token, { headers: { 'If-None-Match': `"other", ${etag}` } });
        expect(notModified.status).toBe(304);
        expect(notModified.text ?? '').toBe('');
        expect(notModified.headers.etag).toBe(etag);
        expect((await call('get', path, token, { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);

        const patched = await call('patch', path, token, { body: edit(), headers: { 'If-Match': etag } });
        expect(patched.status).toBe(200);
        const newTag = patched.headers.etag as string;
        expect(newTag).toBeDefined();
        expect(newTag).not.toBe(etag);
        const now = await call('get', path, token);
        expect(now.headers.etag).toBe(newTag);

        // The old ETag no longer matches: 412, and nothing changed.
        const stale = await call('patch', path, token, { body: edit(), headers: { 'If-Match': etag } });
        expect([stale.status, stale.body.code]).toEqual([412, 'PRECONDITION_FAILED']);
        expect((await call('get', path, token)).text).toBe(now.text);
        // A weak tag never matches If-Match (strong comparison); `*` matches any current representation.
        expect((await call('patch', path, token, { body: edit(), headers: { 'If-Match': `W/${newTag}` } })).status).toBe(412);
        expect((await call('patch', path, token, { body: edit(), headers: { 'If-Match': '*' } })).status).toBe(200);
      },
    );

    it('applies PUT /users/:id/roles only while If-Match holds, and answers the new ETag', async () => {
      const path = `/users/${ids.users}`;
      const etag = (await call('get', path, admin.token)).headers.etag as string;
      const put = await call('put', `${path}/roles`, admin.token, { body: { roleIds: [ids.roles] }, headers: { 'If-Match': etag } });
      expect(put.status).toBe(200);
      expect(put.headers.etag).toBe((await call('get', path, admin.token)).headers.etag);
      const stale = await call('put', `${path}/roles`, admin.token, { body: { roleIds: [] }, headers: { 'If-Match': etag } });
      expect([stale.status, stale.body.code]).toEqual([412, 'PRECONDITION_FAILED']);
      expect((await call('get', path, admin.token)).body.roles.map((r: { id: string }) => r.id)).toEqual([ids.roles]);
    });

    it('refuses a DELETE whose If-Match is stale with 412, keeping the resource', async () => {
      const task = await call('post', '/tasks', admin.token, { body: { projectId: ids.projects, title: 'Doomed' } });
      const path = `/tasks/${task.body.id}`;
      const etag = (await call('get', path, admin.token)).headers.etag as string;
      expect((await call('patch', path, admin.token, { body: { title: 'Changed' } })).status).toBe(200);
      expect((await call('delete', path, admin.token, { headers: { 'If-Match': etag } })).status).toBe(412);
      expect((await call('get', path, admin.token)).status).toBe(200);
      const current = (await call('get', path, admin.token)).headers.etag as string;
      expect((await call('delete', path, admin.token, { headers: { 'If-Match': current } })).status).toBe(204);
      expect((await call('get', path, admin.token)).status).toBe(404);
    });

    // Lost updates: two editors who read the same version must not both write.
    it('lets exactly one of two concurrent If-Match PATCHes with the same ETag win', async () => {
      for (let round = 0; round < 5; round++) {
        const path = `/projects/${ids.projects}`;
        const etag = (await call('get', path, admin.token)).headers.etag as string;
        const [a, b] = await Promise.all(
          ['first', 'second'].map((who) =>
            call('patch', path, admin.token, { body: { description: `${who} ${round}` }, headers: { 'If-Match': etag } }),
          ),
        );
        expect([a.status, b.status].sort()).toEqual([200, 412]);
        const winner = a.status === 200 ? a : b;
        expect((await call('get', path, admin.token)).body.description).toBe(winner.body.description);
      }
    });

    it('answers 404, not 412, for a resource the caller may not see', async () => {
      const res = await call('patch', `/projects/00000000-0000-4000-8000-000000000000`, admin.token, {
        body: { description: 'x' },
        headers: { 'If-Match': '"whatever"' },
      });
      expect(res.status).toBe(404);
    });
  });
});
