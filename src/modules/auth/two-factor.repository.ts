import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';

export interface TwoFactorState {
  email: string;
  enabled: boolean;
  secretEnc: string | null;
  pendingEnc: string | null;
}

/** A user's 2FA columns and backup codes. Secrets are stored sealed, backup codes hashed. */
@Injectable()
export class TwoFactorRepository {
  constructor(private readonly main: MainPrismaService) {}

  async state(userId: string): Promise<TwoFactorState | null> {
    const u = await this.main.user.findUnique({
      where: { id: userId },
      select: { email: true, twoFactorEnabled: true, twoFactorSecretEnc: true, twoFactorPendingEnc: true },
    });
    return u ? { email: u.email, enabled: u.twoFactorEnabled, secretEnc: u.twoFactorSecretEnc, pendingEnc: u.twoFactorPendingEnc } : null;
  }

  /** Stores a pending secret unless 2FA is already on; false when it is. */
  async setPending(userId: string, pendingEnc: string): Promise<boolean> {
    const n = await this.main.$executeRaw`
      UPDATE users SET two_factor_pending_enc = ${pendingEnc}, updated_at = now()
      WHERE id = ${userId}::uuid AND two_factor_enabled = false`;
    return n > 0;
  }

  /**
   * Turns 2FA on with exactly the pending secret that was verified (a
   * concurrent setup replacing it makes this a no-op → false), records the
   * time step used so that code cannot be replayed, and replaces the backup codes.
   */
  async enable(userId: string, pendingEnc: string, step: number, backupCodeHashes: readonly string[]): Promise<boolean> {
    return this.main.$transaction(async (tx) => {
      const n = await tx.$executeRaw`
        UPDATE users
        SET two_factor_secret_enc = two_factor_pending_enc, two_factor_pending_enc = NULL,
            two_factor_enabled = true, two_factor_last_step = ${BigInt(step)}, updated_at = now()
        WHERE id = ${userId}::uuid AND two_factor_enabled = false AND two_factor_pending_enc = ${pendingEnc}`;
      if (n === 0) return false;
      await tx.backupCode.deleteMany({ where: { userId } });
      await tx.backupCode.createMany({ data: backupCodeHashes.map((codeHash) => ({ userId, codeHash })) });
      return true;
    });
  }

  async disable(userId: string): Promise<void> {
    await this.main.$transaction(async (tx) => {
      await tx.user.update({
        where: { id: userId },
        data: { twoFactorEnabled: false, twoFactorSecretEnc: null, twoFactorPendingEnc: null, twoFactorLastStep: null },
      });
      await tx.backupCode.deleteMany({ where: { userId } });
    });
  }

  /** Accepts a TOTP time step only if it is newer than the last accepted one (no replay), atomically. */
  async consumeStep(userId: string, step: number): Promise<boolean> {
    const n = await this.main.$executeRaw`
      UPDATE users SET two_factor_last_step = ${BigInt(step)}
      WHERE id = ${userId}::uuid AND two_factor_enabled = true
        AND (two_factor_last_step IS NULL OR two_factor_last_step < ${BigInt(step)})`;
    return n > 0;
  }

  /** Spends an unused backup code; of concurrent uses exactly one succeeds. */
  async consumeBackupCode(userId: string, codeHash: string): Promise<boolean> {
    const n = await this.main.$executeRaw`
      UPDATE backup_codes SET used_at = now()
      WHERE user_id = ${userId}::uuid AND code_hash = ${codeHash} AND used_at IS NULL`;
    return n > 0;
  }
}
