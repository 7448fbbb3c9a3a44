import type { Capability } from '../identity/index.js';

/** Claims of an access token. No roles or capabilities: those are looked up per request (cached). */
export interface AccessTokenClaims {
  sub: string;
  clientId: string | null;
  sid: string;
  typ: 'access';
  act?: { sub: string };
  impSid?: string;
  iat?: number;
  exp?: number;
}

export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
  clientId: string | null;
  timeZone: string;
  isActive: boolean;
  twoFactorEnabled: boolean;
  roles: { id: string; key: string | null; name: string }[];
  capabilities: ReadonlySet<Capability>;
}

export interface ImpersonationContext {
  sessionId: string;
  impersonator: { id: string; email: string };
  allowWrites: boolean;
  expiresAt: Date;
}

/** Who is calling, resolved and checked on every request; `req.auth`. */
export interface AuthContext {
  user: AuthenticatedUser;
  /** Login session id (for impersonation tokens: the impersonation session id). */
  sessionId: string;
  impersonation: ImpersonationContext | null;
  claims: AccessTokenClaims;
  /**
   * Set when the caller presented a personal access token (then `sessionId`
   * is the token's id, `claims` are derived from it, and `user.capabilities`
   * are those the token lists that the user holds now).
   */
  accessToken?: { id: string };
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}
