import { IsBoolean, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { bool, int } from './transforms.js';
import { LlmEnv } from './llm.env.js';

/** Operations: the job worker and tenant backups. */
export class OperationsEnv extends LlmEnv {
  /** Where tenant backup archives are written (created when missing); relative paths are from the working directory. */
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'BACKUP_DIR must not be empty' })
  BACKUP_DIR = '.data/backups';

  /** Days a backup archive is kept (manual ones and the final backup of a deleted client); expired ones are deleted by a daily job. */
  @IsOptional()
  @int()
  @IsInt()
  @Min(1)
  @Max(3650)
  BACKUP_RETENTION_DAYS = 30;

  /**
   * Whether this instance runs operation jobs (backups, restores, migrations)
   * from the pg-boss queue. Off, it still enqueues them for the instances that do.
   */
  @IsOptional()
  @bool()
  @IsBoolean()
  JOBS_WORKER = true;
}
