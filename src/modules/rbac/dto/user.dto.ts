import { OptionalNotNull } from '../../../common/validators.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { IsIanaTimeZone } from '../time-zone.js';
import type { UserRow, UserWithRolesRow } from '../users.repository.js';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

/** A user as the API shows them: never a password hash, 2FA secret or backup code. */
export class UserProfileDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'ada@example.com', description: 'Unique across the platform, stored lower-cased' })
  email: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  name: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null for platform admins' })
  clientId: string | null;

  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone: "today", days and weeks are local to it' })
  timeZone: string;

  @ApiProperty()
  isActive: boolean;

  @ApiProperty()
  twoFactorEnabled: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;
}

export class UserRoleDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'member' })
  name: string;

  @ApiProperty()
  system: boolean;
}

export class UserDto extends UserProfileDto {
  @ApiProperty({ type: [UserRoleDto] })
  roles: UserRoleDto[];
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] })
  data: UserDto[];

  @ApiProperty({ type: String, nullable: true })
  nextCursor: string | null;
}

export function toUserProfileDto(u: UserRow): UserProfileDto {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    clientId: u.clientId,
    timeZone: u.timeZone,
    isActive: u.isActive,
    twoFactorEnabled: u.twoFactorEnabled,
    createdAt: u.createdAt.toISOString(),
  };
}

export function toUserDto(u: UserWithRolesRow): UserDto {
  return { ...toUserProfileDto(u), roles: u.roles.map((r) => ({ id: r.id, name: r.name, system: r.system })) };
}

export class CreateUserDto {
  @ApiProperty({ example: 'grace@example.com', maxLength: 254 })
  @trim()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email: string;

  @ApiProperty({ example: 'Grace Hopper', minLength: 1, maxLength: 200 })
  @trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ minLength: 10, maxLength: 1024, example: 'correct horse battery' })
  @IsString()
  @MinLength(10, { message: 'password must be at least 10 characters' })
  @MaxLength(1024)
  password: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC' })
  @OptionalNotNull()
  @IsIanaTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description:
      "Roles to assign (system roles or the client's own). Omitted: the `member` role. Non-empty needs `roles:assign`; every capability of each role must be one the caller holds (403 CAPABILITY_NOT_GRANTABLE).",
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  roleIds?: string[];
}

export class UpdateUserDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'Grace Brewster Hopper' })
  @ValidateIf((_, v) => v !== undefined)
  @trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: 'America/New_York' })
  @ValidateIf((_, v) => v !== undefined)
  @IsIanaTimeZone()
  timeZone?: string;

  @ApiPropertyOptional({ description: 'false deactivates the user and ends all their sessions at once' })
  @ValidateIf((_, v) => v !== undefined)
  @IsBoolean()
  isActive?: boolean;
}

export class SetUserRolesDto {
  @ApiProperty({ type: [String], format: 'uuid', description: "The complete new role set (system roles or the client's own)" })
  @IsArray()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  roleIds: string[];
}
