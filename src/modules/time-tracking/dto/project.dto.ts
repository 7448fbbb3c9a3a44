import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsNumber, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { PaginationQueryDto } from '../../../common/pagination.js';
import type { ProjectMemberRecord, ProjectRecord } from '../projects.repository.js';
import { OptionalNotNull, QueryBoolean, Trim } from './validators.js';

export class CreateProjectDto {
  @ApiProperty({ example: 'Website relaunch', maxLength: 200, description: 'Unique per client, case-insensitively' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000, example: 'New public website, launch in spring' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;

  @ApiPropertyOptional({ default: true, description: 'Default for new time entries of the project' })
  @OptionalNotNull()
  @IsBoolean()
  billable?: boolean;

  @ApiPropertyOptional({ type: Number, nullable: true, example: 95.5, description: 'Per hour, up to 2 decimals' })
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(9_999_999_999.99)
  hourlyRate?: number | null;
}

/** Every field of creation, each optional; `null` clears description and hourlyRate, the others cannot be null. */
export class UpdateProjectDto extends PartialType(CreateProjectDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({ example: true, description: 'Default for new time entries of the project' })
  override billable?: boolean;

  @ApiPropertyOptional({ description: 'Archive (true) or restore (false) the project', example: false })
  @OptionalNotNull()
  @IsBoolean()
  archived?: boolean;
}

export class ListProjectsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'false (default): active projects; true: archived projects only' })
  @QueryBoolean()
  archived?: boolean;

  @ApiPropertyOptional({ description: 'Case-insensitive substring of the name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}

export class UpsertProjectMemberDto {
  @ApiPropertyOptional({
    enum: ['member', 'lead'],
    description: 'Default "member" for a new member; omitted keeps an existing member\'s role',
  })
  @OptionalNotNull()
  @IsIn(['member', 'lead'])
  role?: 'member' | 'lead';
}

export class ProjectDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty() billable: boolean;
  @ApiProperty({ type: Number, nullable: true, example: 95.5 }) hourlyRate: number | null;
  @ApiProperty() archived: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ProjectPageDto {
  @ApiProperty({ type: [ProjectDto] }) data: ProjectDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class ProjectMemberDto {
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty({ format: 'uuid' }) userId: string;
  @ApiProperty({ enum: ['member', 'lead'] }) role: 'member' | 'lead';
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class ProjectMemberPageDto {
  @ApiProperty({ type: [ProjectMemberDto] }) data: ProjectMemberDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export function toProjectDto(p: ProjectRecord): ProjectDto {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    billable: p.billable,
    hourlyRate: p.hourlyRate,
    archived: p.archived,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function toProjectMemberDto(m: ProjectMemberRecord): ProjectMemberDto {
  return { projectId: m.projectId, userId: m.userId, role: m.role, createdAt: m.createdAt.toISOString() };
}
