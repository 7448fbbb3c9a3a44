/**
 * What the move and restore tests read about a client: its registry row,
 * every data table where the registry says the client is, and on which
 * servers its database and role exist.
 */
import { randomUUID } from 'node:crypto';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { TenantDatabasesService } from '../../src/database/tenant-databases.service.js';
import { createUserWithToken, provisionClient, type TestApp } from './test-app.js';
import { type Api, as, createProject } from './time-tracking.js';

export const DATA_TABLES = ['projects', 'project_members', 'tasks', 'time_entries', 'conversations', 'messages'];

export class ClientPlacement {
  constructor(private readonly t: TestApp) {}

  private get main() {
    return this.t.get(MainPrismaService);
  }

  private get dbs() {
    return this.t.get(TenantDatabasesService);
  }

  server(name: string) {
    return this.dbs.servers.find((s) => s.name === name)!;
  }

  row(clientId: string) {
    return this.main.client.findUniqueOrThrow({ where: { id: clientId } });
  }

  /** Every data table of the client, read where the registry says it is. */
  async dump(clientId: string): Promise<Record<string, unknown[]>> {
    const c = await this.row(clientId);
    return this.dbs.withDatabase(this.server(c.databaseServer), c.databaseName, async (db) => {
      const out: Record<string, unknown[]> = {};
      for (const table of DATA_TABLES) out[table] = (await db.query(`SELECT * FROM ${table} ORDER BY 1`)).rows;
      return out;
    });
  }

  /** Where the client's database and role exist: [server names with the database, server names with the role]. */
  async placement(clientId: string): Promise<[string[], string[]]> {
    const c = await this.row(clientId);
    const withDb: string[] = [];
    const withRole: string[] = [];
    for (const s of this.dbs.servers) {
      if (await this.dbs.databaseExists(s, c.databaseName)) withDb.push(s.name);
      if (await this.dbs.roleExists(s, c.databaseRole)) withRole.push(s.name);
    }
    return [withDb, withRole];
  }

  /** A new client with an admin, three projects and a time entry on each. */
  async tenantWithData(): Promise<{ clientId: string; admin: Api }> {
    const clientId = await provisionClient(this.t);
    const admin = as(this.t, await createUserWithToken(this.t, { clientId, roleKeys: ['client-admin'] }));
    for (let i = 0; i < 3; i++) {
      const p = await createProject(admin, { name: `P${i}` });
      await admin.post('/time-entries', {
        projectId: p.id,
        startTime: `2026-01-0${i + 1}T09:00:00Z`,
        endTime: `2026-01-0${i + 1}T10:00:00Z`,
      });
    }
    return { clientId, admin };
  }

  /** A job row as a worker holds it (no pg-boss delivery: the test's own processes are the attempts). */
  async runningJob(type: string, clientId: string, data: object): Promise<string> {
    const jobId = randomUUID();
    await this.main.$executeRawUnsafe(
      `INSERT INTO operation_jobs (id, type, client_id, status, data, started_at) VALUES ($1::uuid, $2, $3::uuid, 'running', $4::jsonb, now())`,
      jobId,
      type,
      clientId,
      JSON.stringify(data),
    );
    return jobId;
  }
}

/** Polls GET /jobs/:id until the job has succeeded or failed. */
export async function finishedJob(api: Api, jobId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const res = await api.get(`/jobs/${jobId}`);
    expect(res.status).toBe(200);
    if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body as Record<string, unknown>;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${jobId} did not finish`);
}
