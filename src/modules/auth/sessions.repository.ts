import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';

export interface NewSession {
  /** The session's id when it was promised beforehand (a 2FA challenge names the session it becomes). */
  id?: string;
  userId: string;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
  refreshTokenHash: string;
  /**
   * The password hash the caller verified: the session is only created while the user's hash is still that
   * one (a password changed meanwhile answers null), and the check holds the user row until the session exists.
   */
  verifiedPasswordHash?: string;
}

export interface RefreshTokenState {
  sessionId: string;
  userId: string;
  used: boolean;
  expired: boolean;
}

/**
 * Login sessions and their refresh tokens (hashes only). A session is the
 * refresh token family: revoking it ends every token of the family and every
 * access token carrying its id.
 */
@Injectable()
export class SessionsRepository {
  constructor(private readonly main: MainPrismaService) {}

  /** Whether a session with this id was ever created (revoked or not). */
  async exists(id: string): Promise<boolean> {
    return (await this.main.session.count({ where: { id } })) > 0;
  }

  /** Creates the session and its first refresh token; null when `verifiedPasswordHash` is no longer the user's. */
  async create(s: NewSession): Promise<string | null> {
    const data = {
      id: s.id,
      userId: s.userId,
      expiresAt: s.expiresAt,
      userAgent: s.userAgent?.slice(0, 500) ?? null,
      ip: s.ip,
      refreshTokens: { create: { tokenHash: s.refreshTokenHash, expiresAt: s.expiresAt } },
    };
    if (s.verifiedPasswordHash === undefined) return (await this.main.session.create({ data, select: { id: true } })).id;
    const hash = s.verifiedPasswordHash;
    return this.main.$transaction(async (tx) => {
      // FOR SHARE: a password change (an UPDATE of this row) waits for this session to exist, and then ends it.
      const still = await tx.$queryRaw<unknown[]>`SELECT 1 FROM users WHERE id = ${s.userId}::uuid AND password_hash = ${hash} FOR SHARE`;
      if (still.length === 0) return null;
      return (await tx.session.create({ data, select: { id: true } })).id;
    });
  }

  /**
   * Rotation, atomically: one conditional UPDATE marks the presented token
   * used only if it is unused, unexpired and its session live; of N
   * concurrent presentations exactly one gets the row. The successor token
   * is inserted in the same transaction and the session's lifetime slides.
   */
  async rotate(oldHash: string, newHash: string, expiresAt: Date): Promise<{ sessionId: string; userId: string } | null> {
    return this.main.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ sessionId: string; userId: string }[]>`
        UPDATE refresh_tokens AS rt SET used_at = now()
        FROM sessions AS s
        WHERE rt.token_hash = ${oldHash}
          AND rt.used_at IS NULL
          AND rt.expires_at > now()
          AND s.id = rt.session_id
          AND s.revoked_at IS NULL
          AND s.expires_at > now()
        RETURNING rt.session_id::text AS "sessionId", s.user_id::text AS "userId"`;
      const won = rows[0];
      if (!won) return null;
      await tx.refreshToken.create({ data: { sessionId: won.sessionId, tokenHash: newHash, expiresAt } });
      await tx.session.update({ where: { id: won.sessionId }, data: { expiresAt, lastUsedAt: new Date() } });
      return won;
    });
  }

  async findToken(hash: string): Promise<RefreshTokenState | null> {
    const t = await this.main.refreshToken.findUnique({
      where: { tokenHash: hash },
      select: { sessionId: true, usedAt: true, expiresAt: true, session: { select: { userId: true } } },
    });
    if (!t) return null;
    return { sessionId: t.sessionId, userId: t.session.userId, used: t.usedAt !== null, expired: t.expiresAt.getTime() <= Date.now() };
  }

  /** Revokes one session; true when this call revoked it (false: unknown or already revoked). */
  async revoke(sessionId: string, reason: string): Promise<boolean> {
    const res = await this.main.session.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: reason },
    });
    return res.count > 0;
  }

  /** Revokes every live session of the user (but `exceptSessionId`); returns the revoked ids. */
  async revokeAllOfUser(userId: string, reason: string, exceptSessionId?: string): Promise<string[]> {
    const rows = exceptSessionId
      ? await this.main.$queryRaw<{ id: string }[]>`
          UPDATE sessions SET revoked_at = now(), revoked_reason = ${reason}
          WHERE user_id = ${userId}::uuid AND revoked_at IS NULL AND id <> ${exceptSessionId}::uuid
          RETURNING id::text AS id`
      : await this.main.$queryRaw<{ id: string }[]>`
          UPDATE sessions SET revoked_at = now(), revoked_reason = ${reason}
          WHERE user_id = ${userId}::uuid AND revoked_at IS NULL
          RETURNING id::text AS id`;
    return rows.map((r) => r.id);
  }

  /** Ends every running impersonation session the user started; returns their ids. */
  async endImpersonationsBy(impersonatorId: string, reason: string): Promise<string[]> {
    const rows = await this.main.$queryRaw<{ id: string }[]>`
      UPDATE impersonation_sessions SET ended_at = now(), ended_reason = ${reason}
      WHERE impersonator_id = ${impersonatorId}::uuid AND ended_at IS NULL AND expires_at > now()
      RETURNING id::text AS id`;
    return rows.map((r) => r.id);
  }
}
