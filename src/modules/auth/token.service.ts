import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { LRUCache } from 'lru-cache';
import { AppConfigService } from '../../config/config.service.js';
import { AccessTokenClaims } from './auth-context.js';

export const JWT_ISSUER = 'freetimechat';
export const JWT_AUDIENCE = 'freetimechat-api';

/** Mints signed access tokens (and short-lived purpose tokens such as the 2FA challenge). */
@Injectable()
export class TokenService {
  /**
   * The HS256 key as a KeyObject: given a string, jsonwebtoken first tries to
   * parse it as a PEM public key on every verification and only then falls
   * back to an HMAC key; that failed parse was ~18% of the service's CPU on an
   * authenticated read (bench/profile.js).
   */
  private readonly key: KeyObject;

  /**
   * Access tokens already verified, by the token's full text (signature
   * included, so only a token that passed verification can hit), with their
   * claims; a hit still checks the expiry. jsonwebtoken's verify (two base64
   * decodes, two JSON parses, an HMAC) was ~100 µs per authenticated request
   * (bench/profile.js on the tenant read). Whether the session behind a token
   * is still live is checked on every request elsewhere, cache or not.
   */
  private readonly verified = new LRUCache<string, Readonly<AccessTokenClaims>>({ max: 10_000 });

  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfigService,
  ) {
    this.key = createSecretKey(Buffer.from(config.get('JWT_SECRET'), 'utf8'));
  }

  /**
   * The claims of a valid access token (HS256 only, so `alg: none` and key
   * confusion are refused; issuer, audience and expiry checked), or null.
   * Whether the session behind it is live is AuthContextService's business.
   */
  verifyAccess(token: string): Readonly<AccessTokenClaims> | null {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const hit = this.verified.get(token);
    if (hit) {
      // As jsonwebtoken: expired once the clock reaches `exp`.
      if (typeof hit.exp === 'number' && nowSeconds < hit.exp) return hit;
      this.verified.delete(token);
      return null;
    }
    const claims = this.verify<AccessTokenClaims>(token, JWT_AUDIENCE);
    if (claims && typeof claims.exp === 'number') this.verified.set(token, Object.freeze(claims));
    return claims;
  }

  get accessTtl(): number {
    return this.config.get('ACCESS_TOKEN_TTL');
  }

  signAccess(claims: Omit<AccessTokenClaims, 'typ' | 'iat' | 'exp'>, ttlSeconds = this.accessTtl): string {
    return this.jwt.sign(
      { ...claims, typ: 'access' },
      { expiresIn: ttlSeconds, issuer: JWT_ISSUER, audience: JWT_AUDIENCE, algorithm: 'HS256' },
    );
  }

  /** A token for one purpose (`typ`), never accepted as an access token. */
  signPurpose(typ: string, payload: Record<string, unknown>, ttlSeconds: number): string {
    return this.jwt.sign(
      { ...payload, typ },
      { expiresIn: ttlSeconds, issuer: JWT_ISSUER, audience: `freetimechat-${typ}`, algorithm: 'HS256' },
    );
  }

  verifyPurpose<T extends object>(typ: string, token: string): (T & { typ: string }) | null {
    const p = this.verify<T & { typ: string }>(token, `freetimechat-${typ}`);
    return p?.typ === typ ? p : null;
  }

  /** The payload of a token signed with our key (HS256 only), from our issuer, for `audience`, with an expiry not passed; else null. */
  private verify<T extends object>(token: string, audience: string): T | null {
    try {
      const payload = this.jwt.verify<T>(token, {
        // @nestjs/jwt hands the key to jsonwebtoken as is; its types only list string | Buffer.
        secret: this.key as unknown as Buffer,
        issuer: JWT_ISSUER,
        audience,
        algorithms: ['HS256'],
      });
      // Every token the service signs expires; one without `exp` (signed elsewhere with a leaked key) never would.
      return typeof payload === 'object' && payload !== null && typeof (payload as { exp?: unknown }).exp === 'number' ? payload : null;
    } catch {
      return null;
    }
  }
}
