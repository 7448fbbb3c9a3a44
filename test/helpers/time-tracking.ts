import type { Response } from 'supertest';
import { createUserWithToken, provisionClient, TestApp } from './test-app.js';

export interface TestUser {
  userId: string;
  token: string;
  email: string;
}

/** A small HTTP client bound to one user's token. */
export function as(t: TestApp, user: { token: string }) {
  const auth = (r: ReturnType<TestApp['http']['get']>) => r.set('authorization', `Bearer ${user.token}`);
  return {
    get: (path: string) => auth(t.http.get(`/api/v1${path}`)),
    post: (path: string, body?: object) => auth(t.http.post(`/api/v1${path}`)).send(body ?? {}),
    patch: (path: string, body: object) => auth(t.http.patch(`/api/v1${path}`)).send(body),
    put: (path: string, body?: object) => auth(t.http.put(`/api/v1${path}`)).send(body ?? {}),
    delete: (path: string) => auth(t.http.delete(`/api/v1${path}`)),
  };
}

export type Api = ReturnType<typeof as>;

/** A client (tenant) with an admin, a manager and two members. */
export async function setupTenant(t: TestApp, opts: { memberTimeZone?: string } = {}) {
  const clientId = await provisionClient(t);
  const [admin, manager, member, member2] = await Promise.all([
    createUserWithToken(t, { clientId, roleKeys: ['client-admin'], name: 'Ada Admin' }),
    createUserWithToken(t, { clientId, roleKeys: ['manager'], name: 'Max Manager' }),
    createUserWithToken(t, { clientId, roleKeys: ['member'], name: 'Mia Member', timeZone: opts.memberTimeZone }),
    createUserWithToken(t, { clientId, roleKeys: ['member'], name: 'Noah Member' }),
  ]);
  return { clientId, admin, manager, member, member2 };
}

export async function createProject(
  api: Api,
  body: Record<string, unknown> = {},
): Promise<{ id: string; name: string; billable: boolean }> {
  const res = await api.post('/projects', { name: `Project ${Math.random().toString(36).slice(2, 10)}`, ...body });
  if (res.status !== 201) throw new Error(`createProject: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function addMember(api: Api, projectId: string, userId: string, role?: 'member' | 'lead'): Promise<void> {
  const res = await api.put(`/projects/${projectId}/members/${userId}`, role ? { role } : {});
  if (res.status !== 200) throw new Error(`addMember: ${res.status} ${JSON.stringify(res.body)}`);
}

export function expectError(res: Response, status: number, code: string): void {
  if (res.status !== status || res.body?.code !== code) {
    throw new Error(`expected ${status} ${code}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** A user of `clientId` holding exactly `capabilities` (through a fresh client role). */
export async function createUserWithCapabilities(t: TestApp, clientId: string, capabilities: string[], opts: { timeZone?: string } = {}) {
  const { MainPrismaService } = await import('../../src/database/main-prisma.service.js');
  const key = `test-role-${Math.random().toString(36).slice(2, 12)}`;
  await t.get(MainPrismaService).role.create({
    data: { clientId, key, name: key, capabilities: { create: capabilities.map((capability) => ({ capability })) } },
  });
  return createUserWithToken(t, { clientId, roleKeys: [key], timeZone: opts.timeZone });
}

/** RFC 4180 CSV to rows of cells (quotes, doubled quotes, commas and newlines inside quotes). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}
