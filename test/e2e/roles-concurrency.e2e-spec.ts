import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';

describe('e2e/roles-concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  // Found by the fuzzer: a role deleted while a user's roles were read came back
  // as a null relation and crashed the request (500).
  it('keeps answering 2xx/4xx while roles are reassigned and deleted concurrently', async () => {
    const clientId = await provisionClient(t);
    const admin = await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] });
    const target = await createUserWithToken(t, { clientId, roleKeys: ['member'] });
    const auth = { authorization: `Bearer ${admin.token}` };
    const roles: string[] = [];
    for (let i = 0; i < 4; i++) {
      roles.push(
        (
          await t.http
            .post('/api/v1/roles')
            .set(auth)
            .send({ name: `race-${i}`, capabilities: ['chat:use'] })
            .expect(201)
        ).body.id,
      );
    }
    const requests = [];
    for (let i = 0; i < 40; i++) {
      requests.push(
        t.http
          .put(`/api/v1/users/${target.userId}/roles`)
          .set(auth)
          .send({ roleIds: [roles[i % 4], roles[(i + 1) % 4]] }),
      );
      if (i % 10 === 5) requests.push(t.http.delete(`/api/v1/roles/${roles[i % 4]}`).set(auth));
    }
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.some((s) => s === 200)).toBe(true);
    await t.http.get(`/api/v1/users/${target.userId}`).set(auth).expect(200);
  });

  // Found by the third contract audit: concurrent PATCHes of one role's capabilities left the union of the sets,
  // so a revocation racing another edit could silently fail.
  it('leaves exactly one of the requested capability sets after concurrent PATCHes of one role', async () => {
    const clientId = await provisionClient(t);
    const admin = await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] });
    const auth = { authorization: `Bearer ${admin.token}` };
    const sets = [['users:read'], ['chat:use'], ['tasks:read', 'projects:read'], ['roles:read']];
    for (let round = 0; round < 10; round++) {
      const id = (
        await t.http
          .post('/api/v1/roles')
          .set(auth)
          .send({ name: `patch-race-${round}`, capabilities: ['projects:read'] })
          .expect(201)
      ).body.id as string;
      const results = await Promise.all(sets.map((capabilities) => t.http.patch(`/api/v1/roles/${id}`).set(auth).send({ capabilities })));
      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      const final = ((await t.http.get(`/api/v1/roles/${id}`).set(auth).expect(200)).body.capabilities as string[]).sort();
      expect(sets.map((s) => [...s].sort().join())).toContain(final.join());
    }
  });
});
