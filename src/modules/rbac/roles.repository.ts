import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';
import { constraintViolation } from '../../common/prisma-errors.js';
import type { Prisma } from '../../generated/prisma-main/client.js';
import { RoleNameTakenError } from './rbac.errors.js';

export interface RoleRow {
  id: string;
  key: string | null;
  name: string;
  description: string | null;
  system: boolean;
  clientId: string | null;
  capabilities: string[];
  createdAt: Date;
}

const ROLE_SELECT = {
  id: true,
  key: true,
  name: true,
  description: true,
  isSystem: true,
  clientId: true,
  createdAt: true,
  capabilities: { select: { capability: true }, orderBy: { capability: 'asc' } },
} as const satisfies Prisma.RoleSelect;

type SelectedRole = Prisma.RoleGetPayload<{ select: typeof ROLE_SELECT }>;

function toRow(r: SelectedRole): RoleRow {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    description: r.description,
    system: r.isSystem,
    clientId: r.clientId,
    capabilities: r.capabilities.map((c) => c.capability),
    createdAt: r.createdAt,
  };
}

/** Roles visible to a client: the system roles and the client's own. */
function visibleTo(clientId: string | null): Prisma.RoleWhereInput {
  return clientId ? { OR: [{ isSystem: true }, { clientId }] } : { isSystem: true };
}

function isUniqueViolation(err: unknown): boolean {
  return constraintViolation(err)?.sqlState === '23505';
}

/** The roles aggregate (roles + their capabilities) in the main database. */
@Injectable()
export class RolesRepository {
  constructor(private readonly main: MainPrismaService) {}

  async listVisible(clientId: string | null, limit: number, after: { t: string; id: string } | null): Promise<RoleRow[]> {
    const where: Prisma.RoleWhereInput = { AND: [visibleTo(clientId)] };
    if (after) {
      const t = new Date(after.t);
      (where.AND as Prisma.RoleWhereInput[]).push({ OR: [{ createdAt: { gt: t } }, { createdAt: t, id: { gt: after.id } }] });
    }
    const rows = await this.main.role.findMany({
      where,
      select: ROLE_SELECT,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: limit + 1,
    });
    return rows.map(toRow);
  }

  async findVisible(id: string, clientId: string | null): Promise<RoleRow | null> {
    const r = await this.main.role.findFirst({ where: { AND: [{ id }, visibleTo(clientId)] }, select: ROLE_SELECT });
    return r ? toRow(r) : null;
  }

  async findManyVisible(ids: readonly string[], clientId: string | null): Promise<RoleRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.main.role.findMany({ where: { AND: [{ id: { in: [...ids] } }, visibleTo(clientId)] }, select: ROLE_SELECT });
    return rows.map(toRow);
  }

  async findSystemByKey(key: string): Promise<RoleRow | null> {
    const r = await this.main.role.findFirst({ where: { key, isSystem: true }, select: ROLE_SELECT });
    return r ? toRow(r) : null;
  }

  /** Whether a system role already uses this name (case-insensitively). */
  async isSystemName(name: string): Promise<boolean> {
    // Compared with lower() in SQL, not Prisma's insensitive `equals`: that becomes ILIKE, where a
    // name such as "\\" is an invalid pattern (a 500) and "%" matches every system role.
    const rows = await this.main.$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM roles WHERE is_system AND lower(name) = lower(${name})`;
    return (rows[0]?.n ?? 0) > 0;
  }

  /** Creates a client role; a name taken in the client (case-insensitively, unique index) is a 409. */
  async create(input: { clientId: string; name: string; description: string | null; capabilities: readonly string[] }): Promise<RoleRow> {
    try {
      const r = await this.main.role.create({
        data: {
          clientId: input.clientId,
          name: input.name,
          description: input.description,
          isSystem: false,
          capabilities: { create: input.capabilities.map((capability) => ({ capability })) },
        },
        select: ROLE_SELECT,
      });
      return toRow(r);
    } catch (err) {
      if (isUniqueViolation(err)) throw new RoleNameTakenError();
      throw err;
    }
  }

  /** Updates a client role; `capabilities`, when given, replaces the whole set in the same transaction. */
  /**
   * Edits a role; `check` sees the capabilities it holds with its row locked,
   * so the decision and the write see the same role.
   */
  async update(
    id: string,
    data: { name?: string; description?: string | null; capabilities?: readonly string[] },
    check: (held: string[]) => void = () => undefined,
  ): Promise<RoleRow> {
    try {
      const r = await this.main.$transaction(async (tx) => {
        // Edits of one role take turns (its row locked first): two concurrent PATCHes of the capabilities
        // each replaced only what they saw, and the role kept the union of both sets.
        await tx.$queryRaw`SELECT 1 FROM roles WHERE id = ${id}::uuid FOR UPDATE`;
        check((await tx.roleCapability.findMany({ where: { roleId: id }, select: { capability: true } })).map((c) => c.capability));
        if (data.capabilities) {
          await tx.roleCapability.deleteMany({ where: { roleId: id, capability: { notIn: [...data.capabilities] } } });
          await tx.roleCapability.createMany({
            data: data.capabilities.map((capability) => ({ roleId: id, capability })),
            skipDuplicates: true,
          });
        }
        return tx.role.update({
          where: { id },
          data: { name: data.name, description: data.description, updatedAt: new Date() },
          select: ROLE_SELECT,
        });
      });
      return toRow(r);
    } catch (err) {
      if (isUniqueViolation(err)) throw new RoleNameTakenError();
      throw err;
    }
  }

  /** Deletes a client role (its assignments go with it); false when it was already gone. */
  /** Deletes a client role; `check` sees the capabilities it holds with its row locked. */
  async delete(id: string, check: (held: string[]) => void = () => undefined): Promise<boolean> {
    return this.main.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM roles WHERE id = ${id}::uuid AND NOT is_system FOR UPDATE`;
      if (locked.length === 0) return false;
      check((await tx.roleCapability.findMany({ where: { roleId: id }, select: { capability: true } })).map((c) => c.capability));
      const res = await tx.role.deleteMany({ where: { id, isSystem: false } });
      return res.count > 0;
    });
  }
}
