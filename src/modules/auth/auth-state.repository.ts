import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';

export interface SessionState {
  userId: string;
  revoked: boolean;
  expiresAt: number;
}

export interface ImpersonationState {
  impersonatorId: string;
  targetUserId: string;
  allowWrites: boolean;
  ended: boolean;
  expiresAt: number;
}

/** The session and impersonation-session state every authenticated request is checked against (main database). */
@Injectable()
export class AuthStateRepository {
  constructor(private readonly main: MainPrismaService) {}

  async session(id: string): Promise<SessionState | null> {
    const s = await this.main.session.findUnique({ where: { id }, select: { userId: true, revokedAt: true, expiresAt: true } });
    return s ? { userId: s.userId, revoked: s.revokedAt !== null, expiresAt: s.expiresAt.getTime() } : null;
  }

  async impersonation(id: string): Promise<ImpersonationState | null> {
    const s = await this.main.impersonationSession.findUnique({ where: { id } });
    return s
      ? {
          impersonatorId: s.impersonatorId,
          targetUserId: s.targetUserId,
          allowWrites: s.allowWrites,
          ended: s.endedAt !== null,
          expiresAt: s.expiresAt.getTime(),
        }
      : null;
  }
}
