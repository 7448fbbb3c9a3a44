import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';
import type { ClientStatus } from '../../database/tenant-registry.service.js';
import type { Client as ClientRow } from '../../generated/prisma-main/client.js';
import { isUuid } from '../../common/uuid.js';

export const CLIENT_STATUSES: readonly ClientStatus[] = ['provisioning', 'active', 'suspended', 'maintenance', 'failed', 'deleted'];

/** Statuses an operator may set and leave with PATCH /clients/:id. */
export const SETTABLE_STATUSES = ['active', 'suspended', 'maintenance'] as const;
export type SettableStatus = (typeof SETTABLE_STATUSES)[number];

/** A client (tenant) as the registry holds it, without its database credentials. */
export interface ClientRecord {
  id: string;
  name: string;
  slug: string;
  status: ClientStatus;
  databaseName: string;
  databaseServer: string;
  schemaVersion: string | null;
  lastMigratedAt: Date | null;
  lastMigrationError: string | null;
  provisioningStep: string | null;
  provisioningError: string | null;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export interface ClientListFilter {
  status?: ClientStatus;
  limit: number;
  after?: { createdAt: Date; id: string } | null;
}

// The encrypted database password and the role name stay inside the registry:
// nothing that leaves this repository can carry a credential.
function toRecord(row: ClientRow): ClientRecord {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    status: row.status as ClientStatus,
    databaseName: row.databaseName,
    databaseServer: row.databaseServer,
    schemaVersion: row.schemaVersion,
    lastMigratedAt: row.lastMigratedAt,
    lastMigrationError: row.lastMigrationError,
    provisioningStep: row.provisioningStep,
    provisioningError: row.provisioningError,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
  };
}

/** The tenant registry rows (`clients`) and what deleting a client does to its users' access. */
@Injectable()
export class ClientsRepository {
  constructor(private readonly main: MainPrismaService) {}

  async findById(id: string): Promise<ClientRecord | null> {
    if (!isUuid(id)) return null;
    const row = await this.main.client.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async findBySlug(slug: string): Promise<ClientRecord | null> {
    const row = await this.main.client.findUnique({ where: { slug } });
    return row ? toRecord(row) : null;
  }

  async findByIds(ids: string[]): Promise<ClientRecord[]> {
    const rows = await this.main.client.findMany({ where: { id: { in: ids.filter(isUuid) } } });
    return rows.map(toRecord);
  }

  async findBySlugs(slugs: string[]): Promise<ClientRecord[]> {
    const rows = await this.main.client.findMany({ where: { slug: { in: slugs } } });
    return rows.map(toRecord);
  }

  /** Any client, deleted ones included, holds `slug` (slugs are never reused). */
  async slugExists(slug: string): Promise<boolean> {
    return (await this.main.client.findUnique({ where: { slug }, select: { id: true } })) !== null;
  }

  /** Every slug starting with `prefix`, deleted clients' included. */
  async slugsStartingWith(prefix: string): Promise<string[]> {
    return (await this.main.client.findMany({ where: { slug: { startsWith: prefix } }, select: { slug: true } })).map((c) => c.slug);
  }

  /** Removes a registration that never got its admin (nothing else refers to it yet). */
  async deleteRegistration(id: string): Promise<void> {
    await this.main.client.delete({ where: { id } });
  }

  async findUserIdByEmail(email: string): Promise<string | null> {
    const user = await this.main.user.findUnique({ where: { email }, select: { id: true } });
    return user?.id ?? null;
  }

  /** Newest first, keyset-paginated on (created_at, id); fetches `limit + 1` rows. */
  async list(filter: ClientListFilter): Promise<ClientRecord[]> {
    const after = filter.after;
    const rows = await this.main.client.findMany({
      where: {
        ...(filter.status ? { status: filter.status } : {}),
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit + 1,
    });
    return rows.map(toRecord);
  }

  /** Every client that still has a database (not deleted), oldest first. */
  async listNotDeleted(): Promise<ClientRecord[]> {
    const rows = await this.main.client.findMany({ where: { status: { not: 'deleted' } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
    return rows.map(toRecord);
  }

  /** Clients whose databases take migrations (active or suspended), oldest first. */
  async listMigratable(ids?: string[]): Promise<ClientRecord[]> {
    const rows = await this.main.client.findMany({
      where: { status: { in: [...SETTABLE_STATUSES] }, ...(ids ? { id: { in: ids.filter(isUuid) } } : {}) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toRecord);
  }

  /**
   * Renames and/or moves between active and suspended in one conditional
   * update, and answers the row as this change left it (the row stays locked
   * until then, so a concurrent delete cannot show through); null when the
   * client is no longer in a state that allows it (deleted, or for a status
   * change not active/suspended).
   */
  async patch(id: string, data: { name?: string; status?: SettableStatus }): Promise<ClientRecord | null> {
    return this.main.$transaction(async (tx) => {
      const { count } = await tx.client.updateMany({
        where: { id, status: data.status !== undefined ? { in: [...SETTABLE_STATUSES] } : { not: 'deleted' } },
        data,
      });
      if (count === 0) return null;
      const row = await tx.client.findUnique({ where: { id } });
      return row ? toRecord(row) : null;
    });
  }

  async markDeleted(id: string, at: Date): Promise<void> {
    await this.main.client.updateMany({ where: { id, status: { not: 'deleted' } }, data: { status: 'deleted', deletedAt: at } });
  }

  async recordMigration(id: string, outcome: { schemaVersion: string | null; error: string | null; at: Date }): Promise<void> {
    await this.main.client.update({
      where: { id },
      data: {
        schemaVersion: outcome.schemaVersion,
        lastMigrationError: outcome.error,
        ...(outcome.error === null ? { lastMigratedAt: outcome.at } : {}),
      },
    });
  }

  /**
   * A deleted client's users can no longer authenticate: every live session
   * is revoked and every user deactivated, in one transaction. Returns what
   * changed so the caller can invalidate caches on every instance.
   */
  async revokeAllAccess(clientId: string, at: Date): Promise<{ userIds: string[]; sessionIds: string[] }> {
    return this.main.$transaction(async (tx) => {
      const users = await tx.user.findMany({ where: { clientId }, select: { id: true } });
      const userIds = users.map((u) => u.id);
      const sessions = await tx.session.findMany({ where: { userId: { in: userIds }, revokedAt: null }, select: { id: true } });
      await tx.session.updateMany({
        where: { userId: { in: userIds }, revokedAt: null },
        data: { revokedAt: at, revokedReason: 'client_deleted' },
      });
      await tx.user.updateMany({ where: { clientId }, data: { isActive: false } });
      return { userIds, sessionIds: sessions.map((s) => s.id) };
    });
  }
}
