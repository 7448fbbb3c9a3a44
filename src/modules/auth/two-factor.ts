import { createHash, randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';

/** TOTP per RFC 6238: SHA-1, 6 digits, 30 s steps; a code is accepted one step either side (clock drift). */
export const TOTP_STEP_SECONDS = 30;
export const TOTP_WINDOW = 1;
export const TOTP_ISSUER = 'FreeTimeChat';
export const BACKUP_CODE_COUNT = 10;

/** A new base32 TOTP secret of 160 bits (RFC 4226's recommended length). */
export function newTotpSecret(): string {
  return authenticator.generateSecret(20);
}

export function otpauthUrl(email: string, secret: string): string {
  return authenticator.keyuri(email, TOTP_ISSUER, secret);
}

/** The time step a code matches at `now` (within ±TOTP_WINDOW), or null. */
export function matchTotp(code: string, secret: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const totp = authenticator.clone({ window: TOTP_WINDOW, step: TOTP_STEP_SECONDS, epoch: now.getTime() });
  let delta: number | null;
  try {
    delta = totp.checkDelta(code, secret);
  } catch {
    return null;
  }
  if (delta === null) return null;
  return Math.floor(now.getTime() / 1000 / TOTP_STEP_SECONDS) + delta;
}

// 32 symbols without look-alikes (no l, o, 0, 1): each byte's low 5 bits pick one uniformly.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** Ten one-time backup codes like `k7hq2-x9m4t` (50 bits each). */
export function newBackupCodes(count = BACKUP_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const bytes = randomBytes(10);
    const chars = [...bytes].map((b) => ALPHABET[b & 31]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** Backup codes are compared case-, space- and hyphen-insensitively. */
export function normalizeBackupCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

/** Backup codes have 50 bits of entropy and are throttled, so a SHA-256 is enough (no slow hash). */
export function hashBackupCode(code: string): string {
  return createHash('sha256')
    .update(`ftc-backup:${normalizeBackupCode(code)}`, 'utf8')
    .digest('hex');
}
