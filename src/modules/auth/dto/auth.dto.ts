import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { UserProfileDto, UserRoleDto } from '../../identity/index.js';

/**
 * The password of the examples: signup, then login, 2FA disable and the password change with the same
 * one, so the documented requests work one after another (at least 10 characters, as required).
 */
export const EXAMPLE_PASSWORD = 'CorrectHorse42';

// ---------------------------------------------------------------- requests

export class LoginDto {
  @ApiProperty({ example: 'ada@acme.example' })
  @IsString()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: EXAMPLE_PASSWORD })
  @IsString()
  @MaxLength(1024)
  password: string;
}

export class TwoFactorVerifyDto {
  @ApiProperty({ description: 'From the login answer `{twoFactorRequired: true, challengeToken}`; valid 5 minutes' })
  @IsString()
  @MaxLength(2000)
  challengeToken: string;

  @ApiProperty({ example: '123456', description: 'A 6-digit TOTP code or an unused backup code' })
  @IsString()
  @MinLength(6)
  @MaxLength(32)
  code: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refreshToken of the latest signup, login, 2FA verify or refresh answer (each works once)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  refreshToken: string;
}

export class LogoutDto {
  @ApiProperty({ description: 'The refresh token of the session to end' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  refreshToken: string;
}

export class ChangePasswordDto {
  @ApiProperty({ example: EXAMPLE_PASSWORD })
  @IsString()
  @MaxLength(1024)
  currentPassword: string;

  @ApiProperty({ minLength: 10, maxLength: 1024, example: 'BatteryStaple2027' })
  @IsString()
  @MinLength(10, { message: 'newPassword must be at least 10 characters' })
  @MaxLength(1024)
  newPassword: string;
}

export class TwoFactorCodeDto {
  @ApiProperty({ example: '123456', description: 'A 6-digit code from the authenticator app' })
  @IsString()
  @MinLength(6)
  @MaxLength(32)
  code: string;
}

export class TwoFactorDisableDto {
  @ApiProperty({ example: EXAMPLE_PASSWORD })
  @IsString()
  @MaxLength(1024)
  password: string;

  @ApiProperty({ example: '123456', description: 'A 6-digit TOTP code or an unused backup code' })
  @IsString()
  @MinLength(6)
  @MaxLength(32)
  code: string;
}

// ---------------------------------------------------------------- responses

export class ClientSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Acme GmbH' })
  name: string;

  @ApiProperty({ example: 'acme' })
  slug: string;

  @ApiProperty({ enum: ['provisioning', 'active', 'suspended', 'maintenance', 'failed', 'deleted'] })
  status: string;
}

export class TokenPairDto {
  @ApiProperty({ description: 'JWT for `Authorization: Bearer …`' })
  accessToken: string;

  @ApiProperty({ description: 'Opaque, one-time: every refresh returns a new one; a reused one revokes the session' })
  refreshToken: string;

  @ApiProperty({ example: 900, description: 'Access token lifetime in seconds' })
  expiresIn: number;
}

export class LoginResponseDto extends TokenPairDto {
  @ApiProperty({ type: UserProfileDto })
  user: UserProfileDto;
}

export class TwoFactorChallengeDto {
  @ApiProperty({ enum: [true] })
  twoFactorRequired: true;

  @ApiProperty({ description: 'Send it with a code to POST /auth/2fa/verify within 5 minutes' })
  challengeToken: string;
}

export class ImpersonatorDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  email: string;
}

export class MeImpersonationDto {
  @ApiProperty({ format: 'uuid' })
  sessionId: string;

  @ApiProperty({ type: ImpersonatorDto })
  impersonator: ImpersonatorDto;

  @ApiProperty({ type: String, format: 'date-time' })
  expiresAt: string;
}

export class MeDto {
  @ApiProperty({ type: UserProfileDto })
  user: UserProfileDto;

  @ApiProperty({ type: ClientSummaryDto, nullable: true, description: 'null for platform admins' })
  client: ClientSummaryDto | null;

  @ApiProperty({ type: [UserRoleDto] })
  roles: UserRoleDto[];

  @ApiProperty({ type: [String], example: ['chat:use', 'time-entries:read:own'], description: 'Effective capabilities' })
  capabilities: string[];

  @ApiProperty({ type: MeImpersonationDto, nullable: true, description: 'Set when the token is an impersonation token' })
  impersonation: MeImpersonationDto | null;
}

export class TwoFactorSetupDto {
  @ApiProperty({ example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', description: 'Base32 TOTP secret (shown only here)' })
  secret: string;

  @ApiProperty({ example: 'otpauth://totp/FreeTimeChat:ada%40acme.example?secret=…&issuer=FreeTimeChat' })
  otpauthUrl: string;
}

export class BackupCodesDto {
  @ApiProperty({ type: [String], example: ['k7hq2-x9m4t'], description: 'Ten one-time codes, shown once (stored hashed)' })
  backupCodes: string[];
}
