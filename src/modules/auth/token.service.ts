import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfigService } from '../../config/config.service.js';
import { AccessTokenClaims } from './auth-context.js';

export const JWT_ISSUER = 'freetimechat';
export const JWT_AUDIENCE = 'freetimechat-api';

/** Mints signed access tokens (and short-lived purpose tokens such as the 2FA challenge). */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfigService,
  ) {}

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
    try {
      const p = this.jwt.verify<T & { typ: string }>(token, { issuer: JWT_ISSUER, audience: `freetimechat-${typ}`, algorithms: ['HS256'] });
      return p.typ === typ ? p : null;
    } catch {
      return null;
    }
  }
}
