import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';
import type { Prisma } from '../../generated/prisma-main/client.js';
import { ConflictError } from '../../common/errors.js';
import { constraintViolation } from '../../common/prisma-errors.js';
import { assertUnderQuota } from '../../database/quota.js';
import { normalizeEmail } from './email.js';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  clientId: string | null;
  timeZone: string;
  isActive: boolean;
  twoFactorEnabled: boolean;
  createdAt: Date;
}

export interface UserRoleRef {
  id: string;
  key: string | null;
  name: string;
  system: boolean;
}

export interface UserWithRolesRow extends UserRow {
  roles: UserRoleRef[];
}

/** What login needs; the hash never leaves the auth services. */
export interface CredentialsRow {
  id: string;
  clientId: string | null;
  passwordHash: string;
  isActive: boolean;
  twoFactorEnabled: boolean;
}

const USER_SELECT = {
  id: true,
  email: true,
  name: true,
  clientId: true,
  timeZone: true,
  isActive: true,
  twoFactorEnabled: true,
  createdAt: true,
  roles: { select: { role: { select: { id: true, key: true, name: true, isSystem: true } } }, orderBy: { createdAt: 'asc' } },
} as const satisfies Prisma.UserSelect;

type SelectedUser = Prisma.UserGetPayload<{ select: typeof USER_SELECT }>;

function toRow(u: SelectedUser): UserWithRolesRow {
  const { roles, ...rest } = u;
  return {
    ...rest,
    roles: roles
      .filter((r) => r.role !== null)
      .map((r) => ({ id: r.role.id, key: r.role.key, name: r.role.name, system: r.role.isSystem })),
  };
}

/** A user row with its roles and each role's capability keys: what authorization resolves a caller from. */
export interface UserWithCapabilitiesRow extends Omit<UserRow, 'createdAt'> {
  roles: { id: string; key: string | null; name: string; capabilities: string[] }[];
}

/** A new user: the password already hashed; roles by system key and/or id. */
export interface NewUserRow {
  clientId: string | null;
  email: string;
  name: string;
  passwordHash: string;
  timeZone?: string;
  roleKeys?: string[];
  roleIds?: string[];
}

/** The change would leave the client without an active client-admin. */
export class LastClientAdminError extends ConflictError {
  constructor() {
    super('The client must keep at least one active user with the role client-admin');
  }
}

/** The users aggregate (users + their role assignments) in the main database. */
@Injectable()
export class UsersRepository {
  constructor(private readonly main: MainPrismaService) {}

  /**
   * Inserts the user with its roles; with `quota`, only while the user's
   * client has fewer users (409 QUOTA_EXCEEDED), counted under the quota's lock
   * in the insert's transaction. A taken e-mail is a 409 on `email`.
   */
  async create(user: NewUserRow, quota?: number): Promise<{ id: string; email: string }> {
    const clientId = user.clientId;
    if (quota === undefined || !clientId) return insertUser(this.main, user);
    return this.main.$transaction(async (tx) => {
      await assertUnderQuota(tx, 'users', quota, () => tx.user.count({ where: { clientId } }), clientId);
      return insertUser(tx, user);
    });
  }

  /** The user with roles and capability keys; a role deleted while this was read no longer counts. */
  async findWithCapabilities(id: string): Promise<UserWithCapabilitiesRow | null> {
    const u = await this.main.user.findUnique({
      where: { id },
      include: { roles: { include: { role: { include: { capabilities: true } } } } },
    });
    if (!u) return null;
    return {
      id: u.id,
      email: u.email,
      name: u.name,
      clientId: u.clientId,
      timeZone: u.timeZone,
      isActive: u.isActive,
      twoFactorEnabled: u.twoFactorEnabled,
      roles: u.roles
        .filter((ur) => ur.role !== null)
        .map((ur) => ({
          id: ur.role.id,
          key: ur.role.key,
          name: ur.role.name,
          capabilities: ur.role.capabilities.map((rc) => rc.capability),
        })),
    };
  }

  async findCredentialsByEmail(email: string): Promise<CredentialsRow | null> {
    return this.main.user.findUnique({
      where: { email },
      select: { id: true, clientId: true, passwordHash: true, isActive: true, twoFactorEnabled: true },
    });
  }

  async findCredentialsById(id: string): Promise<CredentialsRow | null> {
    return this.main.user.findUnique({
      where: { id },
      select: { id: true, clientId: true, passwordHash: true, isActive: true, twoFactorEnabled: true },
    });
  }

  /** Sets a new password hash if the current one is still `expected`; false when it changed meanwhile. */
  async replacePasswordHash(id: string, expected: string, passwordHash: string): Promise<boolean> {
    return (await this.main.user.updateMany({ where: { id, passwordHash: expected }, data: { passwordHash } })).count === 1;
  }

  async findWithRoles(id: string): Promise<UserWithRolesRow | null> {
    const u = await this.main.user.findUnique({ where: { id }, select: USER_SELECT });
    return u ? toRow(u) : null;
  }

  /** A user of that client, or null (another client's user is invisible). */
  async findInClient(clientId: string, id: string): Promise<UserWithRolesRow | null> {
    const u = await this.main.user.findFirst({ where: { id, clientId }, select: USER_SELECT });
    return u ? toRow(u) : null;
  }

  /** Keyset page by (createdAt, id); fetches `limit + 1` rows so the caller can tell whether more follow. */
  async listInClient(clientId: string, limit: number, after: { t: string; id: string } | null): Promise<UserWithRolesRow[]> {
    const where: Prisma.UserWhereInput = { clientId };
    if (after) {
      const t = new Date(after.t);
      where.OR = [{ createdAt: { gt: t } }, { createdAt: t, id: { gt: after.id } }];
    }
    const rows = await this.main.user.findMany({
      where,
      select: USER_SELECT,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit + 1,
    });
    return rows.map(toRow);
  }

  async updateProfile(id: string, data: { name?: string; timeZone?: string; isActive?: boolean }): Promise<void> {
    await this.main.user.update({ where: { id }, data });
  }

  /**
   * Deactivates the user and revokes every live session in one transaction;
   * returns the revoked session ids (to invalidate caches everywhere).
   */
  async deactivate(id: string, data: { name?: string; timeZone?: string }, clientId: string): Promise<string[]> {
    return this.main.$transaction(async (tx) => {
      await lockClient(tx, clientId);
      await tx.user.update({ where: { id }, data: { ...data, isActive: false } });
      await assertKeepsAnAdmin(tx, clientId);
      const revoked = await tx.$queryRaw<{ id: string }[]>`
        UPDATE sessions SET revoked_at = now(), revoked_reason = 'user_deactivated'
        WHERE user_id = ${id}::uuid AND revoked_at IS NULL
        RETURNING id::text AS id`;
      return revoked.map((r) => r.id);
    });
  }

  /** Replaces the user's role set atomically. */
  async replaceRoles(userId: string, roleIds: readonly string[], clientId: string): Promise<void> {
    await this.main.$transaction(async (tx) => {
      await lockClient(tx, clientId);
      await tx.userRole.deleteMany({ where: { userId, roleId: { notIn: [...roleIds] } } });
      await tx.userRole.createMany({ data: roleIds.map((roleId) => ({ userId, roleId })), skipDuplicates: true });
      await assertKeepsAnAdmin(tx, clientId);
    });
  }
}

type Tx = Prisma.TransactionClient;

async function insertUser(tx: Tx, input: NewUserRow): Promise<{ id: string; email: string }> {
  const roles = await tx.role.findMany({
    where: { OR: [{ key: { in: input.roleKeys ?? [] } }, { id: { in: input.roleIds ?? [] } }] },
    select: { id: true },
  });
  try {
    return await tx.user.create({
      data: {
        clientId: input.clientId,
        email: normalizeEmail(input.email),
        name: input.name.trim(),
        passwordHash: input.passwordHash,
        timeZone: input.timeZone ?? 'UTC',
        roles: { create: roles.map((r) => ({ roleId: r.id })) },
      },
      select: { id: true, email: true },
    });
  } catch (err) {
    if (constraintViolation(err)?.sqlState === '23505') {
      throw new ConflictError('A user with this e-mail already exists', 'CONFLICT', [
        { field: 'email', message: 'email is already taken' },
      ]);
    }
    throw err;
  }
}

/** Changes to who administers a client are serialized per client (its registry row), so two cannot each remove "the other" admin. */
async function lockClient(tx: Tx, clientId: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM clients WHERE id = ${clientId}::uuid FOR UPDATE`;
}

/**
 * A client keeps at least one active user with the system role client-admin:
 * without one nobody could ever assign roles again (a platform admin reaches
 * client users only by impersonation, with at most the target's capabilities).
 * Checked inside the change's transaction, after the change; throws to roll it back.
 */
async function assertKeepsAnAdmin(tx: Tx, clientId: string): Promise<void> {
  const [{ n }] = await tx.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM users u
    JOIN user_roles ur ON ur.user_id = u.id
    JOIN roles r ON r.id = ur.role_id AND r.key = 'client-admin' AND r.client_id IS NULL
    WHERE u.client_id = ${clientId}::uuid AND u.is_active`;
  if (n === 0) throw new LastClientAdminError();
}
