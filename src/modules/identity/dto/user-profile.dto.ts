import { ApiProperty } from '@nestjs/swagger';
import type { UserRow } from '../users.repository.js';

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
