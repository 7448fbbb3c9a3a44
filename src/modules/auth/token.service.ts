import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfigService } from '../../config/config.service.js';
import { AccessTokenClaims } from './auth-context.js';
import { growingLru } from '../../common/lru.js';

export const JWT_ISSUER = 'freetimechat';
export const JWT_AUDIENCE = 'freetimechat-api';

/** Mints signed access tokens (and short-lived purpose tokens such as the 2FA challenge). */
@Injectable()
export class TokenService {
  /**
   * The HS256 key as a KeyObject, for our own verification and for the JWT
   * strategy's: given a string, jsonwebtoken first tries to parse it as a PEM
   * public key on every verification and only then falls back to an HMAC key;
   * that failed parse was ~18% of the service's CPU on an authenticated read
   * (bench/profile.js).
   */
  readonly verificationKey: KeyObject;

  /**
   * Access tokens already verified, by the token's full text (signature
   * included, so only a token that passed verification can hit), with their
   * claims. jsonwebtoken's verify (two base64 decodes, two JSON parses, an
   * HMAC) costs more than the rest of authentication on a cached session.
   * Whether the session behind a token is still live is checked on every
   * request elsewhere, remembered or not.
   */
  private readonly verified = growingLru<string, Readonly<AccessTokenClaims>>(10_000);

  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfigService,
  ) {
    this.verificationKey = createSecretKey(Buffer.from(config.get('JWT_SECRET'), 'utf8'));
  }

  /**
   * The claims of an access token that passed verification before and has
   * not expired since (as jsonwebtoken: expired once the clock reaches
   * `exp`), else undefined: the caller verifies it in full.
   */
  rememberedAccess(token: string): Readonly<AccessTokenClaims> | undefined {
    const hit = this.verified.get(token);
    if (!hit) return undefined;
    if (typeof hit.exp === 'number' && Math.floor(Date.now() / 1000) < hit.exp) return hit;
    this.verified.delete(token);
    return undefined;
  }

  /**
   * Remembers the claims of an access token that has just passed full
   * verification (HS256, issuer, audience, expiry present and not passed);
   * they are frozen because every later request with the token shares them.
   */
  rememberAccess(token: string, claims: AccessTokenClaims): Readonly<AccessTokenClaims> {
    const frozen = Object.freeze(claims);
    if (typeof frozen.exp === 'number') this.verified.set(token, frozen);
    return frozen;
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
        secret: this.verificationKey as unknown as Buffer,
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
