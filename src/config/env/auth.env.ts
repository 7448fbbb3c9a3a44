import { IsBoolean, IsInt, IsOptional, IsString, Min, MinLength } from 'class-validator';
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
}
