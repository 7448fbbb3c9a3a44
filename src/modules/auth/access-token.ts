import { createHash, randomBytes } from 'node:crypto';

/**
 * Personal access tokens: `ftc_pat_` + 32 random bytes (base64url). The
 * prefix tells them apart from JWTs at a glance (and lets secret scanners
 * find leaked ones); the 256 random bits make a slow hash pointless, so only
 * their SHA-256 is stored, and a lookup is one hash and one index probe.
 */
export const ACCESS_TOKEN_PREFIX = 'ftc_pat_';
/** Characters of the token shown in lists (`prefix`): the marker and 6 random characters. */
const SHOWN_LENGTH = ACCESS_TOKEN_PREFIX.length + 6;
/** The marker and 43 base64url characters; anything else is not one of ours. */
const SHAPE = /^ftc_pat_[A-Za-z0-9_-]{43}$/;

export function newAccessToken(): { token: string; hash: string; prefix: string } {
  const token = ACCESS_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashAccessToken(token), prefix: token.slice(0, SHOWN_LENGTH) };
}

export function hashAccessToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Whether a bearer token is meant as a personal access token (then it is never tried as a JWT). */
export function looksLikeAccessToken(token: string): boolean {
  return token.startsWith(ACCESS_TOKEN_PREFIX);
}

export function isWellFormedAccessToken(token: string): boolean {
  return SHAPE.test(token);
}
