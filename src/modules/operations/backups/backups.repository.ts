import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../../database/main-prisma.service.js';
import type { ClientBackup } from '../../../generated/prisma-main/client.js';

export interface BackupRecord {
  id: string;
  clientId: string;
  reason: 'manual' | 'delete';
  schemaVersion: string | null;
  path: string;
  sizeBytes: number;
  sha256: string;
  tables: Record<string, number>;
  createdAt: Date;
  expiresAt: Date;
}

function toRecord(row: ClientBackup): BackupRecord {
  return {
    id: row.id,
    clientId: row.clientId,
    reason: row.reason as BackupRecord['reason'],
    schemaVersion: row.schemaVersion,
    path: row.path,
    sizeBytes: Number(row.sizeBytes),
    sha256: row.sha256,
    tables: row.tables as Record<string, number>,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

/** `client_backups` (one row per archive under BACKUP_DIR) and the registry fields a restore or a move changes. */
@Injectable()
export class BackupsRepository {
  constructor(private readonly main: MainPrismaService) {}

  async insert(b: BackupRecord): Promise<void> {
    await this.main.clientBackup.create({
      data: { ...b, sizeBytes: BigInt(b.sizeBytes), tables: b.tables },
    });
  }

  async findForClient(clientId: string, id: string): Promise<BackupRecord | null> {
    const row = await this.main.clientBackup.findFirst({ where: { id, clientId } });
    return row ? toRecord(row) : null;
  }

  /** Newest first, keyset-paginated on (created_at, id); fetches `limit + 1` rows. */
  async list(clientId: string, limit: number, after: { createdAt: Date; id: string } | null): Promise<BackupRecord[]> {
    const rows = await this.main.clientBackup.findMany({
      where: {
        clientId,
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return rows.map(toRecord);
  }

  async expired(now: Date): Promise<BackupRecord[]> {
    const rows = await this.main.clientBackup.findMany({ where: { expiresAt: { lte: now } }, take: 1000 });
    return rows.map(toRecord);
  }

  async delete(id: string): Promise<void> {
    await this.main.clientBackup.deleteMany({ where: { id } });
  }

  /** The tenant's database role and its (sealed) password: a restore re-creates the role of a deleted client. */
  async credentials(clientId: string): Promise<{ role: string; passwordEnc: string }> {
    const c = await this.main.client.findUniqueOrThrow({
      where: { id: clientId },
      select: { databaseRole: true, databasePasswordEnc: true },
    });
    return { role: c.databaseRole, passwordEnc: c.databasePasswordEnc };
  }

  async statusOf(clientId: string): Promise<string | null> {
    return (await this.main.client.findUnique({ where: { id: clientId }, select: { status: true } }))?.status ?? null;
  }

  /** The server the registry places the client's database on: the truth a resumed move goes by. */
  async serverOf(clientId: string): Promise<string | null> {
    return (await this.main.client.findUnique({ where: { id: clientId }, select: { databaseServer: true } }))?.databaseServer ?? null;
  }

  /** A move's switch: the client's database is on `to` now, and it leaves maintenance (one conditional update). */
  async switchServer(clientId: string, from: string, to: string, status: string): Promise<boolean> {
    const { count } = await this.main.client.updateMany({
      where: { id: clientId, databaseServer: from, status: { in: ['maintenance', status] } },
      data: { databaseServer: to, status },
    });
    return count === 1;
  }

  async setStatus(clientId: string, from: string[], status: string): Promise<boolean> {
    const { count } = await this.main.client.updateMany({ where: { id: clientId, status: { in: from } }, data: { status } });
    return count === 1;
  }

  /**
   * The restored database is the client's now: active on `server` at
   * `schemaVersion`. A deleted client's users may sign in again (their
   * sessions stay revoked). Answers the users to invalidate.
   */
  async completeRestore(clientId: string, server: string, schemaVersion: string | null, at: Date): Promise<string[]> {
    return this.main.$transaction(async (tx) => {
      const client = await tx.client.findUniqueOrThrow({ where: { id: clientId }, select: { status: true } });
      await tx.client.update({
        where: { id: clientId },
        data: { status: 'active', databaseServer: server, schemaVersion, lastMigratedAt: at, lastMigrationError: null, deletedAt: null },
      });
      if (client.status !== 'deleted') return [];
      const users = await tx.user.findMany({ where: { clientId }, select: { id: true } });
      await tx.user.updateMany({ where: { clientId }, data: { isActive: true } });
      return users.map((u) => u.id);
    });
  }
}
