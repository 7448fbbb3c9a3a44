/**
 * Isolation matrix generated from the OpenAPI document: the route list comes
 * from /docs-json and every route must be classified below (a new route
 * fails the suite until someone decides who may call it). Then:
 *  - every protected route × 12 kinds of bad bearer token → 401;
 *  - every route a member lacks the capability for → 403 FORBIDDEN;
 *  - every tenant-scoped route with ids × another client's ids → 404, and
 *    nothing of client A changes; lists of client B never show A's ids;
 *  - platform admins on tenant-scoped routes → 403 TENANT_REQUIRED;
 *  - every policy decision holds whatever the URL text carries after the
 *    route (`#`, `?`, `;`, encoded slashes): decisions use the matched route;
 *  - personal access tokens meet the same rules: revoked, expired or forged
 *    ones → 401, a member's → 403 on admin routes, client B's → 404 on A's ids.
 */
import { SYSTEM_ROLES } from '../../src/modules/identity/capabilities.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { createTestApp, TEST_JWT_SECRET, TestApp } from '../helpers/test-app.js';
import {
  badTokens,
  contractErrorProblem,
  fillPath,
  fingerprint,
  operationsOf,
  Operation,
  RawHttp,
  RawResponse,
} from '../helpers/reliability.js';
import { API, buildTenant, Caller, listen, openApi, platformAdmin, WorldTenant, yesterday } from '../helpers/reliability-world.js';

describe('e2e/isolation', () => {
  type Cross = 'none' | { body?: (a: WorldTenant) => unknown; expect?: number[] };
  interface RouteClass {
    /** `public`, or the capabilities the route requires of a signed-in caller ([] = any). */
    caps: 'public' | string[];
    /** Needs a client user (platform admins get 403 TENANT_REQUIRED). */
    tenant?: boolean;
    /** Client B's admin calling with client A's ids: expected statuses (404 by default); 'none' when the route takes no foreign id. */
    cross: Cross;
    /** Refuses personal access tokens (403 FORBIDDEN): credential and session management, impersonation. */
    noPat?: true;
  }

  const ANY: string[] = [];
  const ROUTES: Record<string, RouteClass> = {
    'GET /': { caps: 'public', cross: 'none' },
    'GET /api/v1': { caps: 'public', cross: 'none' },
    'GET /api/v1/health': { caps: 'public', cross: 'none' },
    'GET /api/v1/health/ready': { caps: 'public', cross: 'none' },
    // Behind METRICS_TOKEN (set for this app), not a user's token.
    'GET /metrics': { caps: ANY, cross: 'none' },
    'POST /api/v1/auth/signup': { caps: 'public', cross: 'none' },
    'POST /api/v1/auth/login': { caps: 'public', cross: 'none' },
    'POST /api/v1/auth/2fa/verify': { caps: 'public', cross: 'none' },
    'POST /api/v1/auth/refresh': { caps: 'public', cross: 'none' },
    'POST /api/v1/auth/logout': { caps: ANY, cross: 'none', noPat: true },
    'POST /api/v1/auth/logout-all': { caps: ANY, cross: 'none', noPat: true },
    'GET /api/v1/auth/me': { caps: ANY, cross: 'none' },
    'POST /api/v1/auth/password': { caps: ANY, cross: 'none', noPat: true },
    'POST /api/v1/auth/2fa/setup': { caps: ANY, cross: 'none', noPat: true },
    'POST /api/v1/auth/2fa/enable': { caps: ANY, cross: 'none', noPat: true },
    'POST /api/v1/auth/2fa/disable': { caps: ANY, cross: 'none', noPat: true },
    'POST /api/v1/auth/tokens': { caps: ANY, cross: 'none', noPat: true },
    'GET /api/v1/auth/tokens': { caps: ANY, cross: 'none' },
    'DELETE /api/v1/auth/tokens/{id}': { caps: ANY, cross: {} },
    'GET /api/v1/users': { caps: ['users:read'], tenant: true, cross: 'none' },
    'POST /api/v1/users': {
      caps: ['users:manage'],
      tenant: true,
      cross: {
        body: (a) => ({ email: `x-${Date.now()}@example.test`, name: 'X', password: 'Correct-Horse-9', roleIds: [a.ids.roles] }),
        // Another client's role id is "Unknown role" (400), exactly like one that does not exist: nothing revealed.
        expect: [400, 404],
      },
    },
    'GET /api/v1/users/{id}': { caps: ['users:read'], tenant: true, cross: {} },
    'PATCH /api/v1/users/{id}': { caps: ['users:manage'], tenant: true, cross: { body: () => ({ name: 'Hijacked' }) } },
    'PUT /api/v1/users/{id}/roles': { caps: ['roles:assign'], tenant: true, cross: { body: () => ({ roleIds: [] }) } },
    'GET /api/v1/roles': { caps: ['roles:read'], cross: 'none' },
    'POST /api/v1/roles': { caps: ['roles:manage'], cross: 'none' },
    'GET /api/v1/roles/{id}': { caps: ['roles:read'], cross: {} },
    'PATCH /api/v1/roles/{id}': { caps: ['roles:manage'], cross: { body: () => ({ description: 'hijacked' }) } },
    'DELETE /api/v1/roles/{id}': { caps: ['roles:manage'], cross: {} },
    'GET /api/v1/capabilities': { caps: ['roles:read'], cross: 'none' },
    'POST /api/v1/clients': { caps: ['clients:manage'], cross: 'none' },
    'GET /api/v1/clients': { caps: ['clients:read'], cross: 'none' },
    'GET /api/v1/clients/{id}': { caps: ['clients:read'], cross: 'none' },
    'PATCH /api/v1/clients/{id}': { caps: ['clients:manage'], cross: 'none' },
    'DELETE /api/v1/clients/{id}': { caps: ['clients:manage'], cross: 'none' },
    'POST /api/v1/clients/{id}/migrate': { caps: ['clients:manage'], cross: 'none' },
    'GET /api/v1/clients/{id}/health': { caps: ['clients:manage'], cross: 'none' },
    'POST /api/v1/clients/{id}/backups': { caps: ['clients:manage'], cross: 'none' },
    'GET /api/v1/clients/{id}/backups': { caps: ['clients:manage'], cross: 'none' },
    'GET /api/v1/clients/{id}/backups/{backupId}/download': { caps: ['clients:manage'], cross: 'none' },
    'POST /api/v1/clients/{id}/restore': { caps: ['clients:manage'], cross: 'none' },
    'POST /api/v1/clients/{id}/move': { caps: ['clients:manage'], cross: 'none' },
    'POST /api/v1/clients/migrate': { caps: ['clients:manage'], cross: 'none' },
    'GET /api/v1/jobs': { caps: ['clients:manage'], cross: 'none' },
    'GET /api/v1/jobs/{id}': { caps: ['clients:manage'], cross: 'none' },
    'POST /api/v1/impersonation': {
      caps: ['impersonation:start'],
      noPat: true,
      cross: { body: (a) => ({ userId: a.member.userId, reason: 'cross-tenant probe' }) },
    },
    'POST /api/v1/impersonation/{id}/end': { caps: ANY, cross: {} },
    'GET /api/v1/impersonation/sessions': { caps: ['impersonation:start'], cross: 'none' },
    'GET /api/v1/projects': { caps: ANY, tenant: true, cross: 'none' },
    'POST /api/v1/projects': { caps: ['projects:manage'], tenant: true, cross: 'none' },
    'GET /api/v1/projects/{id}': { caps: ANY, tenant: true, cross: {} },
    'PATCH /api/v1/projects/{id}': { caps: ['projects:manage'], tenant: true, cross: { body: () => ({ description: 'hijacked' }) } },
    'DELETE /api/v1/projects/{id}': { caps: ['projects:manage'], tenant: true, cross: {} },
    'GET /api/v1/projects/{id}/members': { caps: ANY, tenant: true, cross: {} },
    'PUT /api/v1/projects/{id}/members/{userId}': { caps: ['projects:manage'], tenant: true, cross: { body: () => ({}) } },
    'DELETE /api/v1/projects/{id}/members/{userId}': { caps: ['projects:manage'], tenant: true, cross: {} },
    'GET /api/v1/tasks': { caps: ANY, tenant: true, cross: 'none' },
    'POST /api/v1/tasks': {
      caps: ['tasks:manage'],
      tenant: true,
      cross: { body: (a) => ({ projectId: a.ids.projects, title: 'hijack' }) },
    },
    'GET /api/v1/tasks/{id}': { caps: ANY, tenant: true, cross: {} },
    'PATCH /api/v1/tasks/{id}': { caps: ['tasks:manage'], tenant: true, cross: { body: () => ({ title: 'hijacked' }) } },
    'DELETE /api/v1/tasks/{id}': { caps: ['tasks:manage'], tenant: true, cross: {} },
    'GET /api/v1/time-entries': { caps: ANY, tenant: true, cross: 'none' },
    'POST /api/v1/time-entries': {
      caps: ANY,
      tenant: true,
      cross: { body: (a) => ({ projectId: a.ids.projects, date: yesterday(2), duration: 60 }) },
    },
    'POST /api/v1/time-entries/start': { caps: ANY, tenant: true, cross: { body: (a) => ({ projectId: a.ids.projects }) } },
    'POST /api/v1/time-entries/stop': { caps: ANY, tenant: true, cross: 'none' },
    'GET /api/v1/time-entries/running': { caps: ANY, tenant: true, cross: 'none' },
    'GET /api/v1/time-entries/{id}': { caps: ANY, tenant: true, cross: {} },
    'PATCH /api/v1/time-entries/{id}': { caps: ANY, tenant: true, cross: { body: () => ({ description: 'hijacked' }) } },
    'DELETE /api/v1/time-entries/{id}': { caps: ANY, tenant: true, cross: {} },
    'GET /api/v1/reports/summary': { caps: ANY, tenant: true, cross: 'none' },
    'GET /api/v1/reports/time-entries.csv': { caps: ANY, tenant: true, cross: 'none' },
    'POST /api/v1/conversations': { caps: ['chat:use'], tenant: true, cross: 'none' },
    'GET /api/v1/conversations': { caps: ['chat:use'], tenant: true, cross: 'none' },
    'GET /api/v1/conversations/{id}': { caps: ['chat:use'], tenant: true, cross: {} },
    'DELETE /api/v1/conversations/{id}': { caps: ['chat:use'], tenant: true, cross: {} },
    'GET /api/v1/conversations/{id}/messages': { caps: ['chat:use'], tenant: true, cross: {} },
    'POST /api/v1/conversations/{id}/messages': {
      caps: ['chat:use'],
      tenant: true,
      cross: { body: () => ({ content: 'log 1h on anything' }) },
    },
    'POST /api/v1/webhooks': { caps: ['webhooks:manage'], tenant: true, cross: 'none' },
    'GET /api/v1/webhooks': { caps: ['webhooks:manage'], tenant: true, cross: 'none' },
    'GET /api/v1/webhooks/{id}': { caps: ['webhooks:manage'], tenant: true, cross: {} },
    'PATCH /api/v1/webhooks/{id}': { caps: ['webhooks:manage'], tenant: true, cross: { body: () => ({ description: 'hijacked' }) } },
    'DELETE /api/v1/webhooks/{id}': { caps: ['webhooks:manage'], tenant: true, cross: {} },
    'POST /api/v1/webhooks/{id}/ping': { caps: ['webhooks:manage'], tenant: true, cross: {} },
    'GET /api/v1/webhooks/{id}/deliveries': { caps: ['webhooks:manage'], tenant: true, cross: {} },
    'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver': { caps: ['webhooks:manage'], tenant: true, cross: {} },
  };

  /** Bodies that pass validation, so refusals come from authorization and not from the ValidationPipe. */
  function validBody(op: Operation, a: WorldTenant): unknown {
    const c = ROUTES[op.key]?.cross;
    if (c && c !== 'none' && c.body) return c.body(a);
    return op.body ? {} : undefined;
  }

  let t: TestApp;
  let http: RawHttp;
  let ops: Operation[];
  let a: WorldTenant;
  let b: WorldTenant;
  let platform: Caller;
  /** Personal access tokens that must no longer work: one revoked, one expired. */
  let deadPats: Record<string, string>;

  const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';

  function pathFor(op: Operation, tenant: WorldTenant): string {
    const values: Record<string, string> = {};
    for (const p of op.pathParams) {
      const seg = op.path.split('/');
      const collection = p.name === 'userId' ? 'users' : seg[seg.indexOf(`{${p.name}}`) - 1];
      // Platform-only collections (jobs, backups) hold nothing of a tenant: any id exercises their guards.
      values[p.name] = tenant.ids[collection] ?? NO_SUCH_ID;
    }
    return fillPath(op.path, values);
  }

  function call(op: Operation, token: string | null, tenant: WorldTenant, body?: unknown, suffix = ''): Promise<RawResponse> {
    return http.json(op.method, pathFor(op, tenant) + suffix, token, body === undefined ? validBody(op, a) : body);
  }

  /**
   * Suffixes that make the URL text end like the one write a read-only
   * impersonation token may make (ending its own session) while the router
   * matches the route before them, or fails to match at all.
   */
  function urlTricks(sessionId: string): Record<string, string> {
    const end = `/impersonation/${sessionId}/end`;
    return {
      plain: '',
      '#': `#${end}`,
      '?': `?x=${end}`,
      '?#': `?#${end}`,
      ';': `;${end}`,
      '%2F': end.replace(/\//g, '%2F'),
      '%23': `%23${end}`,
    };
  }

  function expectError(res: RawResponse, status: number, code: string | undefined, label: string): string | null {
    if (res.status !== status) return `${label}: expected ${status}, got ${res.status} ${res.text.slice(0, 200)}`;
    const problem = contractErrorProblem(res);
    if (problem) return `${label}: ${problem}`;
    const body = res.body as { code: string };
    if (code && body.code !== code) return `${label}: expected code ${code}, got ${body.code}`;
    return null;
  }

  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN: 'isolation-metrics-token-0123456789' });
    http = await listen(t);
    ops = operationsOf(await openApi(http));
    platform = await platformAdmin(t);
    [a, b] = [await buildTenant(t, http, 'IsoA'), await buildTenant(t, http, 'IsoB')];
    const revoked = (await http.json('POST', `${API}/auth/tokens`, a.admin.token, { name: 'revoked' })).body as {
      id: string;
      token: string;
    };
    expect((await http.json('GET', `${API}/auth/me`, revoked.token)).status).toBe(200);
    expect((await http.json('DELETE', `${API}/auth/tokens/${revoked.id}`, a.admin.token)).status).toBe(204);
    const expiresAt = new Date(Date.now() + 1_000).toISOString();
    const expired = (await http.json('POST', `${API}/auth/tokens`, a.admin.token, { name: 'expired', expiresAt })).body as {
      token: string;
    };
    expect((await http.json('GET', `${API}/auth/me`, expired.token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(expiresAt) - Date.now() + 50)));
    deadPats = {
      'revoked access token': revoked.token,
      'expired access token': expired.token,
      'forged access token': `ftc_pat_${'A'.repeat(43)}`,
      'truncated access token': a.adminPat.slice(0, -1),
    };
  }, 120_000);

  afterAll(async () => {
    http?.close();
    await t?.close();
  });

  describe('isolation matrix generated from the OpenAPI document', () => {
    it('has every documented route classified (a new route must be added to the matrix)', () => {
      const documented = ops.map((o) => o.key).sort();
      expect(documented.filter((k) => !(k in ROUTES))).toEqual([]);
      expect(Object.keys(ROUTES).filter((k) => !documented.includes(k))).toEqual([]);
      // The document agrees on which routes need a token.
      expect(ops.filter((o) => o.secured !== (ROUTES[o.key].caps !== 'public')).map((o) => o.key)).toEqual([]);
    });

    it('answers every protected route with 401 for missing, tampered, alg:none, refresh, expired, foreign-secret and other bad tokens', async () => {
      const tokens = { 'no token': null as string | null, ...badTokens(a.admin.token, TEST_JWT_SECRET, a.admin.refreshToken), ...deadPats };
      const protectedOps = ops.filter((o) => o.secured);
      const problems: string[] = [];
      let count = 0;
      for (const op of protectedOps) {
        await Promise.all(
          Object.entries(tokens).map(async ([name, token]) => {
            const res = await call(op, token, a);
            count++;
            const p = expectError(res, 401, 'UNAUTHENTICATED', `${op.key} with ${name}`);
            if (p) problems.push(p);
          }),
        );
      }
      console.log(
        `isolation: ${protectedOps.length} protected routes × ${Object.keys(tokens).length} bad tokens = ${count} requests → 401`,
      );
      expect(problems).toEqual([]);
    });

    it("answers a member's access token and session with 403 FORBIDDEN on every route needing a capability members lack", async () => {
      const memberCaps = new Set<string>(SYSTEM_ROLES.member);
      const adminOnly = ops.filter((o) => {
        const caps = ROUTES[o.key].caps;
        return caps !== 'public' && caps.some((c) => !memberCaps.has(c));
      });
      const problems: string[] = [];
      for (const op of adminOnly) {
        for (const [kind, token] of [
          ['session', a.member.token],
          ['access token', a.memberPat],
        ]) {
          const p = expectError(await call(op, token, a), 403, 'FORBIDDEN', `${op.key} as member (${kind})`);
          if (p) problems.push(p);
        }
      }
      console.log(`isolation: ${adminOnly.length} routes × member (session and access token) → 403`);
      expect(adminOnly.length).toBeGreaterThanOrEqual(20);
      expect(problems).toEqual([]);
    });

    it("answers client B's admin with 404 on every route given client A's ids, changing nothing of A", async () => {
      const before = await fingerprint(t.db.adminUrl, [a.databaseName]);
      const memberBefore = (await http.json('GET', `${API}/users/${a.member.userId}`, a.admin.token)).body;
      const crossOps = ops.filter((o) => ROUTES[o.key].cross !== 'none');
      const problems: string[] = [];
      for (const op of crossOps) {
        const cross = ROUTES[op.key].cross as Exclude<Cross, 'none'>;
        for (const [kind, token] of [
          ['session', b.admin.token],
          ['access token', b.adminPat],
        ]) {
          const res = await call(op, token, a);
          const expected = kind === 'access token' && ROUTES[op.key].noPat ? [403] : (cross.expect ?? [404]);
          if (!expected.includes(res.status))
            problems.push(
              `${op.key} with A's ids as B's admin (${kind}): expected ${expected.join('/')}, got ${res.status} ${res.text.slice(0, 200)}`,
            );
          else if (contractErrorProblem(res)) problems.push(`${op.key}: ${contractErrorProblem(res)}`);
        }
      }
      console.log(`isolation: ${crossOps.length} routes × another client's ids (session and access token) → 404`);
      expect(problems).toEqual([]);
      expect(await fingerprint(t.db.adminUrl, [a.databaseName])).toEqual(before);
      expect((await http.json('GET', `${API}/users/${a.member.userId}`, a.admin.token)).body).toEqual(memberBefore);
      // A's impersonation session still runs: B could not end it.
      const sessions = await http.json('GET', `${API}/impersonation/sessions?active=true`, a.admin.token);
      expect((sessions.body as { data: { id: string }[] }).data.map((s) => s.id)).toContain(a.ids.impersonation);
    });

    // A leaked token must not become lasting control of the account: no new credentials, sessions or impersonations from one.
    it('refuses a personal access token with 403 FORBIDDEN on credential, session and impersonation routes, changing nothing', async () => {
      // Last uses of tokens are written every few seconds: the tokens themselves are compared by id.
      const state = async () => {
        const fp = await fingerprint(t.db.adminUrl, [t.db.name]);
        delete fp[`${t.db.name}.personal_access_tokens`];
        const tokens = await t.get(MainPrismaService).personalAccessToken.findMany({ select: { id: true }, orderBy: { id: 'asc' } });
        return { fp, tokens };
      };
      const before = await state();
      const refused = ops.filter((o) => ROUTES[o.key].noPat);
      const problems: string[] = [];
      for (const op of refused) {
        const body = op.key === 'POST /api/v1/impersonation' ? { userId: a.member.userId, reason: 'from a token' } : validBody(op, a);
        const p = expectError(
          await http.json(op.method, pathFor(op, a), a.adminPat, body),
          403,
          'FORBIDDEN',
          `${op.key} with an access token`,
        );
        if (p) problems.push(p);
      }
      expect(refused.length).toBe(8);
      expect(problems).toEqual([]);
      expect(await state()).toEqual(before);
    });

    it("never shows client A's ids or e-mails in any list client B's admin can read", async () => {
      const lists = ops.filter((o) => o.method === 'GET' && o.secured && o.pathParams.length === 0 && ROUTES[o.key].caps !== 'public');
      const secrets = [...Object.values(a.ids).filter((id) => id !== a.clientId), a.clientId, a.admin.email, a.member.email];
      const problems: string[] = [];
      let read = 0;
      for (const op of lists) {
        const res = await http.json('GET', op.path, b.admin.token);
        if (res.status >= 400) continue; // e.g. /clients: B's admin may not list clients at all
        read++;
        for (const s of secrets) if (res.text.includes(s)) problems.push(`${op.key} shows ${s}`);
      }
      expect(read).toBeGreaterThanOrEqual(10);
      expect(problems).toEqual([]);
    });

    it('refuses platform admins on tenant-scoped routes with 403 TENANT_REQUIRED', async () => {
      const scoped = ops.filter((o) => ROUTES[o.key].tenant);
      const problems: string[] = [];
      for (const op of scoped) {
        const p = expectError(await call(op, platform.token, a), 403, 'TENANT_REQUIRED', `${op.key} as platform admin`);
        if (p) problems.push(p);
      }
      expect(scoped.length).toBeGreaterThanOrEqual(25);
      expect(problems).toEqual([]);
    });

    it('refuses every write of a read-only impersonation token, whatever the URL text carries after the route', async () => {
      const before = await fingerprint(t.db.adminUrl, [a.databaseName]);
      const usersBefore = (await http.json('GET', `${API}/users?limit=200`, a.admin.token)).text;
      const writes = ops.filter((o) => o.method !== 'GET' && o.secured && o.key !== 'POST /api/v1/impersonation/{id}/end');
      const problems: string[] = [];
      let count = 0;
      for (const op of writes) {
        for (const [name, suffix] of Object.entries(urlTricks(a.ids.impersonation))) {
          const res = await http.json(op.method, pathFor(op, a) + suffix, a.impersonationToken, validBody(op, a));
          count++;
          // 404 when the trick no longer routes (e.g. an encoded slash inside a path parameter).
          if (res.status === 404) continue;
          const p = expectError(res, 403, 'IMPERSONATION_READ_ONLY', `${op.key} + ${name}`);
          if (p) problems.push(p);
        }
      }
      console.log(
        `isolation: ${writes.length} write routes × ${Object.keys(urlTricks('x')).length} URL variants = ${count} read-only impersonation requests → 403/404`,
      );
      expect(writes.length).toBeGreaterThanOrEqual(30);
      expect(problems).toEqual([]);
      expect(await fingerprint(t.db.adminUrl, [a.databaseName])).toEqual(before);
      expect((await http.json('GET', `${API}/users?limit=200`, a.admin.token)).text).toEqual(usersBefore);
    });

    it('refuses a member every route needing a capability members lack, whatever the URL text carries after the route', async () => {
      const memberCaps = new Set<string>(SYSTEM_ROLES.member);
      const adminOnly = ops.filter((o) => {
        const caps = ROUTES[o.key].caps;
        return caps !== 'public' && caps.some((c) => !memberCaps.has(c));
      });
      const problems: string[] = [];
      for (const op of adminOnly) {
        for (const [name, suffix] of Object.entries(urlTricks(a.ids.impersonation))) {
          if (name === 'plain') continue;
          const res = await call(op, a.member.token, a, undefined, suffix);
          if (res.status === 404) continue;
          const p = expectError(res, 403, 'FORBIDDEN', `${op.key} + ${name} as member`);
          if (p) problems.push(p);
        }
      }
      expect(problems).toEqual([]);
    });

    it("refuses a member reading someone else's time or reports (needs :all) with 403", async () => {
      for (const p of [
        `/time-entries?userId=${a.admin.userId}`,
        `/reports/summary?from=${yesterday(30)}&to=${yesterday(0)}&groupBy=project&userId=${a.admin.userId}`,
      ]) {
        const res = await http.json('GET', `${API}${p}`, a.member.token);
        expect([res.status, (res.body as { code?: string }).code]).toEqual([403, 'FORBIDDEN']);
      }
    });
  });
});
