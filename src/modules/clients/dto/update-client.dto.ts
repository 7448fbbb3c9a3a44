import { OptionalNotNull } from '../../../common/validators.js';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class UpdateClientDto {
  @ApiPropertyOptional({ example: 'Globex Group' })
  @OptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    enum: ['active', 'suspended', 'maintenance'],
    description:
      "Suspend, put in maintenance, or make active again; on every instance within a second. A suspended client's users get " +
      '403 CLIENT_SUSPENDED; a client in maintenance is read-only: GET requests work, every other request of its users ' +
      'answers 503 CLIENT_MAINTENANCE with Retry-After.',
  })
  @OptionalNotNull()
  @IsIn(['active', 'suspended', 'maintenance'], { message: 'status must be "active", "suspended" or "maintenance"' })
  status?: 'active' | 'suspended' | 'maintenance';
}
