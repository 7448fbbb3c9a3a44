import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';

describe('e2e/roles-concurrency', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  // A role deleted while a user's roles are read or replaced is a 4xx for the requests naming it, never a
  // 500, and never a failure of the requests that name only surviving roles.
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
    // Roles 1 and 3 are deleted during the run; 0 and 2 survive it.
    const requests = [];
    const survivors = [];
    for (let i = 0; i < 40; i++) {
      requests.push(
        t.http
          .put(`/api/v1/users/${target.userId}/roles`)
          .set(auth)
          .send({ roleIds: [roles[i % 4], roles[(i + 1) % 4]] }),
      );
      if (i % 4 === 0)
        survivors.push(
          t.http
            .put(`/api/v1/users/${target.userId}/roles`)
            .set(auth)
            .send({ roleIds: [roles[0], roles[2]] }),
        );
      if (i % 10 === 5) requests.push(t.http.delete(`/api/v1/roles/${roles[i % 4]}`).set(auth));
    }
    const [statuses, survivorStatuses] = await Promise.all([
      Promise.all(requests).then((rs) => rs.map((r) => r.status)),
      Promise.all(survivors).then((rs) => rs.map((r) => r.status)),
    ]);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(survivorStatuses).toEqual(survivors.map(() => 200));
    await t.http.get(`/api/v1/users/${target.userId}`).set(auth).expect(200);
  });

  // Concurrent PATCHes of one role's capabilities must not leave the union of the sets:
  // a revocation racing another edit would silently fail.
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
