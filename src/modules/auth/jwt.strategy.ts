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
      secretOrKey: config.get('JWT_SECRET'),
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
