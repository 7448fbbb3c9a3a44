import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';
import { AppConfigService } from '../../config/config.service.js';

/**
 * Argon2id with at least OWASP's minimum (19 MiB, 2 iterations, 1 lane).
 * `verifyOrBurn` spends the same work when there is no user, so an unknown
 * e-mail and a wrong password take similar time.
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
/** PASSWORD_HASH_COST=test-minimal (NODE_ENV=test only): the same algorithm at 1 MiB and 1 pass. */
const ARGON2_TEST_MINIMAL = { ...ARGON2_OPTIONS, memoryCost: 1024, timeCost: 1 } as const;

@Injectable()
export class PasswordService {
  private dummy: Promise<string> | null = null;
  private readonly options: typeof ARGON2_OPTIONS | typeof ARGON2_TEST_MINIMAL;

  constructor(config: AppConfigService) {
    this.options = config.get('PASSWORD_HASH_COST') === 'test-minimal' ? ARGON2_TEST_MINIMAL : ARGON2_OPTIONS;
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, this.options);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Verifies against the user's hash, or against a dummy hash when there is no user. */
  async verifyOrBurn(hash: string | null | undefined, password: string): Promise<boolean> {
    if (hash && hash.startsWith('$argon2')) return this.verify(hash, password);
    this.dummy ??= this.hash('dummy-password-for-timing');
    await this.verify(await this.dummy, password);
    return false;
  }
}
