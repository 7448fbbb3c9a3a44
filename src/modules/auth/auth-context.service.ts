import { Injectable } from '@nestjs/common';
import type { LRUCache } from 'lru-cache';
import { InvalidationService } from '../../database/invalidation.service.js';
import { SERVING_STATUSES, TenantRegistryService } from '../../database/tenant-registry.service.js';
import { ClientSuspendedError, UnauthenticatedError } from '../../common/errors.js';
import { Capability, CAPABILITIES, isCapability, UsersRepository } from '../identity/index.js';
import { AuthStateRepository, ImpersonationState, SessionState } from './auth-state.repository.js';
import { AccessTokenClaims, AuthContext, AuthenticatedUser } from './auth-context.js';
import { isUuid } from '../../common/uuid.js';
import { AccessTokensRepository, AccessTokenState } from './access-tokens.repository.js';
import { hashAccessToken, isWellFormedAccessToken } from './access-token.js';
import { growingLru } from '../../common/lru.js';

/**
 * Resolves a verified token into the caller, checking on every request that
 * the session (or impersonation session) is live, the user active and the
 * client active. Lookups are cached per instance and dropped everywhere at
 * once through LISTEN/NOTIFY, so revocation, deactivation, suspension and role
 * changes act on the next request rather than at token expiry.
 */
@Injectable()
export class AuthContextService {
  private readonly users = growingLru<string, AuthenticatedUser | 'missing'>(50_000, 30_000);
  private readonly sessions = growingLru<string, SessionState | 'missing'>(100_000, 30_000);
  private readonly impersonations = growingLru<string, ImpersonationState | 'missing'>(10_000, 30_000);
  /** Personal access tokens by hash, and the hash of each cached token by id (revocation names the id). */
  private readonly accessTokens = growingLru<string, AccessTokenState | 'missing'>(50_000, 30_000);
  private readonly accessTokenHashes = growingLru<string, string>(50_000, 30_000);
  private generation = 0;

  constructor(
    private readonly accounts: UsersRepository,
    private readonly state: AuthStateRepository,
    private readonly registry: TenantRegistryService,
    invalidation: InvalidationService,
    private readonly accessTokenRows: AccessTokensRepository,
  ) {
    invalidation.subscribe((msg) => {
      this.generation++;
      switch (msg.kind) {
        case 'user':
          this.users.delete(msg.id);
          break;
        case 'session':
          this.sessions.delete(msg.id);
          break;
        case 'impersonation':
          this.impersonations.delete(msg.id);
          break;
        case 'access-token': {
          const hash = this.accessTokenHashes.get(msg.id);
          if (hash) this.accessTokens.delete(hash);
          this.accessTokenHashes.delete(msg.id);
          break;
        }
        case 'role':
        case 'all':
          this.users.clear();
          if (msg.kind === 'all') {
            this.sessions.clear();
            this.impersonations.clear();
            this.accessTokens.clear();
            this.accessTokenHashes.clear();
          }
          break;
        default:
          break;
      }
    });
  }

  async resolve(claims: AccessTokenClaims): Promise<AuthContext> {
    if (claims?.typ !== 'access' || typeof claims.sub !== 'string' || !isUuid(claims.sub) || typeof claims.sid !== 'string') {
      throw new UnauthenticatedError('Invalid access token');
    }
    let impersonation: AuthContext['impersonation'] = null;
    if (claims.impSid !== undefined) {
      if (!isUuid(claims.impSid) || claims.impSid !== claims.sid || !claims.act?.sub)
        throw new UnauthenticatedError('Invalid access token');
      const imp = await this.impersonation(claims.impSid);
      if (!imp || imp.ended || imp.expiresAt <= Date.now() || imp.targetUserId !== claims.sub || imp.impersonatorId !== claims.act.sub) {
        throw new UnauthenticatedError('The impersonation session has ended');
      }
      const impersonator = await this.user(imp.impersonatorId);
      if (!impersonator || !impersonator.isActive) throw new UnauthenticatedError('The impersonation session has ended');
      impersonation = {
        sessionId: claims.impSid,
        impersonator: { id: impersonator.id, email: impersonator.email },
        allowWrites: imp.allowWrites,
        expiresAt: new Date(imp.expiresAt),
      };
    } else {
      if (!isUuid(claims.sid)) throw new UnauthenticatedError('Invalid access token');
      const session = await this.session(claims.sid);
      if (!session || session.revoked || session.expiresAt <= Date.now() || session.userId !== claims.sub) {
        throw new UnauthenticatedError('The session has ended');
      }
    }
    const user = await this.user(claims.sub);
    if (!user || !user.isActive) throw new UnauthenticatedError('The user is not active');
    if ((claims.clientId ?? null) !== user.clientId) throw new UnauthenticatedError('Invalid access token');
    await this.assertClientActive(user.clientId);
    return { user, sessionId: claims.sid, impersonation, claims };
  }

  /**
   * Resolves a personal access token (`ftc_pat_…`): it must exist (a revoked
   * one is deleted) and not have expired; its user must be active and its
   * client active, as for a session. The caller holds the capabilities the
   * token lists that the user holds now (all of the user's when it lists
   * none), decided on every request so a role change acts at once.
   */
  async resolveAccessToken(token: string): Promise<AuthContext> {
    if (!isWellFormedAccessToken(token)) throw new UnauthenticatedError('Invalid access token');
    const hash = hashAccessToken(token);
    const state = await this.cached(this.accessTokens, hash, async () => {
      const found = await this.accessTokenRows.findStateByHash(hash);
      if (found) this.accessTokenHashes.set(found.id, hash);
      return found;
    });
    if (!state) throw new UnauthenticatedError('Invalid access token');
    if (state.expiresAt !== null && state.expiresAt <= Date.now()) throw new UnauthenticatedError('The access token has expired');
    const user = await this.user(state.userId);
    if (!user || !user.isActive) throw new UnauthenticatedError('The user is not active');
    await this.assertClientActive(user.clientId);
    const listed = state.capabilities;
    const capabilities =
      listed === null ? user.capabilities : new Set(listed.filter((c): c is Capability => isCapability(c) && user.capabilities.has(c)));
    return {
      user: capabilities === user.capabilities ? user : { ...user, capabilities },
      sessionId: state.id,
      impersonation: null,
      claims: { sub: user.id, clientId: user.clientId, sid: state.id, typ: 'access' },
      accessToken: { id: state.id },
    };
  }

  /** A client user's client must exist (401) and be serving, active or in maintenance (else 403 CLIENT_SUSPENDED). */
  private async assertClientActive(clientId: string | null): Promise<void> {
    if (!clientId) return;
    const client = await this.registry.get(clientId);
    if (!client || client.status === 'deleted') throw new UnauthenticatedError('The client no longer exists');
    if (!SERVING_STATUSES.includes(client.status)) throw new ClientSuspendedError();
  }

  /** Cached user with roles and effective capabilities. */
  async user(id: string): Promise<AuthenticatedUser | null> {
    return this.cached(this.users, id, async () => {
      const u = await this.accounts.findWithCapabilities(id);
      if (!u) return null;
      const caps = new Set<Capability>();
      for (const role of u.roles) {
        for (const capability of role.capabilities) {
          if (!isCapability(capability)) continue;
          // Defence in depth: a client user never holds a platform capability.
          if (u.clientId && CAPABILITIES[capability].scope === 'platform') continue;
          caps.add(capability);
        }
      }
      return {
        id: u.id,
        email: u.email,
        name: u.name,
        clientId: u.clientId,
        timeZone: u.timeZone,
        isActive: u.isActive,
        twoFactorEnabled: u.twoFactorEnabled,
        roles: u.roles.map((r) => ({ id: r.id, key: r.key, name: r.name })),
        capabilities: caps,
      };
    });
  }

  private session(id: string): Promise<SessionState | null> {
    return this.cached(this.sessions, id, () => this.state.session(id));
  }

  private impersonation(id: string): Promise<ImpersonationState | null> {
    return this.cached(this.impersonations, id, () => this.state.impersonation(id));
  }

  private async cached<T extends object>(
    cache: LRUCache<string, T | 'missing'>,
    key: string,
    load: () => Promise<T | null>,
  ): Promise<T | null> {
    const hit = cache.get(key);
    if (hit !== undefined) return hit === 'missing' ? null : hit;
    const gen = this.generation;
    const value = await load();
    // An invalidation that arrived while loading wins: don't cache stale data.
    if (gen === this.generation) cache.set(key, value ?? 'missing');
    return value;
  }
}
