import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AppConfigService } from '../../config/config.service.js';
import { Clock } from '../../common/clock.js';
import { UnauthenticatedError } from '../../common/errors.js';
import { InvalidationService } from '../../database/invalidation.service.js';
import { InvalidCredentialsError, RefreshTokenReusedError } from './auth.errors.js';
import { SessionsRepository } from './sessions.repository.js';
import { constraintViolation } from '../../common/prisma-errors.js';
import { TokenService } from './token.service.js';

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  /** Access token lifetime in seconds. */
  expiresIn: number;
}

export interface ClientMeta {
  ip?: string;
  userAgent?: string;
}

/** Refresh tokens are 32 random bytes; only their SHA-256 is stored (high entropy makes a slow hash pointless). */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A session promised by a 2FA challenge was already started: the challenge is spent. */
export class SessionAlreadyStartedError extends UnauthenticatedError {
  constructor() {
    super('Invalid or expired challenge token');
  }
}

/**
 * Sessions: a login creates one (the refresh-token family); refresh rotates
 * its token; reuse of a spent token revokes it. Every revocation is published
 * so access tokens carrying the session id stop at the next request.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly repo: SessionsRepository,
    private readonly tokens: TokenService,
    private readonly config: AppConfigService,
    private readonly clock: Clock,
    private readonly invalidation: InvalidationService,
  ) {}

  private get refreshTtlMs(): number {
    return this.config.get('REFRESH_TOKEN_TTL') * 1000;
  }

  /**
   * Starts a session for a user who has fully authenticated; with
   * `sessionId`, that one (a 2FA challenge's): a second start with the same
   * id fails on the primary key, so a challenge is completed once
   * (SessionAlreadyStartedError).
   */
  async start(
    user: { id: string; clientId: string | null },
    meta: ClientMeta,
    opts: { sessionId?: string; verifiedPasswordHash?: string } = {},
  ): Promise<IssuedTokens> {
    const { sessionId, verifiedPasswordHash } = opts;
    const refreshToken = newRefreshToken();
    const id = await this.repo
      .create({
        id: sessionId,
        verifiedPasswordHash,
        userId: user.id,
        expiresAt: new Date(this.clock.now().getTime() + this.refreshTtlMs),
        userAgent: meta.userAgent ?? null,
        ip: meta.ip ?? null,
        refreshTokenHash: hashRefreshToken(refreshToken),
      })
      .catch((err: unknown) => {
        if (sessionId && constraintViolation(err)?.sqlState === '23505') throw new SessionAlreadyStartedError();
        throw err;
      });
    // The password was changed since it was verified: that sign-in no longer counts.
    if (id === null) throw new InvalidCredentialsError();
    return this.issue(user, id, refreshToken);
  }

  /** Whether the session was ever started (a spent 2FA challenge). */
  wasStarted(sessionId: string): Promise<boolean> {
    return this.repo.exists(sessionId);
  }

  /**
   * Rotates a refresh token. Of concurrent presentations of one token,
   * exactly one wins (200); every other one finds the token spent, which is
   * indistinguishable from theft: the session is revoked (the winner's new
   * tokens die with it) and the loser gets 401 REFRESH_TOKEN_REUSED.
   * `checkUser` throws when the user may no longer hold a session (checked
   * before the token is spent, so e.g. a suspended client's user keeps it).
   */
  async refresh(
    refreshToken: string,
    checkUser: (userId: string) => Promise<{ id: string; clientId: string | null }>,
  ): Promise<IssuedTokens> {
    const hash = hashRefreshToken(refreshToken);
    const state = await this.repo.findToken(hash);
    if (!state || state.expired) throw new UnauthenticatedError('Invalid or expired refresh token');
    if (state.used) return this.reused(state.sessionId);
    const user = await checkUser(state.userId);
    const next = newRefreshToken();
    const won = await this.repo.rotate(hash, hashRefreshToken(next), new Date(this.clock.now().getTime() + this.refreshTtlMs));
    if (won) return this.issue(user, won.sessionId, next);
    // Lost the race to a concurrent refresh with the same token (reuse), or the session ended meanwhile.
    const after = await this.repo.findToken(hash);
    if (after?.used) return this.reused(after.sessionId);
    throw new UnauthenticatedError('Invalid or expired refresh token');
  }

  private async reused(sessionId: string): Promise<never> {
    await this.revoke(sessionId, 'refresh_token_reused');
    throw new RefreshTokenReusedError();
  }

  /** The session a refresh token belongs to, if it is the given user's. */
  async sessionOfToken(refreshToken: string, userId: string): Promise<string | null> {
    const state = await this.repo.findToken(hashRefreshToken(refreshToken));
    return state && state.userId === userId ? state.sessionId : null;
  }

  async revoke(sessionId: string, reason: string): Promise<void> {
    await this.repo.revoke(sessionId, reason);
    await this.invalidation.publish('session', sessionId);
  }

  /**
   * Ends the user's sessions (all, or all but one) and every impersonation
   * session the user started: an impersonation token belongs to no login
   * session, and "log out everywhere" or a new password must not leave one
   * working (they answer 401 on their next request, on every instance).
   */
  async revokeAll(userId: string, reason: string, exceptSessionId?: string): Promise<number> {
    const ids = await this.repo.revokeAllOfUser(userId, reason, exceptSessionId);
    for (const id of ids) await this.invalidation.publish('session', id);
    for (const id of await this.repo.endImpersonationsBy(userId, reason)) await this.invalidation.publish('impersonation', id);
    return ids.length;
  }

  private issue(user: { id: string; clientId: string | null }, sessionId: string, refreshToken: string): IssuedTokens {
    const expiresIn = this.tokens.accessTtl;
    const accessToken = this.tokens.signAccess({ sub: user.id, clientId: user.clientId, sid: sessionId }, expiresIn);
    return { accessToken, refreshToken, expiresIn };
  }
}
