import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Min, MinLength } from 'class-validator';
import { bool, int } from './transforms.js';
import { DatabaseEnv } from './database.env.js';

/** Authentication: signing and encryption keys, token lifetimes, the first platform admin, signup. */
export class AuthEnv extends DatabaseEnv {
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Key for secrets at rest (TOTP secrets, tenant database passwords); derived from JWT_SECRET when absent. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'ENCRYPTION_KEY must be at least 32 characters' })
  ENCRYPTION_KEY?: string;

  /** Access token lifetime in seconds. */
  @IsOptional()
  @int()
  @IsInt()
  @Min(30)
  ACCESS_TOKEN_TTL = 900;

  /** Refresh token lifetime in seconds. */
  @IsOptional()
  @int()
  @IsInt()
  @Min(60)
  REFRESH_TOKEN_TTL = 30 * 24 * 3600;

  @IsOptional()
  @IsString()
  PLATFORM_ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(10, { message: 'PLATFORM_ADMIN_PASSWORD must be at least 10 characters' })
  PLATFORM_ADMIN_PASSWORD?: string;

  @IsOptional()
  @bool()
  @IsBoolean()
  SIGNUP_ENABLED = true;

  /**
   * Argon2id's cost for new password hashes: `owasp` (19 MiB, 2 passes, OWASP's minimum) or `test-minimal`
   * (1 MiB, 1 pass), accepted only with NODE_ENV=test: the suites hash hundreds of passwords to test what
   * is done with them, not the hash's cost. Stored hashes carry their own cost and verify under either.
   */
  @IsOptional()
  @IsIn(['owasp', 'test-minimal'])
  PASSWORD_HASH_COST: 'owasp' | 'test-minimal' = 'owasp';
}
