import { OptionalNotNull } from '../../../common/validators.js';
import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { IsIanaTimeZone, toUserProfileDto, UserProfileDto, UserRoleDto, type UserWithRolesRow } from '../../identity/index.js';

const trim = () => Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

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

export class UpdateUserDto extends PartialType(PickType(CreateUserDto, ['name', 'timeZone'] as const), { skipNullProperties: false }) {
  @ApiPropertyOptional({ example: 'America/New_York' })
  override timeZone?: string;

  @ApiPropertyOptional({ description: 'false deactivates the user and ends all their sessions at once' })
  @OptionalNotNull()
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
