import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { AppConfigService } from '../../config/config.service.js';
import { AccessTokenClaims, AuthContext } from './auth-context.js';
import { AuthContextService } from './auth-context.service.js';

/** Verifies the bearer JWT (HS256 only: `alg: none` and key confusion are refused), then resolves the caller. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfigService,
    private readonly contexts: AuthContextService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not the string: given a string, jsonwebtoken first tries to
      // parse it as a PEM public key on every verification and only then falls
      // back to an HMAC key; that failed parse was ~18% of the service's CPU on
      // an authenticated read (bench/profile.js).
      // (passport-jwt hands it to jsonwebtoken as is; its types only list string | Buffer.)
      secretOrKey: createSecretKey(Buffer.from(config.get('JWT_SECRET'), 'utf8')) as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
      issuer: 'freetimechat',
      audience: 'freetimechat-api',
    });
  }

  validate(claims: AccessTokenClaims): Promise<AuthContext> {
    return this.contexts.resolve(claims);
  }
}
