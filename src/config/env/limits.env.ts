import { IsIn, IsInt, IsOptional, Min } from 'class-validator';
import { int } from './transforms.js';
import { AuthEnv } from './auth.env.js';

/** Abuse resistance: rate limits and per-client quotas. */
export class LimitsEnv extends AuthEnv {
  /** Signups per client IP per hour (0 = no limit). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(0)
  SIGNUP_IP_LIMIT = 5;

  /** Signups per hour from all addresses together (0 = no limit). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(0)
  SIGNUP_GLOBAL_LIMIT = 100;

  /** Writes (non-GET requests) per user per minute (0 = no limit). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(0)
  WRITE_RATE_LIMIT = 300;

  /** Writes (non-GET requests) per client per minute, all its users together (0 = no limit). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(0)
  CLIENT_WRITE_RATE_LIMIT = 3000;

  /** Where rate-limit counters live: `postgres` (the main database, shared by every instance) or `memory` (this instance only). */
  @IsOptional()
  @IsIn(['postgres', 'memory'])
  RATE_LIMIT_STORE: 'postgres' | 'memory' = 'postgres';

  /** Quotas per client (409 QUOTA_EXCEEDED past them). */
  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  QUOTA_PROJECTS = 1000;

  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  QUOTA_TASKS = 10000;

  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  QUOTA_USERS = 1000;

  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  QUOTA_CONVERSATIONS = 1000;

  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  QUOTA_MESSAGES_PER_CONVERSATION = 1000;
}
