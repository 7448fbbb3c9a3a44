import { Injectable, Logger } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { MainPrismaService } from './main-prisma.service.js';
import { TenantDatabasesService } from './tenant-databases.service.js';
import { TenantRegistryService } from './tenant-registry.service.js';
import { InvalidationService } from './invalidation.service.js';

/** The provisioning steps, in order; a client's `provisioning_step` is the last one completed. */
export const PROVISIONING_STEPS = ['registered', 'role', 'database', 'access', 'migrated'] as const;
export type ProvisioningStep = (typeof PROVISIONING_STEPS)[number];

export interface ProvisionOptions {
  /** Test hook: called after each completed step (throwing simulates a crash there). */
  afterStep?: (step: ProvisioningStep) => void | Promise<void>;
}

export interface RegisterClientInput {
  id?: string;
  name: string;
  slug: string;
}

export function databaseNameFor(clientId: string): string {
  return `freetimechat_${clientId}`;
}

export function roleNameFor(clientId: string): string {
  return `freetimechat_${clientId}`;
}

/**
 * Creates a client's database as a state machine
 * (`provisioning → active`, or `failed`): register → role → database (a
 * template clone) → access (only its role may connect) → migrated → active.
 * Every step checks what already exists, so running it again after a crash
 * at any point finishes the job; concurrent runs for one client serialise on
 * an advisory lock.
 */
@Injectable()
export class ProvisioningService {
  private readonly logger = new Logger(ProvisioningService.name);

  constructor(
    private readonly main: MainPrismaService,
    private readonly dbs: TenantDatabasesService,
    private readonly registry: TenantRegistryService,
    private readonly invalidation: InvalidationService,
  ) {}

  /** Picks the tenant server with the fewest (non-deleted) clients. */
  async chooseServer(): Promise<string> {
    const servers = this.registry.servers;
    if (servers.length === 1) return servers[0].name;
    const counts = await this.main.client.groupBy({
      by: ['databaseServer'],
      where: { status: { not: 'deleted' } },
      _count: { _all: true },
    });
    const byName = new Map(counts.map((c) => [c.databaseServer, c._count._all]));
    return servers.map((s) => ({ name: s.name, n: byName.get(s.name) ?? 0 })).sort((a, b) => a.n - b.n)[0].name;
  }

  /** Step 1: the registry row, status `provisioning`. Throws Prisma's P2002 on a taken slug. */
  async register(input: RegisterClientInput, tx = this.main): Promise<{ id: string }> {
    const id = input.id ?? randomUUID();
    const server = await this.chooseServer();
    await (tx as MainPrismaService).client.create({
      data: {
        id,
        name: input.name,
        slug: input.slug,
        status: 'provisioning',
        databaseName: databaseNameFor(id),
        databaseServer: server,
        databaseRole: roleNameFor(id),
        databasePasswordEnc: this.registry.secrets.seal(randomBytes(24).toString('base64url')),
        provisioningStep: 'registered',
      },
    });
    return { id };
  }

  /** Runs (or resumes) provisioning; returns once the client is active. */
  async provision(clientId: string, options: ProvisionOptions = {}): Promise<void> {
    await this.withClientLock(clientId, async () => {
      const client = await this.main.client.findUnique({ where: { id: clientId } });
      if (!client) throw new Error(`Client ${clientId} does not exist`);
      if (client.status === 'active' || client.status === 'suspended' || client.status === 'maintenance') return;
      if (client.status === 'deleted') throw new Error(`Client ${clientId} is deleted`);
      if (client.status === 'failed') {
        await this.main.client.update({ where: { id: clientId }, data: { status: 'provisioning', provisioningError: null } });
      }
      const server = this.registry.server(client.databaseServer);
      const password = this.registry.secrets.open(client.databasePasswordEnc);
      const step = async (name: ProvisioningStep, work: () => Promise<void>) => {
        await work();
        await this.main.client.update({ where: { id: clientId }, data: { provisioningStep: name } });
        await options.afterStep?.(name);
      };
      try {
        await options.afterStep?.('registered');
        await step('role', () => this.dbs.ensureRole(server, client.databaseRole, password));
        await step('database', () => this.dbs.cloneTemplate(server, client.databaseName));
        await step('access', () => this.dbs.restrictAccess(server, client.databaseName, client.databaseRole));
        let version: string | null = null;
        await step('migrated', async () => {
          version = (await this.dbs.migrateDatabase(server, client.databaseName)).schemaVersion;
        });
        await this.main.client.update({
          where: { id: clientId },
          data: { status: 'active', schemaVersion: version, lastMigratedAt: new Date(), lastMigrationError: null, provisioningError: null },
        });
        await this.invalidation.publish('client', clientId);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await this.main.client
          .update({ where: { id: clientId }, data: { status: 'failed', provisioningError: message.slice(0, 2000) } })
          .catch(() => undefined);
        await this.invalidation.publish('client', clientId);
        this.logger.warn(`Provisioning of ${clientId} failed: ${message}`);
        throw err;
      }
    });
  }

  /** Drops the client's database and role; the caller marks the client deleted. */
  async deprovision(clientId: string): Promise<void> {
    await this.withClientLock(clientId, async () => {
      const client = await this.main.client.findUnique({ where: { id: clientId } });
      if (!client) return;
      const server = this.registry.server(client.databaseServer);
      await this.dbs.dropDatabaseAndRole(server, client.databaseName, client.databaseRole);
    });
  }

  /** Serialises work on one client across instances (session advisory lock on the main database). */
  async withClientLock<T>(clientId: string, fn: () => Promise<T>): Promise<T> {
    const conn = await this.main.pool.connect();
    try {
      await conn.query("SELECT pg_advisory_lock(hashtext('freetimechat-client:' || $1))", [clientId]);
      try {
        return await fn();
      } finally {
        await conn.query("SELECT pg_advisory_unlock(hashtext('freetimechat-client:' || $1))", [clientId]).catch(() => undefined);
      }
    } finally {
      conn.release();
    }
  }
}
