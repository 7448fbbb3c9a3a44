import { Injectable, OnModuleInit } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { isUuid } from '../../common/uuid.js';
import { ClientSuspendedError, UnauthenticatedError } from '../../common/errors.js';
import { SERVING_STATUSES, TenantRegistryService } from '../../database/tenant-registry.service.js';
import { CredentialsRow, normalizeEmail, PasswordService, toUserProfileDto, UserProfileDto, UsersRepository } from '../identity/index.js';
import type { AuthContext } from './auth-context.js';
import { InvalidCredentialsError, InvalidTwoFactorCodeError, NotWhileImpersonatingError } from './auth.errors.js';
import { ClientSummaryRepository, ClientSummaryRow } from './client-summary.repository.js';
import { ClientMeta, IssuedTokens, SessionsService } from './sessions.service.js';
import { ThrottleService } from './throttle.service.js';
import { TokenService } from './token.service.js';
import { TwoFactorService } from './two-factor.service.js';
import type {
  ChangePasswordDto,
  ClientSummaryDto,
  LoginDto,
  LoginResponseDto,
  MeDto,
  TwoFactorChallengeDto,
  TwoFactorVerifyDto,
} from './dto/auth.dto.js';

export const TWO_FACTOR_CHALLENGE = '2fa-challenge';
export const TWO_FACTOR_CHALLENGE_TTL = 300;

/**
 * Login (with 2FA), refresh, logout and password changes, and the first
 * sign-in of a client admin created by signup (onboarding). Wrong
 * e-mail, wrong password and a deactivated user get the same 401 after the
 * same Argon2 work; attempts are throttled per account and per IP.
 */
@Injectable()
export class AuthService implements OnModuleInit {
  constructor(
    private readonly users: UsersRepository,
    private readonly clientSummaries: ClientSummaryRepository,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly throttle: ThrottleService,
    private readonly tokens: TokenService,
    private readonly twoFactor: TwoFactorService,
    private readonly registry: TenantRegistryService,
  ) {}

  onModuleInit(): void {
    // Compute the dummy hash now, so the first unknown-email login is not slower than the rest.
    void this.passwords.verifyOrBurn(null, 'warm-up').catch(() => undefined);
  }

  /** Signs in the admin that signup just created: tokens, the user and their client. */
  async signInNewClientAdmin(userId: string, clientId: string, meta: ClientMeta): Promise<LoginResponseDto & { client: ClientSummaryDto }> {
    const tokens = await this.sessions.start({ id: userId, clientId }, meta);
    const [user, client] = await Promise.all([this.profile(userId), this.clientSummaries.find(clientId)]);
    return { ...tokens, user, client: toClientSummaryDto(client!) };
  }

  async login(dto: LoginDto, meta: ClientMeta): Promise<LoginResponseDto | TwoFactorChallengeDto> {
    const email = normalizeEmail(dto.email);
    const attempt = await this.throttle.attempt('login', email, meta.ip);
    const row = await this.users.findCredentialsByEmail(email);
    // Always one Argon2 verification, also for unknown e-mails and deactivated users.
    const ok = await this.passwords.verifyOrBurn(row?.passwordHash, dto.password);
    if (!row || !ok || !row.isActive) {
      attempt.failed();
      throw new InvalidCredentialsError();
    }
    // The password was right: the account's counter starts over, whatever the client's state.
    await attempt.succeeded();
    if (!(await this.clientAllowsLogin(row))) throw new InvalidCredentialsError();
    if (row.twoFactorEnabled) {
      return {
        twoFactorRequired: true,
        // The challenge names the session it becomes (`sid`): completing it twice collides on that id.
        // …and the password it was earned with (`ph`, a digest of the hash): a password changed meanwhile voids it.
        challengeToken: this.tokens.signPurpose(
          TWO_FACTOR_CHALLENGE,
          { sub: row.id, sid: randomUUID(), ph: passwordDigest(row.passwordHash) },
          TWO_FACTOR_CHALLENGE_TTL,
        ),
      };
    }
    return this.startSession(row, meta, { verifiedPasswordHash: row.passwordHash });
  }

  async verifyTwoFactor(dto: TwoFactorVerifyDto, meta: ClientMeta): Promise<LoginResponseDto> {
    const challenge = this.tokens.verifyPurpose<{ sub?: unknown; sid?: unknown; ph?: unknown }>(TWO_FACTOR_CHALLENGE, dto.challengeToken);
    if (!challenge || typeof challenge.sub !== 'string' || !isUuid(challenge.sid)) {
      throw new UnauthenticatedError('Invalid or expired challenge token');
    }
    // A challenge is good for one sign-in: once its session exists, it is spent (before any code is tried).
    if (await this.sessions.wasStarted(challenge.sid)) throw new UnauthenticatedError('Invalid or expired challenge token');
    const attempt = await this.throttle.attempt('2fa', challenge.sub, meta.ip);
    const row = await this.users.findCredentialsById(challenge.sub);
    if (
      !row ||
      !row.isActive ||
      !row.twoFactorEnabled ||
      challenge.ph !== passwordDigest(row.passwordHash) ||
      !(await this.clientAllowsLogin(row))
    ) {
      attempt.failed();
      throw new UnauthenticatedError('Invalid or expired challenge token');
    }
    if (!(await this.twoFactor.verify(row.id, dto.code))) {
      attempt.failed();
      throw new InvalidTwoFactorCodeError();
    }
    await attempt.succeeded();
    return this.startSession(row, meta, { sessionId: challenge.sid, verifiedPasswordHash: row.passwordHash });
  }

  refresh(refreshToken: string): Promise<IssuedTokens> {
    return this.sessions.refresh(refreshToken, async (userId) => {
      const row = await this.users.findCredentialsById(userId);
      if (!row || !row.isActive || !(await this.clientAllowsLogin(row))) throw new UnauthenticatedError('The session has ended');
      return row;
    });
  }

  /** Ends the session the refresh token belongs to (when it is the caller's), else the caller's current session. */
  async logout(auth: AuthContext, refreshToken: string): Promise<void> {
    assertNotImpersonating(auth);
    const sessionId = (await this.sessions.sessionOfToken(refreshToken, auth.user.id)) ?? auth.sessionId;
    await this.sessions.revoke(sessionId, 'logout');
  }

  async logoutAll(auth: AuthContext): Promise<void> {
    assertNotImpersonating(auth);
    await this.sessions.revokeAll(auth.user.id, 'logout_all');
  }

  async changePassword(auth: AuthContext, dto: ChangePasswordDto, meta: ClientMeta): Promise<void> {
    assertNotImpersonating(auth);
    const attempt = await this.throttle.attempt('password', auth.user.id, meta.ip);
    const row = await this.users.findCredentialsById(auth.user.id);
    if (!row || !(await this.passwords.verifyOrBurn(row.passwordHash, dto.currentPassword))) {
      attempt.failed();
      throw new InvalidCredentialsError('The current password is wrong');
    }
    await attempt.succeeded();
    // Only over the hash just verified: of two concurrent changes with the same current password one wins, the
    // other is told the current password is wrong (it is, by then).
    if (!(await this.users.replacePasswordHash(row.id, row.passwordHash, await this.passwords.hash(dto.newPassword)))) {
      throw new InvalidCredentialsError('The current password is wrong');
    }
    // Whoever else holds a session (maybe the reason for the change) is out; this one stays. A sign-in that verified
    // the old password creates its session before this (and is ended here) or not at all (SessionsRepository.create).
    await this.sessions.revokeAll(row.id, 'password_changed', auth.sessionId);
  }

  setupTwoFactor(auth: AuthContext): Promise<{ secret: string; otpauthUrl: string }> {
    assertNotImpersonating(auth);
    return this.twoFactor.setup(auth.user.id);
  }

  async enableTwoFactor(auth: AuthContext, code: string): Promise<{ backupCodes: string[] }> {
    assertNotImpersonating(auth);
    return { backupCodes: await this.twoFactor.enable(auth.user.id, code) };
  }

  async disableTwoFactor(auth: AuthContext, password: string, code: string, meta: ClientMeta): Promise<void> {
    assertNotImpersonating(auth);
    const attempt = await this.throttle.attempt('2fa', auth.user.id, meta.ip);
    const row = await this.users.findCredentialsById(auth.user.id);
    if (!row || !(await this.passwords.verifyOrBurn(row.passwordHash, password))) {
      attempt.failed();
      throw new InvalidCredentialsError('The password is wrong');
    }
    try {
      await this.twoFactor.disable(row.id, code);
    } catch (err) {
      if (err instanceof InvalidTwoFactorCodeError) attempt.failed();
      throw err;
    }
    await attempt.succeeded();
  }

  async me(auth: AuthContext): Promise<MeDto> {
    const user = await this.users.findWithRoles(auth.user.id);
    if (!user) throw new UnauthenticatedError();
    const client = user.clientId ? await this.clientSummaries.find(user.clientId) : null;
    const imp = auth.impersonation;
    return {
      user: toUserProfileDto(user),
      client: client ? toClientSummaryDto(client) : null,
      roles: user.roles.map((r) => ({ id: r.id, name: r.name, system: r.system })),
      capabilities: [...auth.user.capabilities].sort(),
      impersonation: imp
        ? {
            sessionId: imp.sessionId,
            impersonator: { id: imp.impersonator.id, email: imp.impersonator.email },
            expiresAt: imp.expiresAt.toISOString(),
          }
        : null,
    };
  }

  private async startSession(
    row: CredentialsRow,
    meta: ClientMeta,
    opts: { sessionId?: string; verifiedPasswordHash: string },
  ): Promise<LoginResponseDto> {
    const tokens = await this.sessions.start({ id: row.id, clientId: row.clientId }, meta, opts);
    return { ...tokens, user: await this.profile(row.id) };
  }

  private async profile(userId: string): Promise<UserProfileDto> {
    const user = await this.users.findWithRoles(userId);
    if (!user) throw new UnauthenticatedError();
    return toUserProfileDto(user);
  }

  /**
   * A client user may sign in only while the client exists: a deleted one
   * answers like wrong credentials; a suspended (or not yet active) one with
   * 403 CLIENT_SUSPENDED, but only after the password was right.
   */
  private async clientAllowsLogin(row: CredentialsRow): Promise<boolean> {
    if (!row.clientId) return true;
    const client = await this.registry.get(row.clientId);
    if (!client || client.status === 'deleted') return false;
    if (!SERVING_STATUSES.includes(client.status)) throw new ClientSuspendedError();
    return true;
  }
}

function toClientSummaryDto(c: ClientSummaryRow): ClientSummaryDto {
  return { id: c.id, name: c.name, slug: c.slug, status: c.status };
}

/** Credential management belongs to the account holder, never to someone impersonating them. */
function assertNotImpersonating(auth: AuthContext): void {
  if (auth.impersonation) throw new NotWhileImpersonatingError();
}

/** A short digest of a password hash: ties a 2FA challenge to the password it was earned with, revealing nothing. */
function passwordDigest(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 22);
}
