import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma-main/client.js';
import { MainPrismaService } from '../../database/main-prisma.service.js';

export interface ImpersonationSessionRecord {
  id: string;
  impersonatorId: string;
  targetUserId: string;
  clientId: string;
  reason: string;
  allowWrites: boolean;
  startedAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  requestCount: number;
}

export interface ImpersonationRequestRecord {
  method: string;
  path: string;
  status: number;
  at: Date;
}

export interface UserRefRecord {
  id: string;
  email: string;
  name: string;
  clientId: string | null;
}

/** Which sessions a caller may see in the audit trail. */
export type SessionScope = { kind: 'all' } | { kind: 'client'; clientId: string } | { kind: 'impersonator'; userId: string };

export interface SessionListFilter {
  scope: SessionScope;
  active?: boolean;
  impersonatorId?: string;
  targetUserId?: string;
  now: Date;
  after: { startedAt: Date; id: string } | null;
  /** Rows to fetch (page size + 1). */
  take: number;
}

const withCount = { _count: { select: { requests: true } } } as const;
type SessionRow = Prisma.ImpersonationSessionGetPayload<{ include: typeof withCount }>;

function toRecord(row: SessionRow): ImpersonationSessionRecord {
  return {
    id: row.id,
    impersonatorId: row.impersonatorId,
    targetUserId: row.targetUserId,
    clientId: row.clientId,
    reason: row.reason,
    allowWrites: row.allowWrites,
    startedAt: row.startedAt,
    expiresAt: row.expiresAt,
    endedAt: row.endedAt,
    requestCount: row._count.requests,
  };
}

/** Impersonation sessions and the requests recorded under them (main database). */
@Injectable()
export class ImpersonationRepository {
  constructor(private readonly main: MainPrismaService) {}

  async create(data: {
    impersonatorId: string;
    targetUserId: string;
    clientId: string;
    reason: string;
    allowWrites: boolean;
    startedAt: Date;
    expiresAt: Date;
  }): Promise<ImpersonationSessionRecord> {
    return toRecord(await this.main.impersonationSession.create({ data, include: withCount }));
  }

  async findById(id: string): Promise<ImpersonationSessionRecord | null> {
    const row = await this.main.impersonationSession.findUnique({ where: { id }, include: withCount });
    return row ? toRecord(row) : null;
  }

  /** Ends a live session; a no-op (false) when it already ended or expired, so ending stays idempotent under races. */
  async endIfActive(id: string, now: Date, reason: string): Promise<boolean> {
    const { count } = await this.main.impersonationSession.updateMany({
      where: { id, endedAt: null, expiresAt: { gt: now } },
      data: { endedAt: now, endedReason: reason },
    });
    return count > 0;
  }

  /** Newest first (startedAt, id descending), keyset-paginated. */
  async list(f: SessionListFilter): Promise<ImpersonationSessionRecord[]> {
    const and: Prisma.ImpersonationSessionWhereInput[] = [];
    if (f.scope.kind === 'client') and.push({ clientId: f.scope.clientId });
    if (f.scope.kind === 'impersonator') and.push({ impersonatorId: f.scope.userId });
    if (f.impersonatorId) and.push({ impersonatorId: f.impersonatorId });
    if (f.targetUserId) and.push({ targetUserId: f.targetUserId });
    if (f.active === true) and.push({ endedAt: null, expiresAt: { gt: f.now } });
    if (f.active === false) and.push({ OR: [{ endedAt: { not: null } }, { expiresAt: { lte: f.now } }] });
    if (f.after) {
      and.push({ OR: [{ startedAt: { lt: f.after.startedAt } }, { startedAt: f.after.startedAt, id: { lt: f.after.id } }] });
    }
    const rows = await this.main.impersonationSession.findMany({
      where: { AND: and },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: f.take,
      include: withCount,
    });
    return rows.map(toRecord);
  }

  /** The latest `perSession` requests of each session, returned oldest first (one query, LATERAL per session). */
  async latestRequests(sessionIds: string[], perSession: number): Promise<Map<string, ImpersonationRequestRecord[]>> {
    const out = new Map<string, ImpersonationRequestRecord[]>(sessionIds.map((id) => [id, []]));
    if (sessionIds.length === 0) return out;
    const rows = await this.main.$queryRaw<{ session_id: string; method: string; path: string; status: number; at: Date }[]>(Prisma.sql`
      SELECT s.id::text AS session_id, r.method, r.path, r.status, r.at
      FROM unnest(${sessionIds}::uuid[]) AS s(id)
      CROSS JOIN LATERAL (
        SELECT q.method, q.path, q.status, q.at, q.id
        FROM impersonation_requests q
        WHERE q.session_id = s.id
        ORDER BY q.at DESC, q.id DESC
        LIMIT ${perSession}
      ) r
      ORDER BY s.id, r.at ASC, r.id ASC`);
    for (const r of rows) {
      out.get(r.session_id)?.push({ method: r.method, path: r.path, status: Number(r.status), at: new Date(r.at) });
    }
    return out;
  }

  async usersByIds(ids: string[]): Promise<Map<string, UserRefRecord>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const rows = await this.main.user.findMany({
      where: { id: { in: unique } },
      select: { id: true, email: true, name: true, clientId: true },
    });
    return new Map(rows.map((u) => [u.id, u]));
  }
}
