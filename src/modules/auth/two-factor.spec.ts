import { authenticator } from 'otplib';
import { BACKUP_CODE_COUNT, hashBackupCode, matchTotp, newBackupCodes, newTotpSecret, otpauthUrl } from './two-factor.js';

const now = new Date('2026-03-01T12:00:10Z');
const step = Math.floor(now.getTime() / 30_000);
const codeAt = (secret: string, date: Date) => authenticator.clone({ epoch: date.getTime() }).generate(secret);

describe('TOTP', () => {
  const secret = newTotpSecret();

  it('makes 160-bit base32 secrets and an otpauth:// URL for authenticator apps', () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUrl('ada@example.com', secret)).toMatch(
      /^otpauth:\/\/totp\/FreeTimeChat:ada%40example\.com\?secret=[A-Z2-7]+.*issuer=FreeTimeChat/,
    );
  });

  it('returns the matched time step for the current code', () => {
    expect(matchTotp(codeAt(secret, now), secret, now)).toBe(step);
  });

  // Phones and servers drift: one step (30 s) either side is accepted, no more.
  it('accepts one step of drift either side and nothing beyond', () => {
    expect(matchTotp(codeAt(secret, new Date(now.getTime() - 30_000)), secret, now)).toBe(step - 1);
    expect(matchTotp(codeAt(secret, new Date(now.getTime() + 30_000)), secret, now)).toBe(step + 1);
    expect(matchTotp(codeAt(secret, new Date(now.getTime() - 90_000)), secret, now)).toBeNull();
  });

  it('rejects malformed codes', () => {
    expect(matchTotp('12345', secret, now)).toBeNull();
    expect(matchTotp('abcdef', secret, now)).toBeNull();
  });
});

describe('backup codes', () => {
  it('makes ten distinct high-entropy codes', () => {
    const codes = newBackupCodes();
    expect(codes).toHaveLength(BACKUP_CODE_COUNT);
    expect(new Set(codes).size).toBe(BACKUP_CODE_COUNT);
    for (const c of codes) expect(c).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
  });

  it('hashes case-, space- and hyphen-insensitively, never to the code itself', () => {
    const [code] = newBackupCodes(1);
    const h = hashBackupCode(code);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashBackupCode(` ${code.toUpperCase().replace('-', ' ')} `)).toBe(h);
    expect(h).not.toContain(code.replace('-', ''));
  });
});
