import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';

export interface ClientUserRecord {
  id: string;
  name: string;
  email: string;
  timeZone: string;
  isActive: boolean;
}

/**
 * Users live in the main database (tenant tables hold bare user ids): this is
 * where time tracking checks that a user id belongs to the caller's client
 * and reads names and time zones.
 */
@Injectable()
export class ClientUsersRepository {
  constructor(private readonly main: MainPrismaService) {}

  /** An active user of this client, or null (another client's user, a platform admin or a deactivated one). */
  async findActiveInClient(clientId: string, userId: string): Promise<ClientUserRecord | null> {
    const user = await this.main.user.findFirst({
      where: { id: userId, clientId, isActive: true },
      select: { id: true, name: true, email: true, timeZone: true, isActive: true },
    });
    return user;
  }

  /** Users of this client among `ids` (active or not: reports label past work too). */
  async findManyInClient(clientId: string, ids: readonly string[]): Promise<Map<string, ClientUserRecord>> {
    if (ids.length === 0) return new Map();
    const users = await this.main.user.findMany({
      where: { id: { in: [...new Set(ids)] }, clientId },
      select: { id: true, name: true, email: true, timeZone: true, isActive: true },
    });
    return new Map(users.map((u) => [u.id, u]));
  }
}
