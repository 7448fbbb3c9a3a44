import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../../common/pagination.js';
import { TASK_STATUSES, type TaskRecord, type TaskStatus } from '../tasks.repository.js';
import { OptionalDay, OptionalNotNull, Trim } from './validators.js';

export class CreateTaskDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  projectId: string;

  @ApiProperty({ maxLength: 500, example: 'Fix the login bug' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 5000, example: 'Users with a + in their e-mail cannot sign in' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;

  @ApiPropertyOptional({ enum: TASK_STATUSES, default: 'todo' })
  @OptionalNotNull()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: "An active user of the caller's client" })
  @IsOptional()
  @IsUUID('all')
  assigneeId?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date', nullable: true, example: '2026-04-30' })
  @OptionalDay({ nullable: true })
  dueDate?: string | null;
}

/** The fields of creation but the project (a task's project cannot change), each optional; `null` clears description, assignee and due date. */
export class UpdateTaskDto extends PartialType(OmitType(CreateTaskDto, ['projectId'] as const), { skipNullProperties: false }) {
  @ApiPropertyOptional({ enum: TASK_STATUSES, example: 'in_progress' })
  override status?: TaskStatus;
}

export class ListTasksQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  projectId?: string;

  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  assigneeId?: string;
}

export class TaskDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty({ enum: TASK_STATUSES }) status: TaskStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) dueDate: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] }) data: TaskDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export function toTaskDto(t: TaskRecord): TaskDto {
  return {
    id: t.id,
    projectId: t.projectId,
    title: t.title,
    description: t.description,
    status: t.status,
    assigneeId: t.assigneeId,
    dueDate: t.dueDate,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
