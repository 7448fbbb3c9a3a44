import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { ClientSuspendedError, DomainError, MissingCapabilityError, NotFoundError } from '../../common/errors.js';
import { decodeCursor, encodeCursor, isCreatedAtIdCursor, type Page } from '../../common/pagination.js';
import { InvalidationService } from '../../database/invalidation.service.js';
import { TenantRegistryService } from '../../database/tenant-registry.service.js';
import { type AuthContext, AuthContextService, TokenService } from '../auth/index.js';
import {
  IMPERSONATION_REQUESTS_PER_SESSION,
  ImpersonationSessionDto,
  StartImpersonationResponseDto,
} from './dto/impersonation-session.dto.js';
import type { ListImpersonationSessionsQueryDto } from './dto/list-impersonation-sessions.query.dto.js';
import { IMPERSONATION_DEFAULT_MINUTES, StartImpersonationDto } from './dto/start-impersonation.dto.js';
import {
  ImpersonationNestedError,
  ImpersonationNotAllowedError,
  ImpersonationSelfError,
  ImpersonationTargetInactiveError,
  ImpersonationWritesNotAllowedError,
} from './impersonation.errors.js';
import { toImpersonationSessionDto } from './impersonation.mapper.js';
import { decideImpersonation, type ImpersonationRefusal, isPlatformAdmin, type TargetFacts } from './impersonation.policy.js';
import { ImpersonationRepository, type ImpersonationSessionRecord, type SessionScope } from './impersonation.repository.js';
import { isUuid } from '../../common/uuid.js';

const DEFAULT_LIMIT = 50;

function refusalError(r: ImpersonationRefusal): DomainError {
  switch (r.reason) {
    case 'NESTED':
      return new ImpersonationNestedError();
    case 'FORBIDDEN':
      return new MissingCapabilityError('impersonation:start');
    case 'NOT_FOUND':
      return new NotFoundError('User');
    case 'SELF':
      return new ImpersonationSelfError();
    case 'TARGET_IS_PLATFORM_USER':
      return new ImpersonationNotAllowedError('Platform users (platform admins included) cannot be impersonated');
    case 'IMPERSONATOR_NOT_PLATFORM_ADMIN':
      return new ImpersonationNotAllowedError('Only platform admins may impersonate from the platform');
    case 'CLIENT_SUSPENDED':
      return new ClientSuspendedError();
    case 'TARGET_INACTIVE':
      return new ImpersonationTargetInactiveError();
    case 'TARGET_HAS_MORE_CAPABILITIES':
      return new ImpersonationNotAllowedError(`The user holds capabilities you lack: ${r.missing.join(', ')}`);
    case 'WRITES_NOT_ALLOWED':
      return new ImpersonationWritesNotAllowedError(r.missing);
  }
}

/**
 * Starts, ends and lists impersonation sessions. Enforcement of a running
 * session (expiry, end, deactivation, suspension, read-only) lives in the auth
 * plumbing every request goes through (AuthContextService,
 * ImpersonationPolicyGuard); the audit records are written by the JwtAuthGuard
 * hook (ImpersonationAuditService).
 */
@Injectable()
export class ImpersonationService {
  constructor(
    private readonly repo: ImpersonationRepository,
    private readonly authContext: AuthContextService,
    private readonly registry: TenantRegistryService,
    private readonly tokens: TokenService,
    private readonly invalidation: InvalidationService,
    private readonly clock: Clock,
  ) {}

  async start(auth: AuthContext, dto: StartImpersonationDto): Promise<StartImpersonationResponseDto> {
    const target = await this.targetFacts(dto.userId);
    const allowWrites = dto.allowWrites ?? false;
    const decision = decideImpersonation({
      impersonator: {
        id: auth.user.id,
        clientId: auth.user.clientId,
        isPlatformAdmin: isPlatformAdmin(auth.user),
        capabilities: auth.user.capabilities,
        impersonating: auth.impersonation !== null,
      },
      target,
      allowWrites,
    });
    if (!decision.allowed) throw refusalError(decision.refusal);
    const t = target!;
    const ttlSeconds = (dto.durationMinutes ?? IMPERSONATION_DEFAULT_MINUTES) * 60;
    const startedAt = this.clock.now();
    // Both ends from one clock reading: the database caps the length at 60 minutes.
    const session = await this.repo.create({
      impersonatorId: auth.user.id,
      targetUserId: t.id,
      clientId: t.clientId!,
      reason: dto.reason,
      allowWrites,
      startedAt,
      expiresAt: new Date(startedAt.getTime() + ttlSeconds * 1000),
    });
    const accessToken = this.tokens.signAccess(
      { sub: t.id, clientId: t.clientId, sid: session.id, act: { sub: auth.user.id }, impSid: session.id },
      ttlSeconds,
    );
    return { accessToken, expiresIn: ttlSeconds, session: await this.toDtos([session]).then((d) => d[0]) };
  }

  /**
   * Only the impersonator may end a session: with their own (normal) token, or
   * with the impersonation token of that very session. Anyone else gets 404.
   * Idempotent: ending an ended or expired session answers 204 and changes nothing.
   */
  async end(auth: AuthContext, id: string): Promise<void> {
    if (!isUuid(id)) throw new NotFoundError('Impersonation session');
    const session = await this.repo.findById(id);
    const mayEnd = session && (auth.impersonation ? auth.impersonation.sessionId === id : auth.user.id === session.impersonatorId);
    if (!session || !mayEnd) throw new NotFoundError('Impersonation session');
    const reason = auth.impersonation ? 'ended with the impersonation token' : 'ended by the impersonator';
    await this.repo.endIfActive(id, this.clock.now(), reason);
    // Always publish: also drops a stale cached state on every instance.
    await this.invalidation.publish('impersonation', id);
  }

  async list(auth: AuthContext, q: ListImpersonationSessionsQueryDto): Promise<Page<ImpersonationSessionDto>> {
    const limit = q.limit ?? DEFAULT_LIMIT;
    const after = decodeCursor(q.cursor, isCreatedAtIdCursor);
    const scope: SessionScope = isPlatformAdmin(auth.user)
      ? { kind: 'all' }
      : auth.user.clientId
        ? { kind: 'client', clientId: auth.user.clientId }
        : { kind: 'impersonator', userId: auth.user.id };
    const rows = await this.repo.list({
      scope,
      active: q.active,
      impersonatorId: q.impersonatorId,
      targetUserId: q.targetUserId,
      now: this.clock.now(),
      after: after ? { startedAt: new Date(after.t), id: after.id } : null,
      take: limit + 1,
    });
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      data: await this.toDtos(page),
      nextCursor: more && last ? encodeCursor({ t: last.startedAt.toISOString(), id: last.id }) : null,
    };
  }

  private async toDtos(sessions: ImpersonationSessionRecord[]): Promise<ImpersonationSessionDto[]> {
    const [users, requests] = await Promise.all([
      this.repo.usersByIds(sessions.flatMap((s) => [s.impersonatorId, s.targetUserId])),
      this.repo.latestRequests(
        sessions.map((s) => s.id),
        IMPERSONATION_REQUESTS_PER_SESSION,
      ),
    ]);
    const now = this.clock.now();
    return sessions.map((s) => toImpersonationSessionDto(s, users, requests.get(s.id) ?? [], now));
  }

  /** The target as the auth plumbing sees it (effective capabilities, cached and invalidated like every request's). */
  private async targetFacts(userId: string): Promise<TargetFacts | null> {
    const user = await this.authContext.user(userId);
    if (!user) return null;
    const client = user.clientId ? await this.registry.get(user.clientId) : null;
    return {
      id: user.id,
      clientId: user.clientId,
      isPlatformAdmin: isPlatformAdmin(user),
      isActive: user.isActive,
      capabilities: user.capabilities,
      clientStatus: user.clientId ? (client?.status ?? null) : null,
    };
  }
}
