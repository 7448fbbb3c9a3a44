import { AppConfigService } from '../../config/config.service.js';
import { Injectable } from '@nestjs/common';
import { InvalidationService } from '../../database/invalidation.service.js';
import { ForbiddenError, MissingCapabilityError, NotFoundError, TenantRequiredError, ValidationFailedError } from '../../common/errors.js';
import { decodeCursor, isCreatedAtIdCursor, Page, PaginationQueryDto, toPage } from '../../common/pagination.js';
import { type AuthContext, AuthContextService } from '../auth/index.js';
import { assertAssignable, canManageUser } from '../identity/index.js';
import { RolesRepository, RoleRow } from './roles.repository.js';
import { UsersRepository, UserWithRolesRow, UsersService, canonicalTimeZone } from '../identity/index.js';
import { CreateUserDto, SetUserRolesDto, toUserDto, UpdateUserDto, UserDto } from './dto/user.dto.js';

/**
 * The user directory of the caller's client (`/users`). Client-scoped:
 * platform admins (no client) get 403 TENANT_REQUIRED, another client's user
 * is 404. Changes to a user's active flag, profile or roles are published so
 * they act on the next request on every instance.
 */
@Injectable()
export class UserAdminService {
  constructor(
    private readonly users: UsersRepository,
    private readonly roles: RolesRepository,
    private readonly creator: UsersService,
    private readonly contexts: AuthContextService,
    private readonly invalidation: InvalidationService,
    private readonly config: AppConfigService,
  ) {}

  async list(auth: AuthContext, query: PaginationQueryDto): Promise<Page<UserDto>> {
    const clientId = requireClient(auth);
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, isCreatedAtIdCursor);
    const rows = await this.users.listInClient(clientId, limit, after);
    return toPage(rows, limit, toUserDto, (r) => ({ t: r.createdAt.toISOString(), id: r.id }));
  }

  async get(auth: AuthContext, id: string): Promise<UserDto> {
    return toUserDto(await this.target(auth, id));
  }

  async create(auth: AuthContext, dto: CreateUserDto): Promise<UserDto> {
    const clientId = requireClient(auth);
    let roles: RoleRow[];
    if (dto.roleIds === undefined) {
      const member = await this.roles.findSystemByKey('member');
      roles = member ? [member] : [];
    } else {
      if (dto.roleIds.length > 0 && !auth.user.capabilities.has('roles:assign')) {
        throw new MissingCapabilityError('roles:assign');
      }
      roles = await this.visibleRoles(clientId, dto.roleIds);
    }
    assertAssignable(auth.user.capabilities, roles);
    const { id } = await this.creator.createUser(
      {
        clientId,
        email: dto.email,
        name: dto.name,
        password: dto.password,
        timeZone: dto.timeZone ? canonicalTimeZone(dto.timeZone) : undefined,
        roleIds: roles.map((r) => r.id),
      },
      this.config.get('QUOTA_USERS'),
    );
    const created = await this.users.findInClient(clientId, id);
    if (!created) throw new NotFoundError('User');
    return toUserDto(created);
  }

  async update(auth: AuthContext, id: string, dto: UpdateUserDto): Promise<UserDto> {
    const target = await this.target(auth, id);
    await this.assertCanManage(auth, target);
    const data = { name: dto.name, timeZone: dto.timeZone === undefined ? undefined : canonicalTimeZone(dto.timeZone) };
    if (dto.isActive === false && target.id === auth.user.id) {
      // Deactivating yourself would end your own access (and could lock a client out of its admin).
      throw new ForbiddenError('You cannot deactivate yourself');
    }
    if (dto.isActive === false && target.isActive) {
      const sessions = await this.users.deactivate(id, data, requireClient(auth));
      await this.invalidation.publish('user', id);
      for (const sid of sessions) await this.invalidation.publish('session', sid);
    } else {
      await this.users.updateProfile(id, { ...data, isActive: dto.isActive });
      await this.invalidation.publish('user', id);
    }
    return this.get(auth, id);
  }

  async setRoles(auth: AuthContext, id: string, dto: SetUserRolesDto): Promise<UserDto> {
    const clientId = requireClient(auth);
    const target = await this.target(auth, id);
    await this.assertCanManage(auth, target);
    const roles = await this.visibleRoles(clientId, dto.roleIds);
    assertAssignable(auth.user.capabilities, roles, new Set(target.roles.map((r) => r.id)));
    await this.users.replaceRoles(
      id,
      roles.map((r) => r.id),
      clientId,
    );
    await this.invalidation.publish('user', id);
    return this.get(auth, id);
  }

  private async target(auth: AuthContext, id: string): Promise<UserWithRolesRow> {
    const clientId = requireClient(auth);
    const user = await this.users.findInClient(clientId, id);
    if (!user) throw new NotFoundError('User');
    return user;
  }

  /** Nobody manages a user more powerful than themselves (e.g. a users:manage-only role deactivating the admin). */
  private async assertCanManage(auth: AuthContext, target: UserWithRolesRow): Promise<void> {
    if (target.id === auth.user.id) return;
    const resolved = await this.contexts.user(target.id);
    if (resolved && !canManageUser(auth.user.capabilities, resolved.capabilities)) {
      throw new ForbiddenError('This user holds capabilities you lack');
    }
  }

  /** Role ids must name system roles or the client's own roles; anything else is a 400. */
  private async visibleRoles(clientId: string, ids: readonly string[]): Promise<RoleRow[]> {
    const wanted = [...new Set(ids.map((i) => i.toLowerCase()))];
    const roles = await this.roles.findManyVisible(wanted, clientId);
    if (roles.length !== wanted.length) {
      const found = new Set(roles.map((r) => r.id));
      const missing = wanted.filter((i) => !found.has(i));
      throw ValidationFailedError.field('roleIds', `Unknown role: ${missing.join(', ')}`);
    }
    return roles;
  }
}

/** `/users` is client-scoped: a platform admin (no client) is refused with TENANT_REQUIRED. */
function requireClient(auth: AuthContext): string {
  if (!auth.user.clientId) throw new TenantRequiredError();
  return auth.user.clientId;
}
