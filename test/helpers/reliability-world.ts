/**
 * Real tenants with one resource of every kind, built through the HTTP API
 * (signup gives real access and refresh tokens), for the fuzzing and
 * isolation suites.
 */
import { randomBytes } from 'node:crypto';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { createUserWithToken, TestApp } from './test-app.js';
import { OpenApiDocument, RawHttp } from './reliability.js';

export const API = '/api/v1';

export interface Caller {
  userId: string;
  token: string;
  email: string;
}
export interface WorldTenant {
  clientId: string;
  slug: string;
  databaseName: string;
  admin: Caller & { refreshToken: string; password: string };
  member: Caller;
  /** A read-only impersonation token of the admin's session over the member (`ids.impersonation`). */
  impersonationToken: string;
  /** Personal access tokens: the admin's (`ids.tokens`) and the member's, both with every capability of their user. */
  adminPat: string;
  memberPat: string;
  /** Ids of real resources, by the collection name used in paths. */
  ids: Record<string, string>;
}

/** A raw client for the test application's loopback port. */
export function listen(t: TestApp): RawHttp {
  return new RawHttp(Number(new URL(t.url).port));
}

function ok<T>(res: { status: number; body: unknown; text: string }, what: string, status = [200, 201, 204]): T {
  if (!status.includes(res.status)) throw new Error(`${what}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
  return res.body as T;
}

export function yesterday(daysBack = 1): string {
  return new Date(Date.now() - daysBack * 86_400_000).toISOString().slice(0, 10);
}

/** A tenant made by POST /auth/signup, with a member, a custom role, a project, a task, a time entry, a conversation, an impersonation session, personal access tokens and a webhook (pinged once). */
export async function buildTenant(t: TestApp, http: RawHttp, label: string): Promise<WorldTenant> {
  const tag = randomBytes(4).toString('hex');
  const slug = `${label.toLowerCase()}-${tag}`;
  const password = 'Correct-Horse-Battery-9';
  const email = `admin-${slug}@example.test`;
  const signup = ok<{ accessToken: string; refreshToken: string; user: { id: string }; client: { id: string } }>(
    await http.json('POST', `${API}/auth/signup`, null, { companyName: `${label} Inc`, slug, name: `${label} Admin`, email, password }),
    'signup',
  );
  const clientId = signup.client.id;
  const admin = { userId: signup.user.id, token: signup.accessToken, refreshToken: signup.refreshToken, email, password };
  const m = await createUserWithToken(t, { clientId, roleKeys: ['member'], name: `${label} Member` });
  const member = { userId: m.userId, token: m.token, email: m.email };
  const tok = admin.token;
  const role = ok<{ id: string }>(
    await http.json('POST', `${API}/roles`, tok, { name: `Readers ${tag}`, capabilities: ['projects:read'] }),
    'role',
  );
  const project = ok<{ id: string }>(await http.json('POST', `${API}/projects`, tok, { name: `${label} Project ${tag}` }), 'project');
  ok(await http.json('PUT', `${API}/projects/${project.id}/members/${member.userId}`, tok, {}), 'project member');
  const task = ok<{ id: string }>(await http.json('POST', `${API}/tasks`, tok, { projectId: project.id, title: `${label} task` }), 'task');
  const entry = ok<{ id: string }>(
    await http.json('POST', `${API}/time-entries`, member.token, { projectId: project.id, date: yesterday(), duration: 3600 }),
    'time entry',
  );
  const conversation = ok<{ id: string }>(await http.json('POST', `${API}/conversations`, tok, { title: `${label} chat` }), 'conversation');
  const imp = ok<{ accessToken: string; session: { id: string } }>(
    await http.json('POST', `${API}/impersonation`, tok, { userId: member.userId, reason: 'reliability suite' }),
    'impersonation',
  );
  const adminPat = ok<{ id: string; token: string }>(
    await http.json('POST', `${API}/auth/tokens`, tok, { name: `${label} admin token` }),
    'admin access token',
  );
  const memberPat = ok<{ token: string }>(
    await http.json('POST', `${API}/auth/tokens`, member.token, { name: `${label} member token` }),
    'member access token',
  );
  // A public literal address: accepted without DNS; nothing is sent (the suites run without a dispatcher).
  const webhook = ok<{ id: string }>(
    await http.json('POST', `${API}/webhooks`, tok, { url: 'https://93.184.216.34/hooks/world', events: ['time_entry.created'] }),
    'webhook',
  );
  const delivery = ok<{ id: string }>(await http.json('POST', `${API}/webhooks/${webhook.id}/ping`, tok, undefined), 'webhook ping', [202]);
  const main = t.get(MainPrismaService);
  const row = await main.client.findUniqueOrThrow({ where: { id: clientId } });
  return {
    clientId,
    slug,
    databaseName: row.databaseName,
    admin,
    member,
    impersonationToken: imp.accessToken,
    adminPat: adminPat.token,
    memberPat: memberPat.token,
    ids: {
      users: member.userId,
      roles: role.id,
      projects: project.id,
      tasks: task.id,
      'time-entries': entry.id,
      conversations: conversation.id,
      impersonation: imp.session.id,
      clients: clientId,
      tokens: adminPat.id,
      webhooks: webhook.id,
      deliveries: delivery.id,
    },
  };
}

export async function platformAdmin(t: TestApp): Promise<Caller> {
  const p = await createUserWithToken(t, { clientId: null, roleKeys: ['platform-admin'] });
  return { userId: p.userId, token: p.token, email: p.email };
}

export async function openApi(http: RawHttp): Promise<OpenApiDocument> {
  const res = await http.send({ method: 'GET', path: '/docs-json' });
  if (res.status !== 200) throw new Error(`/docs-json: ${res.status}`);
  return res.body as OpenApiDocument;
}
