import { Injectable } from '@nestjs/common';
import { NotFoundError, QuotaExceededError, ValidationFailedError } from '../../common/errors.js';
import { decodeCursor, isCreatedAtIdCursor, Page, toPage } from '../../common/pagination.js';
import { InvalidationService } from '../../database/invalidation.service.js';
import { CapabilityNotGrantableError, parseCapabilities } from '../identity/index.js';
import type { AuthContext } from './auth-context.js';
import { NotWhileImpersonatingError } from './auth.errors.js';
import { AccessTokensRepository } from './access-tokens.repository.js';
import { newAccessToken } from './access-token.js';
import { AccessTokenDto, CreateAccessTokenDto, CreatedAccessTokenDto, toAccessTokenDto } from './dto/access-token.dto.js';

/** Personal access tokens one user may hold (409 QUOTA_EXCEEDED above; delete unused ones). */
export const ACCESS_TOKENS_PER_USER = 50;

/** Creating, listing and revoking the caller's personal access tokens. */
@Injectable()
export class AccessTokensService {
  constructor(
    private readonly tokens: AccessTokensRepository,
    private readonly invalidation: InvalidationService,
  ) {}

  /**
   * A token may be limited to capabilities the caller holds now (others: 403
   * CAPABILITY_NOT_GRANTABLE). An impersonator cannot create one: it would
   * outlive the impersonation session as a credential of the target.
   */
  async create(auth: AuthContext, dto: CreateAccessTokenDto, now = new Date()): Promise<CreatedAccessTokenDto> {
    if (auth.impersonation) throw new NotWhileImpersonatingError();
    let capabilities: string[] | null = null;
    if (dto.capabilities !== undefined) {
      const parsed = parseCapabilities(dto.capabilities);
      const lacking = parsed.filter((c) => !auth.user.capabilities.has(c));
      if (lacking.length > 0) throw new CapabilityNotGrantableError(lacking);
      capabilities = parsed.sort();
    }
    let expiresAt: Date | null = null;
    if (dto.expiresAt != null) {
      expiresAt = new Date(dto.expiresAt);
      if (Number.isNaN(expiresAt.getTime()) || expiresAt.getFullYear() > 9999) {
        throw ValidationFailedError.field('expiresAt', 'expiresAt is not a valid instant');
      }
      if (expiresAt <= now) throw ValidationFailedError.field('expiresAt', 'expiresAt must be in the future');
    }
    const secret = newAccessToken();
    const row = await this.tokens.createWithinLimit(
      { userId: auth.user.id, name: dto.name, tokenHash: secret.hash, prefix: secret.prefix, capabilities, expiresAt },
      ACCESS_TOKENS_PER_USER,
    );
    if (!row) throw new QuotaExceededError('personal access tokens per user', ACCESS_TOKENS_PER_USER);
    const dtoOut = toAccessTokenDto(row);
    return {
      id: dtoOut.id,
      name: dtoOut.name,
      token: secret.token,
      prefix: dtoOut.prefix,
      capabilities: dtoOut.capabilities,
      expiresAt: dtoOut.expiresAt,
      createdAt: dtoOut.createdAt,
    };
  }

  async list(auth: AuthContext, query: { limit?: number; cursor?: string }): Promise<Page<AccessTokenDto>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, isCreatedAtIdCursor);
    const rows = await this.tokens.listByUser(auth.user.id, limit + 1, after);
    return toPage(rows, limit, toAccessTokenDto, (r) => ({ t: r.createdAt.toISOString(), id: r.id }));
  }

  /** Deletes the token and tells every instance, so it stops working at once; another user's token is 404. */
  async revoke(auth: AuthContext, id: string): Promise<void> {
    if (auth.impersonation) throw new NotWhileImpersonatingError();
    if (!(await this.tokens.deleteOfUser(auth.user.id, id))) throw new NotFoundError('Access token');
    await this.invalidation.publish('access-token', id);
  }
}
