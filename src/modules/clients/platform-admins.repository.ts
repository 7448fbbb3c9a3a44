import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';

/** Platform admins: users without a client holding the `platform-admin` system role. */
@Injectable()
export class PlatformAdminsRepository {
  constructor(private readonly main: MainPrismaService) {}

  async count(): Promise<number> {
    return this.main.user.count({ where: { clientId: null, roles: { some: { role: { key: 'platform-admin', isSystem: true } } } } });
  }

  async list(): Promise<{ id: string; email: string; name: string; isActive: boolean; createdAt: Date }[]> {
    return this.main.user.findMany({
      where: { clientId: null, roles: { some: { role: { key: 'platform-admin', isSystem: true } } } },
      select: { id: true, email: true, name: true, isActive: true, createdAt: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  /**
   * Runs `fn` holding a session advisory lock on the main database, so that
   * instances starting at the same moment bootstrap one after the other.
   */
  async withBootstrapLock<T>(fn: () => Promise<T>): Promise<T> {
    const conn = await this.main.pool.connect();
    try {
      await conn.query("SELECT pg_advisory_lock(hashtext('freetimechat-platform-admin-bootstrap'))");
      try {
        return await fn();
      } finally {
        await conn.query("SELECT pg_advisory_unlock(hashtext('freetimechat-platform-admin-bootstrap'))").catch(() => undefined);
      }
    } finally {
      conn.release();
    }
  }
}
