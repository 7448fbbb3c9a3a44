import { ApiProperty, ApiPropertyOptional, OmitType, PartialType, PickType } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { PaginationQueryDto } from '../../../common/pagination.js';
import type { TimeEntryRecord } from '../time-entries.repository.js';
import { MAX_DURATION_SECONDS } from '../time-fields.js';
import { OptionalDay, OptionalInstant, OptionalNotNull, QueryBoolean } from './validators.js';

const SHAPES =
  'Give exactly one of {startTime, endTime}, {startTime, duration} or {date, duration}. Times are ISO-8601 with an offset and are truncated to whole seconds; ' +
  "`date` is then the owner's local day of startTime (their time zone).";

const EXAMPLE_PROJECT_ID = '0b3c4f7e-2d8a-4c61-9e0f-5a7b8c9d1e2f';

/**
 * Request examples of POST /time-entries, one per allowed shape of the time fields (the schema's
 * property examples together would be all three shapes at once, which the route refuses).
 */
export const CREATE_TIME_ENTRY_EXAMPLES = {
  startAndEnd: {
    summary: 'From startTime to endTime',
    value: {
      projectId: EXAMPLE_PROJECT_ID,
      description: 'Fixing the login bug',
      startTime: '2026-03-23T09:00:00+01:00',
      endTime: '2026-03-23T10:30:00+01:00',
    },
  },
  startAndDuration: {
    summary: 'From startTime for a duration (seconds)',
    value: {
      projectId: EXAMPLE_PROJECT_ID,
      description: 'Code review',
      startTime: '2026-03-23T11:00:00+01:00',
      duration: 2700,
      billable: false,
    },
  },
  dateAndDuration: {
    summary: 'A duration on a day, without clock times',
    value: { projectId: EXAMPLE_PROJECT_ID, description: 'Workshop preparation', date: '2026-03-24', duration: 5400 },
  },
};

/** Request example of PATCH /time-entries/{id}: fields other than the time fields keep the entry's shape. */
export const UPDATE_TIME_ENTRY_EXAMPLES = {
  describe: { summary: 'Change the description and billability', value: { description: 'Fixing the login bug (mobile)', billable: false } },
};

export class CreateTimeEntryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  projectId: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'A task of the same project' })
  @IsOptional()
  @IsUUID('all')
  taskId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;

  @ApiPropertyOptional({ description: "Defaults to the project's `billable`" })
  @OptionalNotNull()
  @IsBoolean()
  billable?: boolean;

  @ApiPropertyOptional({ format: 'date-time', example: '2026-03-23T09:00:00+01:00', description: SHAPES })
  @OptionalInstant()
  startTime?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-03-23T10:30:00+01:00',
    description: 'After startTime, at most 24 h later, not in the future',
  })
  @OptionalInstant()
  endTime?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_DURATION_SECONDS, example: 5400, description: `Seconds, 1 to ${MAX_DURATION_SECONDS}` })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_DURATION_SECONDS)
  duration?: number;

  @ApiPropertyOptional({
    format: 'date',
    example: '2026-03-23',
    description: "For duration-only entries: the owner's local day (not after their today)",
  })
  @OptionalDay()
  date?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Log for another user of the client (needs time-entries:write:all; the user must be active). Default: the caller',
  })
  @OptionalNotNull()
  @IsUUID('all')
  userId?: string;
}

/**
 * Changes an entry; every rule of creation is checked again on the result.
 * Time fields merge with the current shape: a complete shape replaces it,
 * a single field keeps the rest (timed entry: startTime / endTime / duration
 * keep the other end's start; duration-only: date / duration keep the other).
 * `null` clears taskId and description.
 */
export class UpdateTimeEntryDto extends PartialType(OmitType(CreateTimeEntryDto, ['userId'] as const), { skipNullProperties: false }) {}

/** A running entry: project, task and description of creation; the start is now. */
export class StartTimerDto extends PickType(CreateTimeEntryDto, ['projectId', 'taskId', 'description'] as const) {}

export class ListTimeEntriesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'date', description: 'Inclusive, on `date`' })
  @OptionalDay()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Inclusive, on `date`' })
  @OptionalDay()
  to?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  projectId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  taskId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Someone else's entries need time-entries:read:all (else 403)" })
  @IsOptional()
  @IsUUID('all')
  userId?: string;

  @ApiPropertyOptional({ type: Boolean })
  @QueryBoolean()
  billable?: boolean;
}

export class TimeEntryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) taskId: string | null;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ format: 'date', example: '2026-03-23', description: "The owner's local day the time counts for" }) date: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null for duration-only entries' }) startTime:
    string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'null while the timer runs and for duration-only entries',
  })
  endTime: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Seconds; null while the timer runs' }) duration: number | null;
  @ApiProperty() billable: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class TimeEntryPageDto {
  @ApiProperty({ type: [TimeEntryDto] }) data: TimeEntryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

/** The one response shape of an entry (REST routes and the chat assistant). */
export function toTimeEntryDto(e: TimeEntryRecord): TimeEntryDto {
  return {
    id: e.id,
    userId: e.userId,
    projectId: e.projectId,
    taskId: e.taskId,
    description: e.description,
    date: e.date,
    startTime: e.startTime ? e.startTime.toISOString() : null,
    endTime: e.endTime ? e.endTime.toISOString() : null,
    duration: e.duration,
    billable: e.billable,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}
