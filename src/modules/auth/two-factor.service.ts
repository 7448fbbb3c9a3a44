import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { SecretBox } from '../../common/secret-box.js';
import { UnauthenticatedError } from '../../common/errors.js';
import { InvalidationService } from '../../database/invalidation.service.js';
import { TenantRegistryService } from '../../database/tenant-registry.service.js';
import { InvalidTwoFactorCodeError, TwoFactorStateError } from './auth.errors.js';
import { TwoFactorRepository } from './two-factor.repository.js';
import { hashBackupCode, matchTotp, newBackupCodes, newTotpSecret, otpauthUrl } from './two-factor.js';

/**
 * TOTP two-factor authentication: setup stores a pending secret (sealed),
 * enable proves the authenticator works and returns ten one-time backup
 * codes (stored hashed, shown once). A TOTP time step is accepted once; a
 * backup code is spent atomically.
 */
@Injectable()
export class TwoFactorService {
  private readonly box: SecretBox;

  constructor(
    private readonly repo: TwoFactorRepository,
    private readonly clock: Clock,
    private readonly invalidation: InvalidationService,
    registry: TenantRegistryService,
  ) {
    // The same key (ENCRYPTION_KEY, else derived from JWT_SECRET) that seals tenant database passwords.
    this.box = registry.secrets;
  }

  async setup(userId: string): Promise<{ secret: string; otpauthUrl: string }> {
    const state = await this.repo.state(userId);
    if (!state) throw new UnauthenticatedError();
    if (state.enabled) throw new TwoFactorStateError('Two-factor authentication is already enabled; disable it first');
    const secret = newTotpSecret();
    if (!(await this.repo.setPending(userId, this.box.seal(secret)))) {
      throw new TwoFactorStateError('Two-factor authentication is already enabled; disable it first');
    }
    return { secret, otpauthUrl: otpauthUrl(state.email, secret) };
  }

  async enable(userId: string, code: string): Promise<string[]> {
    const state = await this.repo.state(userId);
    if (!state) throw new UnauthenticatedError();
    if (state.enabled) throw new TwoFactorStateError('Two-factor authentication is already enabled');
    if (!state.pendingEnc) throw new TwoFactorStateError('Call POST /auth/2fa/setup first');
    const step = matchTotp(code, this.box.open(state.pendingEnc), this.clock.now());
    if (step === null) throw new InvalidTwoFactorCodeError();
    const codes = newBackupCodes();
    if (!(await this.repo.enable(userId, state.pendingEnc, step, codes.map(hashBackupCode)))) {
      throw new TwoFactorStateError('Two-factor setup changed meanwhile; start again');
    }
    await this.invalidation.publish('user', userId);
    return codes;
  }

  async disable(userId: string, code: string): Promise<void> {
    const state = await this.repo.state(userId);
    if (!state) throw new UnauthenticatedError();
    if (!state.enabled) throw new TwoFactorStateError('Two-factor authentication is not enabled');
    if (!(await this.verify(userId, code))) throw new InvalidTwoFactorCodeError();
    await this.repo.disable(userId);
    await this.invalidation.publish('user', userId);
  }

  async isEnabled(userId: string): Promise<boolean> {
    return (await this.repo.state(userId))?.enabled === true;
  }

  /**
   * Checks (and spends) a second factor: a TOTP code whose time step was not
   * used before, or an unused backup code.
   */
  async verify(userId: string, code: string): Promise<boolean> {
    const state = await this.repo.state(userId);
    if (!state?.enabled || !state.secretEnc) return false;
    const trimmed = code.trim();
    if (/^\d{6}$/.test(trimmed)) {
      const step = matchTotp(trimmed, this.box.open(state.secretEnc), this.clock.now());
      return step !== null && (await this.repo.consumeStep(userId, step));
    }
    return this.repo.consumeBackupCode(userId, hashBackupCode(trimmed));
  }
}
