import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { Transform } from 'class-transformer';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class CreateConversationDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, example: 'Monday', description: 'Absent or null: no title' })
  @IsOptional()
  @IsString()
  @trim()
  @MaxLength(200)
  title?: string | null;
}

export class PostMessageDto {
  @ApiProperty({ minLength: 1, maxLength: 4000, example: 'log 2h on Website Redesign' })
  @IsString()
  @trim()
  @IsNotEmpty()
  @MaxLength(4000)
  content: string;
}

export class ConversationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ nullable: true, type: String })
  title: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;
}

export class ConversationPageDto {
  @ApiProperty({ type: [ConversationDto] })
  data: ConversationDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

export class ChatActionDto {
  @ApiProperty({
    enum: ['time_entry.created', 'timer.started', 'timer.stopped', 'report', 'clarification'],
    description:
      '`time_entry.created` / `timer.started` / `timer.stopped` carry `timeEntry` (the REST time entry plus `projectName`); ' +
      '`report` carries `from`, `to`, `projectId?`, `totalSeconds`, `billableSeconds`, `running` (a time entry or null); ' +
      '`clarification` carries `question` and optionally `candidates` (project names).',
  })
  type: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  timeEntry?: Record<string, unknown>;

  @ApiPropertyOptional({ example: '2026-11-25' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-25' })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  projectId?: string;

  @ApiPropertyOptional()
  totalSeconds?: number;

  @ApiPropertyOptional()
  billableSeconds?: number;

  @ApiPropertyOptional({ type: 'object', nullable: true, additionalProperties: true })
  running?: Record<string, unknown> | null;

  @ApiPropertyOptional()
  question?: string;

  @ApiPropertyOptional({ type: [String] })
  candidates?: string[];
}

export class MessageDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  conversationId: string;

  @ApiProperty({ enum: ['user', 'assistant'] })
  role: 'user' | 'assistant';

  @ApiProperty()
  content: string;

  @ApiProperty({ type: [ChatActionDto], description: 'What the assistant did (assistant messages); empty for user messages' })
  actions: ChatActionDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class MessagePageDto {
  @ApiProperty({ type: [MessageDto] })
  data: MessageDto[];

  @ApiProperty({ nullable: true, type: String })
  nextCursor: string | null;
}

export class PostMessageResponseDto {
  @ApiProperty({ type: MessageDto, description: 'The stored user message' })
  message: MessageDto;

  @ApiProperty({ type: MessageDto, description: 'The stored assistant message' })
  reply: MessageDto;

  @ApiProperty({ type: [ChatActionDto] })
  actions: ChatActionDto[];
}
