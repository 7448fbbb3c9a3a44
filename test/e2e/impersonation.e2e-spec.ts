import { randomUUID } from 'node:crypto';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { InvalidationService } from '../../src/database/invalidation.service.js';
import { ImpersonationAuditService } from '../../src/modules/auth/impersonation-audit.service.js';
import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';

describe('e2e/impersonation', () => {
  type Caller = Awaited<ReturnType<typeof createUserWithToken>>;

  let t: TestApp;
  let main: MainPrismaService;
  let invalidation: InvalidationService;
  let clientA: string;
  let clientB: string;
  let platformAdmin: Caller;
  let otherPlatformAdmin: Caller;
  let adminA: Caller;
  let managerA: Caller;
  let memberA: Caller;
  let memberB: Caller;

  const API = '/api/v1';
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const reason = 'Support ticket #42';

  function start(token: string, body: Record<string, unknown>) {
    return t.http.post(`${API}/impersonation`).set(bearer(token)).send(body);
  }
  function end(token: string, id: string) {
    return t.http.post(`${API}/impersonation/${id}/end`).set(bearer(token));
  }
  function sessions(token: string, query = '') {
    return t.http.get(`${API}/impersonation/sessions${query}`).set(bearer(token));
  }
  function claimsOf(token: string): Record<string, unknown> {
    return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  }
  /** Starts a session that must succeed; returns its token and id. */
  async function impersonate(by: Caller, target: Caller, extra: Record<string, unknown> = {}): Promise<{ token: string; id: string }> {
    const res = await start(by.token, { userId: target.userId, reason, ...extra });
    expect(res.status).toBe(201);
    return { token: res.body.accessToken as string, id: res.body.session.id as string };
  }
  async function user(clientId: string | null, roleKeys: string[]): Promise<Caller> {
    return createUserWithToken(t, { clientId, roleKeys });
  }
  async function deactivate(userId: string): Promise<void> {
    await main.user.update({ where: { id: userId }, data: { isActive: false } });
    await invalidation.publish('user', userId);
  }

  beforeAll(async () => {
    t = await createTestApp();
    main = t.get(MainPrismaService);
    invalidation = t.get(InvalidationService);
    [clientA, clientB] = await Promise.all([provisionClient(t, 'Imp A'), provisionClient(t, 'Imp B')]);
    platformAdmin = await user(null, ['platform-admin']);
    otherPlatformAdmin = await user(null, ['platform-admin']);
    adminA = await user(clientA, ['client-admin']);
    managerA = await user(clientA, ['manager']);
    memberA = await user(clientA, ['member']);
    memberB = await user(clientB, ['member']);
  });
  afterAll(() => t.close());

  describe('POST /impersonation: allowed', () => {
    it('lets a platform admin impersonate a client user with a short-lived token acting as the target', async () => {
      const res = await start(platformAdmin.token, { userId: memberA.userId, reason: `  ${reason}  ` }).expect(201);
      expect(res.body).toEqual({ accessToken: expect.any(String), expiresIn: 1800, session: expect.any(Object) });
      expect(res.body.refreshToken).toBeUndefined();
      const s = res.body.session;
      expect(s).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        impersonator: { id: platformAdmin.userId, email: platformAdmin.email, name: 'Test User' },
        target: { id: memberA.userId, email: memberA.email, name: 'Test User', clientId: clientA },
        reason, // trimmed
        allowWrites: false,
        startedAt: expect.any(String),
        endedAt: null,
        expiresAt: expect.any(String),
        active: true,
        requestCount: 0,
        requests: [],
      });
      expect(Date.parse(s.expiresAt) - Date.parse(s.startedAt)).toBe(30 * 60_000);
      const claims = claimsOf(res.body.accessToken);
      expect(claims).toMatchObject({
        sub: memberA.userId,
        clientId: clientA,
        sid: s.id,
        impSid: s.id,
        act: { sub: platformAdmin.userId },
        typ: 'access',
      });
      expect((claims.exp as number) - (claims.iat as number)).toBe(1800);
      // The token authenticates as the member: a route the member may not use is 403, not 401.
      const probe = await sessions(res.body.accessToken).expect(403);
      expect(probe.body.code).toBe('FORBIDDEN');
    });

    it('lets a client admin impersonate a member of the same client, for the duration asked', async () => {
      const res = await start(adminA.token, { userId: memberA.userId, reason, durationMinutes: 10 }).expect(201);
      expect(res.body.expiresIn).toBe(600);
      expect(Date.parse(res.body.session.expiresAt) - Date.parse(res.body.session.startedAt)).toBe(600_000);
      expect(claimsOf(res.body.accessToken)).toMatchObject({ sub: memberA.userId, act: { sub: adminA.userId } });
      const row = await main.impersonationSession.findUnique({ where: { id: res.body.session.id } });
      expect(row).toMatchObject({
        impersonatorId: adminA.userId,
        targetUserId: memberA.userId,
        clientId: clientA,
        reason,
        allowWrites: false,
        endedAt: null,
      });
    });

    it('accepts the maximum duration of 60 minutes', async () => {
      const res = await start(platformAdmin.token, { userId: memberA.userId, reason, durationMinutes: 60 }).expect(201);
      expect(res.body.expiresIn).toBe(3600);
    });
  });

  describe('POST /impersonation: refusals', () => {
    it('refuses a caller without impersonation:start with 403 FORBIDDEN', async () => {
      const res = await start(managerA.token, { userId: memberA.userId, reason }).expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });

    it('refuses an anonymous caller with 401', async () => {
      await t.http.post(`${API}/impersonation`).send({ userId: memberA.userId, reason }).expect(401);
    });

    it('refuses self-impersonation with 403 IMPERSONATION_SELF', async () => {
      expect((await start(adminA.token, { userId: adminA.userId, reason }).expect(403)).body.code).toBe('IMPERSONATION_SELF');
      expect((await start(platformAdmin.token, { userId: platformAdmin.userId, reason }).expect(403)).body.code).toBe('IMPERSONATION_SELF');
    });

    // An impersonation token must never open a chain of identities.
    it('refuses nesting: IMPERSONATION_NESTED with a write-enabled token, IMPERSONATION_READ_ONLY (checked first) with a read-only one', async () => {
      const rw = await impersonate(platformAdmin, adminA, { allowWrites: true });
      const nested = await start(rw.token, { userId: memberA.userId, reason }).expect(403);
      expect(nested.body.code).toBe('IMPERSONATION_NESTED');
      const ro = await impersonate(platformAdmin, adminA);
      const readOnly = await start(ro.token, { userId: memberA.userId, reason }).expect(403);
      expect(readOnly.body.code).toBe('IMPERSONATION_READ_ONLY');
    });

    it('refuses a platform admin impersonating another platform admin with 403 IMPERSONATION_NOT_ALLOWED', async () => {
      const res = await start(platformAdmin.token, { userId: otherPlatformAdmin.userId, reason }).expect(403);
      expect(res.body.code).toBe('IMPERSONATION_NOT_ALLOWED');
    });

    it('answers 404 to a client admin targeting a platform admin (never reveal users outside the client)', async () => {
      expect((await start(adminA.token, { userId: platformAdmin.userId, reason }).expect(404)).body.code).toBe('NOT_FOUND');
    });

    // Impersonation must not be a way to gain capabilities one was not given.
    it('refuses a client user impersonating someone holding a capability they lack with 403 IMPERSONATION_NOT_ALLOWED', async () => {
      const supportRole = await main.role.create({
        data: {
          clientId: clientA,
          name: `support-${randomUUID().slice(0, 6)}`,
          capabilities: {
            create: [
              'impersonation:start',
              'users:read',
              'time-entries:read:own',
              'time-entries:write:own',
              'reports:read:own',
              'projects:read',
              'tasks:read',
              'chat:use',
            ].map((capability) => ({ capability })),
          },
        },
      });
      const support = await user(clientA, []);
      await main.userRole.create({ data: { userId: support.userId, roleId: supportRole.id } });
      await invalidation.publish('user', support.userId);

      const refused = await start(support.token, { userId: managerA.userId, reason }).expect(403);
      expect(refused.body.code).toBe('IMPERSONATION_NOT_ALLOWED');
      expect(refused.body.message).toContain('projects:manage');
      // Someone holding only capabilities the support user holds is fine, writes included.
      await start(support.token, { userId: memberA.userId, reason, allowWrites: true }).expect(201);
      // A client admin holds every client capability: may impersonate the manager.
      await start(adminA.token, { userId: managerA.userId, reason }).expect(201);
    });

    it('answers 404 for a user of another client and for an unknown user', async () => {
      expect((await start(adminA.token, { userId: memberB.userId, reason }).expect(404)).body.code).toBe('NOT_FOUND');
      expect((await start(adminA.token, { userId: randomUUID(), reason }).expect(404)).body.code).toBe('NOT_FOUND');
      expect((await start(platformAdmin.token, { userId: randomUUID(), reason }).expect(404)).body.code).toBe('NOT_FOUND');
    });

    it('answers 409 IMPERSONATION_TARGET_INACTIVE for a deactivated user', async () => {
      const gone = await user(clientA, ['member']);
      await deactivate(gone.userId);
      expect((await start(platformAdmin.token, { userId: gone.userId, reason }).expect(409)).body.code).toBe(
        'IMPERSONATION_TARGET_INACTIVE',
      );
      expect((await start(adminA.token, { userId: gone.userId, reason }).expect(409)).body.code).toBe('IMPERSONATION_TARGET_INACTIVE');
    });

    it.each([
      ['a missing reason', { reason: undefined }, 'reason'],
      ['a blank reason', { reason: '   ' }, 'reason'],
      ['a reason over 500 characters', { reason: 'x'.repeat(501) }, 'reason'],
      ['a non-string reason', { reason: 42 }, 'reason'],
      ['a duration over 60 minutes', { durationMinutes: 61 }, 'durationMinutes'],
      ['a zero duration', { durationMinutes: 0 }, 'durationMinutes'],
      ['a fractional duration', { durationMinutes: 1.5 }, 'durationMinutes'],
      ['a non-boolean allowWrites', { allowWrites: 'yes' }, 'allowWrites'],
      ['a malformed userId', { userId: 'not-a-uuid' }, 'userId'],
      ['an unknown field', { refreshToken: true }, 'refreshToken'],
    ])('answers 400 VALIDATION_FAILED for %s, creating nothing', async (_name, patch, field) => {
      const before = await main.impersonationSession.count();
      const res = await start(platformAdmin.token, { userId: memberA.userId, reason, ...patch }).expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await main.impersonationSession.count()).toBe(before);
    });

    it("answers 403 CLIENT_SUSPENDED when the target's client is suspended", async () => {
      const clientC = await provisionClient(t, 'Imp Suspended');
      const memberC = await user(clientC, ['member']);
      await main.client.update({ where: { id: clientC }, data: { status: 'suspended' } });
      await invalidation.publish('client', clientC);
      expect((await start(platformAdmin.token, { userId: memberC.userId, reason }).expect(403)).body.code).toBe('CLIENT_SUSPENDED');
    });
  });

  describe('read-only by default', () => {
    it('refuses non-GET requests made with a read-only token with 403 IMPERSONATION_READ_ONLY and allows GET', async () => {
      const other = await impersonate(adminA, memberA);
      const imp = await impersonate(platformAdmin, adminA);
      const res = await end(imp.token, other.id).expect(403);
      expect(res.body.code).toBe('IMPERSONATION_READ_ONLY');
      // Nothing changed: the other session is still live.
      expect((await main.impersonationSession.findUnique({ where: { id: other.id } }))?.endedAt).toBeNull();
      await sessions(imp.token).expect(200);
    });

    // Read-only comes before capabilities: a write the impersonated user's role lacks is IMPERSONATION_READ_ONLY, not FORBIDDEN.
    it("refuses with IMPERSONATION_READ_ONLY also writes the impersonated user's role does not allow", async () => {
      const imp = await impersonate(platformAdmin, memberA);
      const b = bearer(imp.token);
      const writes = [
        await t.http.post(`${API}/projects`).set(b).send({ name: 'Nope' }),
        await t.http.post(`${API}/users`).set(b).send({ email: 'x@example.test', name: 'X', password: 'long enough pw' }),
        await t.http.post(`${API}/roles`).set(b).send({ name: 'Nope', capabilities: [] }),
        await t.http.post(`${API}/impersonation`).set(b).send({ userId: adminA.userId, reason }),
        await t.http.post(`${API}/time-entries/start`).set(b).send({}),
      ];
      for (const res of writes) expect([res.status, res.body.code]).toEqual([403, 'IMPERSONATION_READ_ONLY']);
      // Reads keep their own answer: the member may not list users.
      expect((await t.http.get(`${API}/users`).set(b)).body.code).toBe('FORBIDDEN');
    });

    it('passes non-GET requests with allowWrites (the route itself then decides)', async () => {
      const other = await impersonate(platformAdmin, memberA);
      const imp = await impersonate(platformAdmin, adminA, { allowWrites: true });
      // Past the read-only check; the route answers 404 since the session is not the caller's.
      expect((await end(imp.token, other.id).expect(404)).body.code).toBe('NOT_FOUND');
      const s = await sessions(platformAdmin.token, `?targetUserId=${adminA.userId}&active=true`).expect(200);
      expect(s.body.data.find((x: { id: string }) => x.id === imp.id)?.allowWrites).toBe(true);
    });

    it("refuses allowWrites with 403 IMPERSONATION_WRITES_NOT_ALLOWED when the impersonator lacks one of the target's write capabilities", async () => {
      // The platform-admin system role normally holds every capability; take chat:use away for this test.
      const role = await main.role.findUniqueOrThrow({ where: { key: 'platform-admin' } });
      await main.roleCapability.deleteMany({ where: { roleId: role.id, capability: 'chat:use' } });
      await invalidation.publish('role', role.id);
      try {
        const res = await start(platformAdmin.token, { userId: memberA.userId, reason, allowWrites: true }).expect(403);
        expect(res.body.code).toBe('IMPERSONATION_WRITES_NOT_ALLOWED');
        expect(res.body.message).toContain('chat:use');
        // Read-only is still allowed.
        await start(platformAdmin.token, { userId: memberA.userId, reason }).expect(201);
      } finally {
        await main.roleCapability.create({ data: { roleId: role.id, capability: 'chat:use' } });
        await invalidation.publish('role', role.id);
      }
      await start(platformAdmin.token, { userId: memberA.userId, reason, allowWrites: true }).expect(201);
    });
  });

  describe('POST /impersonation/:id/end', () => {
    it('ends the session by the impersonator: the token answers 401 at once', async () => {
      const imp = await impersonate(adminA, memberA);
      await sessions(imp.token).expect(403); // alive (the member lacks impersonation:start)
      await end(adminA.token, imp.id).expect(204);
      expect((await sessions(imp.token).expect(401)).body.code).toBe('UNAUTHENTICATED');
      const row = await main.impersonationSession.findUniqueOrThrow({ where: { id: imp.id } });
      expect(row.endedAt).not.toBeNull();
    });

    it('ends the session with the (read-only) impersonation token itself', async () => {
      const imp = await impersonate(platformAdmin, adminA);
      await sessions(imp.token).expect(200);
      await end(imp.token, imp.id).expect(204);
      await sessions(imp.token).expect(401);
      await end(imp.token, imp.id).expect(401);
    });

    it('is idempotent: ending an ended session answers 204 and keeps the first end time', async () => {
      const imp = await impersonate(platformAdmin, memberA);
      await end(platformAdmin.token, imp.id).expect(204);
      const first = (await main.impersonationSession.findUniqueOrThrow({ where: { id: imp.id } })).endedAt;
      await end(platformAdmin.token, imp.id).expect(204);
      expect((await main.impersonationSession.findUniqueOrThrow({ where: { id: imp.id } })).endedAt).toEqual(first);
    });

    it('answers 404 to anyone but the impersonator, and for unknown or malformed ids', async () => {
      const imp = await impersonate(adminA, memberA);
      for (const caller of [memberA, otherPlatformAdmin, platformAdmin, managerA]) {
        expect((await end(caller.token, imp.id).expect(404)).body.code).toBe('NOT_FOUND');
      }
      await end(adminA.token, randomUUID()).expect(404);
      await end(adminA.token, 'not-a-uuid').expect(404);
      // Still live.
      await sessions(imp.token).expect(403);
    });
  });

  describe('the token stops working', () => {
    it('once the session has expired', async () => {
      const imp = await impersonate(platformAdmin, adminA);
      await sessions(imp.token).expect(200);
      await main.$executeRaw`UPDATE impersonation_sessions SET started_at = now() - interval '31 minutes', expires_at = now() - interval '1 minute' WHERE id = ${imp.id}::uuid`;
      await invalidation.publish('impersonation', imp.id);
      await sessions(imp.token).expect(401);
      const listed = await sessions(platformAdmin.token, `?targetUserId=${adminA.userId}&active=false`).expect(200);
      expect(listed.body.data.find((s: { id: string }) => s.id === imp.id)).toMatchObject({ active: false, endedAt: null });
    });

    it('at token expiry (3 s ttl)', async () => {
      const imp = await impersonate(platformAdmin, adminA, { durationMinutes: 1 });
      const { TokenService } = await import('../../src/modules/auth/token.service.js');
      // exp is in whole seconds: a 3 s ttl leaves at least 2 s for the first request, even on a loaded machine.
      const short = t
        .get(TokenService)
        .signAccess({ sub: adminA.userId, clientId: clientA, sid: imp.id, act: { sub: platformAdmin.userId }, impSid: imp.id }, 3);
      await sessions(short).expect(200);
      const { exp } = JSON.parse(Buffer.from(short.split('.')[1], 'base64url').toString()) as { exp: number };
      await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 200));
      await sessions(short).expect(401);
    });

    it('when the target is deactivated', async () => {
      const target = await user(clientA, ['client-admin']);
      const imp = await impersonate(platformAdmin, target);
      await sessions(imp.token).expect(200);
      await deactivate(target.userId);
      await sessions(imp.token).expect(401);
    });

    it('when the impersonator is deactivated', async () => {
      const impersonator = await user(clientA, ['client-admin']);
      const target = await user(clientA, ['client-admin']);
      const imp = await impersonate(impersonator, target);
      await sessions(imp.token).expect(200);
      await deactivate(impersonator.userId);
      await sessions(imp.token).expect(401);
    });

    // The impersonation token belongs to no login session, so logging out everywhere must end it on its own.
    it("when the impersonator logs out everywhere (POST /auth/logout-all), and only the impersonator's sessions end", async () => {
      const impersonator = await user(clientA, ['client-admin']);
      const target = await user(clientA, ['member']);
      const imp = await impersonate(impersonator, target);
      const other = await impersonate(platformAdmin, target);
      await t.http.get(`${API}/auth/me`).set(bearer(imp.token)).expect(200);
      await t.http.post(`${API}/auth/logout-all`).set(bearer(impersonator.token)).expect(204);
      await t.http.get(`${API}/auth/me`).set(bearer(imp.token)).expect(401);
      await t.http.get(`${API}/auth/me`).set(bearer(other.token)).expect(200);
      const row = await main.impersonationSession.findUniqueOrThrow({ where: { id: imp.id } });
      expect([row.endedAt !== null, row.endedReason]).toEqual([true, 'logout_all']);
    });

    it("with 403 CLIENT_SUSPENDED when the target's client is suspended", async () => {
      const clientD = await provisionClient(t, 'Imp Suspend Later');
      const adminD = await user(clientD, ['client-admin']);
      const imp = await impersonate(platformAdmin, adminD);
      await sessions(imp.token).expect(200);
      await main.client.update({ where: { id: clientD }, data: { status: 'suspended' } });
      await invalidation.publish('client', clientD);
      expect((await sessions(imp.token).expect(403)).body.code).toBe('CLIENT_SUSPENDED');
    });

    it('when a forged token names another impersonator or target for the session', async () => {
      const imp = await impersonate(platformAdmin, adminA);
      const { TokenService } = await import('../../src/modules/auth/token.service.js');
      const tokens = t.get(TokenService);
      const wrongActor = tokens.signAccess(
        { sub: adminA.userId, clientId: clientA, sid: imp.id, act: { sub: otherPlatformAdmin.userId }, impSid: imp.id },
        60,
      );
      await sessions(wrongActor).expect(401);
      const wrongTarget = tokens.signAccess(
        { sub: managerA.userId, clientId: clientA, sid: imp.id, act: { sub: platformAdmin.userId }, impSid: imp.id },
        60,
      );
      await sessions(wrongTarget).expect(401);
    });
  });

  describe('audit trail', () => {
    it('records every request made with the token (method, path without query, status), refused ones included', async () => {
      const target = await user(clientA, ['client-admin']);
      const other = await impersonate(platformAdmin, memberA);
      const imp = await impersonate(platformAdmin, target);
      await sessions(imp.token, '?active=true&limit=5').expect(200);
      await end(imp.token, other.id).expect(403);
      await t.http.get(`${API}/impersonation/sessions?limit=0`).set(bearer(imp.token)).expect(400);
      await end(imp.token, imp.id).expect(204);
      await sessions(imp.token).expect(401); // not recorded: the token no longer authenticates
      await t.get(ImpersonationAuditService).flush();

      const res = await sessions(platformAdmin.token, `?targetUserId=${target.userId}`).expect(200);
      expect(res.body.data).toHaveLength(1);
      const s = res.body.data[0];
      expect(s).toMatchObject({ id: imp.id, active: false, endedAt: expect.any(String), requestCount: 4 });
      expect(s.requests.map((r: { method: string; path: string; status: number }) => [r.method, r.path, r.status])).toEqual([
        ['GET', `${API}/impersonation/sessions`, 200],
        ['POST', `${API}/impersonation/${other.id}/end`, 403],
        ['GET', `${API}/impersonation/sessions`, 400],
        ['POST', `${API}/impersonation/${imp.id}/end`, 204],
      ]);
      const times = s.requests.map((r: { at: string }) => Date.parse(r.at));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      // The impersonator's own requests (normal token) are not part of it.
      expect(s.requests.every((r: { path: string }) => r.path.startsWith(`${API}/impersonation`))).toBe(true);
    });

    it('lists at most the latest 100 requests per session, oldest first, with the total in requestCount', async () => {
      const imp = await impersonate(platformAdmin, memberA);
      const base = Date.now() - 60_000;
      await main.impersonationRequest.createMany({
        data: Array.from({ length: 130 }, (_, i) => ({
          sessionId: imp.id,
          method: 'GET',
          path: `/api/v1/p/${i}`,
          status: 200,
          at: new Date(base + i * 100),
        })),
      });
      const res = await sessions(platformAdmin.token, `?targetUserId=${memberA.userId}&limit=200`).expect(200);
      const s = res.body.data.find((x: { id: string }) => x.id === imp.id);
      expect(s.requestCount).toBe(130);
      expect(s.requests).toHaveLength(100);
      expect(s.requests[0].path).toBe('/api/v1/p/30');
      expect(s.requests[99].path).toBe('/api/v1/p/129');
    });
  });

  describe('GET /impersonation/sessions', () => {
    let c1: string; // adminA → memberA, live
    let c2: string; // platform admin → memberB, ended
    let c3: string; // platform admin → adminA, live
    beforeAll(async () => {
      c1 = (await impersonate(adminA, memberA)).id;
      c2 = (await impersonate(platformAdmin, memberB)).id;
      await end(platformAdmin.token, c2).expect(204);
      c3 = (await impersonate(platformAdmin, adminA)).id;
    });
    const ids = (body: { data: { id: string }[] }) => body.data.map((s) => s.id);

    it('shows a platform admin every session, newest first', async () => {
      const res = await sessions(platformAdmin.token, '?limit=200').expect(200);
      expect(ids(res.body)).toEqual(expect.arrayContaining([c1, c2, c3]));
      const started = res.body.data.map((s: { startedAt: string }) => Date.parse(s.startedAt));
      expect([...started].sort((a, b) => b - a)).toEqual(started);
      expect(res.body.nextCursor).toBeNull();
    });

    // Two-tenant rule: a client's audit trail never shows another client's sessions.
    it("shows a client user only their client's sessions, including those platform admins started", async () => {
      const res = await sessions(adminA.token, '?limit=200').expect(200);
      expect(ids(res.body)).toEqual(expect.arrayContaining([c1, c3]));
      expect(ids(res.body)).not.toContain(c2);
      expect(res.body.data.every((s: { target: { clientId: string } }) => s.target.clientId === clientA)).toBe(true);
      const adminB = await user(clientB, ['client-admin']);
      const b = await sessions(adminB.token, '?limit=200').expect(200);
      expect(ids(b.body)).toContain(c2);
      expect(ids(b.body)).not.toContain(c1);
    });

    it('filters by active, impersonatorId and targetUserId', async () => {
      const active = await sessions(platformAdmin.token, '?active=true&limit=200').expect(200);
      expect(ids(active.body)).toEqual(expect.arrayContaining([c1, c3]));
      expect(ids(active.body)).not.toContain(c2);
      expect(active.body.data.every((s: { active: boolean }) => s.active)).toBe(true);
      const inactive = await sessions(platformAdmin.token, '?active=false&limit=200').expect(200);
      expect(ids(inactive.body)).toContain(c2);
      expect(ids(inactive.body)).not.toContain(c1);
      expect(inactive.body.data.every((s: { active: boolean }) => !s.active)).toBe(true);
      const byImpersonator = await sessions(platformAdmin.token, `?impersonatorId=${adminA.userId}&limit=200`).expect(200);
      expect(ids(byImpersonator.body)).toContain(c1);
      expect(byImpersonator.body.data.every((s: { impersonator: { id: string } }) => s.impersonator.id === adminA.userId)).toBe(true);
      const byTarget = await sessions(platformAdmin.token, `?targetUserId=${memberB.userId}`).expect(200);
      expect(ids(byTarget.body)).toEqual([c2]);
      expect(byTarget.body.data[0]).toMatchObject({
        impersonator: { id: platformAdmin.userId, email: platformAdmin.email, name: 'Test User' },
        target: { id: memberB.userId, email: memberB.email, clientId: clientB },
        active: false,
      });
      const combined = await sessions(platformAdmin.token, `?impersonatorId=${adminA.userId}&targetUserId=${memberB.userId}`).expect(200);
      expect(combined.body).toEqual({ data: [], nextCursor: null });
    });

    it('paginates with limit and an opaque cursor, without gaps or repeats', async () => {
      const all = ids((await sessions(platformAdmin.token, '?limit=200').expect(200)).body);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `?limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res: { body: { data: { id: string }[]; nextCursor: string | null } } = await sessions(platformAdmin.token, query).expect(200);
        expect(res.body.data.length).toBeLessThanOrEqual(7);
        seen.push(...ids(res.body));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all);
    });

    it('answers 400 VALIDATION_FAILED for bad filters or cursors', async () => {
      for (const q of ['?active=maybe', '?impersonatorId=nope', '?targetUserId=1', '?limit=201', '?cursor=garbage', '?unknown=1']) {
        const res = await sessions(platformAdmin.token, q);
        expect([q, res.status, res.body.code]).toEqual([q, 400, 'VALIDATION_FAILED']);
      }
    });

    it('refuses callers without impersonation:start', async () => {
      expect((await sessions(managerA.token).expect(403)).body.code).toBe('FORBIDDEN');
      await t.http.get(`${API}/impersonation/sessions`).expect(401);
    });
  });

  describe('OpenAPI', () => {
    it('documents the impersonation routes and their refusal codes', async () => {
      const doc = (await t.http.get('/docs-json').expect(200)).body;
      const startOp = doc.paths['/api/v1/impersonation'].post;
      expect(startOp.tags).toContain('impersonation');
      expect(startOp.responses['201']).toBeDefined();
      for (const code of ['IMPERSONATION_SELF', 'IMPERSONATION_NESTED', 'IMPERSONATION_NOT_ALLOWED', 'IMPERSONATION_WRITES_NOT_ALLOWED']) {
        expect(startOp.responses['403'].description).toContain(code);
      }
      expect(startOp.responses['404']).toBeDefined();
      expect(startOp.responses['409'].description).toContain('IMPERSONATION_TARGET_INACTIVE');
      expect(doc.paths['/api/v1/impersonation/{id}/end'].post.responses['204']).toBeDefined();
      expect(doc.paths['/api/v1/impersonation/sessions'].get.responses['200']).toBeDefined();
    });
  });
});
