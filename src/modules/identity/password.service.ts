import { Injectable } from '@nestjs/common';
import argon2 from 'argon2';

/**
 * Argon2id with at least OWASP's minimum (19 MiB, 2 iterations, 1 lane).
 * `verifyOrBurn` spends the same work when there is no user, so an unknown
 * e-mail and a wrong password take similar time.
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordService {
  private dummy: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return argon2.hash(password, ARGON2_OPTIONS);
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
