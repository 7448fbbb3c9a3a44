import { Injectable, OnModuleDestroy } from '@nestjs/common';
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
 * The strategies of this process's open apps, oldest first; passport holds
 * the last (the mixin registers each new strategy on construction). Passport's
 * registry is process-global and `AuthGuard('jwt')` looks the name up in it,
 * so one strategy serves every app of the process: a process runs one app
 * (`main.ts`, `cli.ts`). The in-process second instances some tests start
 * share the main database and secret, so whichever strategy answers, the
 * answer is the same; a closed app's strategy must never answer, hence the
 * hand-back in onModuleDestroy.
 */
const live: JwtStrategy[] = [];

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
export class JwtStrategy extends PassportStrategy(Strategy) implements OnModuleDestroy {
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
    live.push(this);
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

  onModuleDestroy(): void {
    const wasRegistered = live.at(-1) === this;
    const i = live.indexOf(this);
    if (i >= 0) live.splice(i, 1);
    if (!wasRegistered) return;
    const newest = live.at(-1);
    if (newest) passport.use(newest);
    else passport.unuse(this.name);
  }
}
