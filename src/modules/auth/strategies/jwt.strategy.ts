import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import passport from 'passport';
import { Strategy } from 'passport-jwt';
import { UnauthenticatedError } from '../../../common/errors.js';
import type { AccessTokenClaims, AuthContext } from '../auth-context.js';
import { AuthContextService } from '../auth-context.service.js';
import { JWT_AUDIENCE, JWT_ISSUER, TokenService } from '../token.service.js';
import { looksLikeAccessToken } from '../access-token.js';
import { AccessTokenUsageService } from '../access-token-usage.service.js';

/** Passport's types name Express's request; passport-jwt and this strategy read only its headers, which Fastify's has too. */
type PassportRequest = Parameters<Strategy['authenticate']>[0];

/** `Authorization: Bearer <token>` (scheme case-insensitive), else null. */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

/**
 * Resolves the caller of a request: passport-jwt verifies the bearer token
 * (HS256 only, so `alg: none` and key confusion are refused; our issuer and
 * the API audience; expiry), then `validate` requires an expiry and checks,
 * on every request, that the session (or impersonation session) is live, the
 * user active and the client active (AuthContextService, cached and
 * invalidated across instances). Its errors are the answers: 401, 403
 * CLIENT_SUSPENDED, or the database's own error, which JwtAuthGuard turns
 * into 503.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    private readonly tokens: TokenService,
    private readonly contexts: AuthContextService,
    private readonly usage: AccessTokenUsageService,
  ) {
    super({
      jwtFromRequest: (req: FastifyRequest) => bearerToken(req.headers.authorization),
      // A KeyObject (see TokenService.verificationKey); passport-jwt's types only list string | Buffer.
      secretOrKey: tokens.verificationKey as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
      passReqToCallback: true,
    });
    // JwtAuthGuard runs its own application's strategy. Passport's registry, where the mixin has just put this
    // one, is process-global: it would keep a closed application alive and answer for another application of the
    // process (tests run several).
    passport.unuse(this.name);
  }

  /**
   * A personal access token (`ftc_pat_…`) is looked up by its hash and
   * resolves to the same AuthContext as a JWT (marked `accessToken`, its
   * capabilities intersected with the user's), so it meets the same guards.
   * A token that passed verification before skips it (its expiry is still
   * checked); its session, user and client are checked as for any other.
   */
  override authenticate(req: PassportRequest, options?: unknown): void {
    const token = bearerToken(req.headers.authorization);
    if (token !== null && looksLikeAccessToken(token)) {
      this.contexts.resolveAccessToken(token).then(
        (auth) => {
          this.usage.touch(auth.accessToken!.id);
          this.success(auth);
        },
        (err: Error) => this.error(err),
      );
      return;
    }
    const remembered = token === null ? undefined : this.tokens.rememberedAccess(token);
    if (!remembered) return super.authenticate(req, options);
    this.contexts.resolve(remembered).then(
      (auth) => this.success(auth),
      (err: Error) => this.error(err),
    );
  }

  /** Called by passport-jwt with the claims of a token that has just passed verification. */
  async validate(req: FastifyRequest, payload: AccessTokenClaims): Promise<AuthContext> {
    // jsonwebtoken accepts a token without `exp`; every token the service signs expires, so one
    // without (signed elsewhere with a leaked key) would never expire.
    if (typeof payload?.exp !== 'number') throw new UnauthenticatedError();
    const claims = this.tokens.rememberAccess(bearerToken(req.headers.authorization)!, payload);
    return this.contexts.resolve(claims);
  }
}
