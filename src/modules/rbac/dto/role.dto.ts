import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ALL_CAPABILITIES } from '../../identity/index.js';
import type { RoleRow } from '../roles.repository.js';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class RoleDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Team lead' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: 'Leads projects' })
  description: string | null;

  @ApiProperty({ description: 'System roles are shared by every client and read-only' })
  system: boolean;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for system roles' })
  clientId: string | null;

  @ApiProperty({ type: [String], enum: ALL_CAPABILITIES, example: ['projects:read', 'tasks:read'] })
  capabilities: string[];

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

export class RolePageDto {
  @ApiProperty({ type: [RoleDto] })
  data: RoleDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export function toRoleDto(r: RoleRow): RoleDto {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    system: r.system,
    clientId: r.clientId,
    capabilities: [...r.capabilities].sort(),
    createdAt: r.createdAt.toISOString(),
  };
}

export class CreateRoleDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 100,
    example: 'Team lead',
    description: 'Unique in the client (case-insensitively), and not a system role name',
  })
  @trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500, example: 'Leads projects and their tasks' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiProperty({
    type: [String],
    enum: ALL_CAPABILITIES,
    description: 'Capability keys; only client-scope capabilities the caller holds can be granted (403 CAPABILITY_NOT_GRANTABLE)',
    example: ['projects:read', 'projects:manage', 'tasks:read', 'tasks:manage'],
  })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  capabilities: string[];
}

export class UpdateRoleDto extends PartialType(CreateRoleDto, { skipNullProperties: false }) {
  @ApiPropertyOptional({
    type: [String],
    enum: ALL_CAPABILITIES,
    description: 'Replaces the whole set; added capabilities must be grantable by the caller',
    example: ['projects:read', 'projects:manage', 'tasks:read'],
  })
  override capabilities?: string[];
}
