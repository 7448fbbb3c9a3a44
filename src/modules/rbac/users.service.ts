import { assertUnderQuota } from '../../database/quota.js';
import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';
import { ConflictError } from '../../common/errors.js';
import { constraintViolation } from '../../common/prisma-errors.js';
import { PasswordService } from '../auth/password.service.js';
import type { Prisma } from '../../generated/prisma-main/client.js';

export interface CreateUserInput {
  clientId: string | null;
  email: string;
  name: string;
  password: string;
  timeZone?: string;
  /** System role keys (e.g. 'client-admin') and/or role ids. */
  roleKeys?: string[];
  roleIds?: string[];
}

/** Normalised e-mail: unique across the platform, case-insensitively. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Creating users (shared by signup, POST /users, POST /clients, the CLI and the demo seed). */
@Injectable()
export class UsersService {
  constructor(
    private readonly main: MainPrismaService,
    private readonly passwords: PasswordService,
  ) {}

  /**
   * Creates a user; with `quota`, only while the user's client has fewer users
   * (409 QUOTA_EXCEEDED), checked in one transaction with the insert.
   */
  async createUser(input: CreateUserInput, tx?: Prisma.TransactionClient, quota?: number): Promise<{ id: string; email: string }> {
    const passwordHash = await this.passwords.hash(input.password);
    const clientId = input.clientId;
    if (quota === undefined || !clientId) return this.insertUser(input, passwordHash, tx ?? this.main);
    const insert = async (t: Prisma.TransactionClient) => {
      await assertUnderQuota(t, 'users', quota, () => t.user.count({ where: { clientId } }), clientId);
      return this.insertUser(input, passwordHash, t);
    };
    return tx ? insert(tx) : this.main.$transaction(insert);
  }

  private async insertUser(
    input: CreateUserInput,
    passwordHash: string,
    tx: Prisma.TransactionClient,
  ): Promise<{ id: string; email: string }> {
    const roles = await tx.role.findMany({
      where: { OR: [{ key: { in: input.roleKeys ?? [] } }, { id: { in: input.roleIds ?? [] } }] },
      select: { id: true },
    });
    try {
      const user = await tx.user.create({
        data: {
          clientId: input.clientId,
          email: normalizeEmail(input.email),
          name: input.name.trim(),
          passwordHash,
          timeZone: input.timeZone ?? 'UTC',
          roles: { create: roles.map((r) => ({ roleId: r.id })) },
        },
        select: { id: true, email: true },
      });
      return user;
    } catch (err) {
      if (constraintViolation(err)?.sqlState === '23505') {
        throw new ConflictError('A user with this e-mail already exists', 'CONFLICT', [
          { field: 'email', message: 'email is already taken' },
        ]);
      }
      throw err;
    }
  }
}
