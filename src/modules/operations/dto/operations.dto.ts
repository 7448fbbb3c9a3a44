import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../../common/pagination.js';
import { OptionalNotNull } from '../../../common/validators.js';
import type { BackupRecord } from '../backups/backups.repository.js';
import { JOB_STATUSES, JOB_TYPES, type JobRecord } from '../jobs/job.types.js';

export class JobProgressDto {
  @ApiProperty({ example: 3 })
  done: number;

  @ApiProperty({ example: 7 })
  total: number;
}

/** A long operation (backup, restore, migrations across clients). */
export class JobDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: JOB_TYPES, example: 'client.backup' })
  type: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  clientId: string | null;

  @ApiProperty({ enum: JOB_STATUSES })
  status: string;

  @ApiProperty({ type: JobProgressDto })
  progress: JobProgressDto;

  @ApiPropertyOptional({ description: 'What the job produced (e.g. the backup id), once it succeeded', type: Object, nullable: true })
  result?: unknown;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why it failed' })
  error?: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  startedAt?: string | null;

  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String })
  finishedAt?: string | null;
}

export class JobEnvelopeDto {
  @ApiProperty({ type: JobDto })
  job: JobDto;
}

export class JobPageDto {
  @ApiProperty({ type: [JobDto] })
  data: JobDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

export class ListJobsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: JOB_TYPES })
  @IsOptional()
  @IsIn(JOB_TYPES)
  type?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: (typeof JOB_STATUSES)[number];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  clientId?: string;
}

export class ClientHealthDto {
  @ApiProperty()
  reachable: boolean;

  @ApiProperty({ nullable: true, type: String, example: '20261205030000_daily_limit' })
  schemaVersion: string | null;

  @ApiProperty({ type: [String] })
  pendingMigrations: string[];

  @ApiProperty({ type: [String], example: ['column time_entries.note added', 'index projects_name_lower_key missing'] })
  drift: string[];

  @ApiProperty({ nullable: true, type: Number, description: 'pg_database_size of the database' })
  sizeBytes: number | null;
}

export class BackupDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['manual', 'delete'] })
  reason: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ nullable: true, type: String })
  schemaVersion: string | null;

  @ApiProperty({ description: 'Size of the archive in bytes' })
  sizeBytes: number;

  @ApiProperty({ description: 'sha256 of the archive (hex)' })
  sha256: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, example: { projects: 3, time_entries: 120 } })
  tables: Record<string, number>;
}

export class BackupPageDto {
  @ApiProperty({ type: [BackupDto] })
  data: BackupDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

export class RestoreDto {
  @ApiProperty({ format: 'uuid' })
  @IsString()
  @IsUUID()
  backupId: string;
}

export class MoveDto {
  @ApiProperty({ description: 'Name of the target server in TENANT_DATABASE_SERVERS', example: 'secondary', maxLength: 100 })
  @IsString()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9_.:-]+$/, { message: 'server must be a server name from TENANT_DATABASE_SERVERS' })
  server: string;
}

export class MigrateClientsDto {
  @ApiPropertyOptional({
    description: 'Apply the pending migrations to a disposable copy of each database instead, and report; nothing changes',
    default: false,
  })
  @OptionalNotNull()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    description: 'Only these clients (default: every client with a database: active, suspended, maintenance)',
    type: 'array',
    items: { type: 'string', format: 'uuid' },
    minItems: 1,
    maxItems: 10000,
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10000)
  @IsUUID('all', { each: true })
  clientIds?: string[];
}

export function toJobDto(j: JobRecord): JobDto {
  return {
    id: j.id,
    type: j.type,
    clientId: j.clientId,
    status: j.status,
    progress: j.progress,
    result: j.result ?? undefined,
    error: j.error ?? undefined,
    createdAt: j.createdAt.toISOString(),
    startedAt: j.startedAt?.toISOString() ?? undefined,
    finishedAt: j.finishedAt?.toISOString() ?? undefined,
  };
}

export function toBackupDto(b: BackupRecord): BackupDto {
  return {
    id: b.id,
    reason: b.reason,
    createdAt: b.createdAt.toISOString(),
    schemaVersion: b.schemaVersion,
    sizeBytes: b.sizeBytes,
    sha256: b.sha256,
    tables: b.tables,
  };
}
