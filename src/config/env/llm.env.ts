import { IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { int } from './transforms.js';
import { LimitsEnv } from './limits.env.js';

/** The optional language model of the chat assistant. */
export class LlmEnv extends LimitsEnv {
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  LLM_BASE_URL?: string;

  @IsOptional()
  @IsString()
  LLM_API_KEY?: string;

  @IsOptional()
  @IsString()
  LLM_MODEL?: string;

  @IsOptional()
  @int()
  @IsInt()
  @Min(100)
  @Max(60000)
  LLM_TIMEOUT_MS = 8000;
}
