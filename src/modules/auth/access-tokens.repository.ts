import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';

export interface AccessTokenRow {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  /** null: every capability the user holds at each request. */
  capabilities: string[] | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
}

/** What authenticating with a token needs. */
export interface AccessTokenState {
  id: string;
  userId: string;
  capabilities: string[] | null;
  expiresAt: number | null;
}

export interface NewAccessToken {
  userId: string;
  name: string;
  tokenHash: string;
  prefix: string;
  capabilities: string[] | null;
  expiresAt: Date | null;
}

const ROW = {
  id: true,
  userId: true,
  name: true,
  prefix: true,
  capabilities: true,
  allCapabilities: true,
  expiresAt: true,
  lastUsedAt: true,
  createdAt: true,
} as const;

type Selected = { capabilities: string[]; allCapabilities: boolean } & Omit<AccessTokenRow, 'capabilities'>;

function toRow(r: Selected): AccessTokenRow {
  const { allCapabilities, capabilities, ...rest } = r;
  return { ...rest, capabilities: allCapabilities ? null : capabilities };
}

/** Personal access tokens (hashes only) in the main database. */
@Injectable()
export class AccessTokensRepository {
  constructor(private readonly main: MainPrismaService) {}

  /**
   * Creates the token unless the user already holds `limit` (null then). The
   * user's row is locked while counting, so concurrent creations cannot pass
   * the limit together.
   */
  async createWithinLimit(t: NewAccessToken, limit: number): Promise<AccessTokenRow | null> {
    return this.main.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM users WHERE id = ${t.userId}::uuid FOR UPDATE`;
      if ((await tx.personalAccessToken.count({ where: { userId: t.userId } })) >= limit) return null;
      const row = await tx.personalAccessToken.create({
        data: {
          userId: t.userId,
          name: t.name,
          tokenHash: t.tokenHash,
          prefix: t.prefix,
          capabilities: t.capabilities ?? [],
          allCapabilities: t.capabilities === null,
          expiresAt: t.expiresAt,
        },
        select: ROW,
      });
      return toRow(row);
    });
  }

  /** A page of the user's tokens, newest first (keyset on createdAt, id). */
  async listByUser(userId: string, limit: number, after: { t: string; id: string } | null): Promise<AccessTokenRow[]> {
    const rows = await this.main.personalAccessToken.findMany({
      where: {
        userId,
        ...(after ? { OR: [{ createdAt: { lt: new Date(after.t) } }, { createdAt: new Date(after.t), id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: ROW,
    });
    return rows.map(toRow);
  }

  /** Deletes the user's token; false when the user has no token with this id. */
  async deleteOfUser(userId: string, id: string): Promise<boolean> {
    return (await this.main.personalAccessToken.deleteMany({ where: { id, userId } })).count > 0;
  }

  async findStateByHash(tokenHash: string): Promise<AccessTokenState | null> {
    const r = await this.main.personalAccessToken.findUnique({
      where: { tokenHash },
      select: { id: true, userId: true, capabilities: true, allCapabilities: true, expiresAt: true },
    });
    if (!r) return null;
    return {
      id: r.id,
      userId: r.userId,
      capabilities: r.allCapabilities ? null : r.capabilities,
      expiresAt: r.expiresAt ? r.expiresAt.getTime() : null,
    };
  }

  /** Records last uses in one statement; an older time never overwrites a newer one. */
  async recordLastUses(uses: { id: string; at: Date }[]): Promise<void> {
    if (uses.length === 0) return;
    const ids = uses.map((u) => u.id);
    const ats = uses.map((u) => u.at.toISOString());
    await this.main.$executeRaw`
      UPDATE personal_access_tokens AS t SET last_used_at = v.at
      FROM unnest(${ids}::uuid[], ${ats}::timestamptz[]) AS v(id, at)
      WHERE t.id = v.id AND (t.last_used_at IS NULL OR t.last_used_at < v.at)`;
  }
}
