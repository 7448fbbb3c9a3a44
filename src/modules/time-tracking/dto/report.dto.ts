import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { REPORT_GROUP_BY, type ReportGroupBy } from '../reports.repository.js';
import { OptionalDay, QueryBoolean } from './validators.js';

const RANGE =
  "Inclusive, on entries' `date` (the owner's local day). Default: the caller's current ISO week (Monday to Sunday, their time zone).";

export class ReportExportQueryDto {
  @ApiPropertyOptional({ format: 'date', description: RANGE })
  @OptionalDay()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: RANGE })
  @OptionalDay()
  to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Another user's time needs reports:read:all (else 403)" })
  @IsOptional()
  @IsUUID('all')
  userId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  projectId?: string;

  @ApiPropertyOptional({ type: Boolean })
  @QueryBoolean()
  billable?: boolean;
}

export class ReportSummaryQueryDto extends ReportExportQueryDto {
  @ApiPropertyOptional({ enum: REPORT_GROUP_BY, default: 'project' })
  @IsOptional()
  @IsIn(REPORT_GROUP_BY)
  groupBy?: ReportGroupBy;
}

export class ReportGroupDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'project/task/user id, the day (YYYY-MM-DD) or the Monday of the week; null only for time without a task',
  })
  key: string | null;

  @ApiProperty({ description: 'Project name, task title ("(no task)"), user name, the day, or "Week of YYYY-MM-DD"' })
  label: string;

  @ApiProperty() totalSeconds: number;
  @ApiProperty() billableSeconds: number;
}

export class ReportSummaryDto {
  @ApiProperty({ format: 'date' }) from: string;
  @ApiProperty({ format: 'date' }) to: string;
  @ApiProperty({ enum: REPORT_GROUP_BY }) groupBy: ReportGroupBy;
  @ApiProperty({ description: 'Seconds of finished and duration-only entries; running timers are not counted' }) totalSeconds: number;
  @ApiProperty() billableSeconds: number;
  @ApiProperty({ type: [ReportGroupDto] }) groups: ReportGroupDto[];
}
