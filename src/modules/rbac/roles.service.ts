import { Injectable } from '@nestjs/common';
import { InvalidationService } from '../../database/invalidation.service.js';
import { NotFoundError, TenantRequiredError } from '../../common/errors.js';
import { decodeCursor, isCreatedAtIdCursor, Page, PaginationQueryDto, toPage } from '../../common/pagination.js';
import type { AuthContext } from '../auth/index.js';
import { assertGrantable, parseCapabilities } from '../identity/index.js';
import { RolesRepository } from './roles.repository.js';
import { RoleNameTakenError, SystemRoleReadonlyError } from './rbac.errors.js';
import { CreateRoleDto, RoleDto, toRoleDto, UpdateRoleDto } from './dto/role.dto.js';
import type { Capability } from '../identity/index.js';

/**
 * Client roles: sets of capabilities a client's admins compose. System roles
 * are shared and read-only. Every change takes effect on the next request
 * (published so every instance drops its cached capabilities).
 */
@Injectable()
export class RolesService {
  constructor(
    private readonly roles: RolesRepository,
    private readonly invalidation: InvalidationService,
  ) {}

  async list(auth: AuthContext, query: PaginationQueryDto): Promise<Page<RoleDto>> {
    const limit = query.limit ?? 50;
    const after = decodeCursor(query.cursor, isCreatedAtIdCursor);
    const rows = await this.roles.listVisible(auth.user.clientId, limit, after);
    return toPage(rows, limit, toRoleDto, (r) => ({ t: r.createdAt.toISOString(), id: r.id }));
  }

  async get(auth: AuthContext, id: string): Promise<RoleDto> {
    const role = await this.roles.findVisible(id, auth.user.clientId);
    if (!role) throw new NotFoundError('Role');
    return toRoleDto(role);
  }

  async create(auth: AuthContext, dto: CreateRoleDto): Promise<RoleDto> {
    const clientId = auth.user.clientId;
    // Roles created through the API always belong to a client; platform admins have none.
    if (!clientId) throw new TenantRequiredError();
    const capabilities = parseCapabilities(dto.capabilities);
    assertGrantable(auth.user.capabilities, capabilities);
    if (await this.roles.isSystemName(dto.name)) throw new RoleNameTakenError();
    const role = await this.roles.create({ clientId, name: dto.name, description: dto.description ?? null, capabilities });
    return toRoleDto(role);
  }

  /**
   * Only a caller holding every capability of the role, as it is and as it
   * would be, may edit it: a weaker admin could otherwise strip (or rename
   * away) a role a stronger user depends on.
   */
  async update(auth: AuthContext, id: string, dto: UpdateRoleDto): Promise<RoleDto> {
    await this.ownRole(auth, id);
    const capabilities = dto.capabilities !== undefined ? parseCapabilities(dto.capabilities) : undefined;
    if (capabilities) assertGrantable(auth.user.capabilities, capabilities);
    if (dto.name !== undefined && (await this.roles.isSystemName(dto.name))) throw new RoleNameTakenError();
    const updated = await this.roles.update(id, { name: dto.name, description: dto.description, capabilities }, (held) =>
      assertGrantable(auth.user.capabilities, held as Capability[]),
    );
    await this.invalidation.publish('role', id);
    return toRoleDto(updated);
  }

  /** Only a caller holding every capability of the role may delete it. */
  async remove(auth: AuthContext, id: string): Promise<void> {
    await this.ownRole(auth, id);
    if (!(await this.roles.delete(id, (held) => assertGrantable(auth.user.capabilities, held as Capability[]))))
      throw new NotFoundError('Role');
    await this.invalidation.publish('role', id);
  }

  /** A role the caller's client owns: another client's is 404, a system role 403 SYSTEM_ROLE_READONLY. */
  private async ownRole(auth: AuthContext, id: string) {
    const role = await this.roles.findVisible(id, auth.user.clientId);
    if (!role) throw new NotFoundError('Role');
    if (role.system) throw new SystemRoleReadonlyError();
    if (!auth.user.clientId || role.clientId !== auth.user.clientId) throw new NotFoundError('Role');
    return role;
  }
}
