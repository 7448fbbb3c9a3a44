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
    enum: ['active', 'suspended'],
    description: "Suspend or resume. A suspended client's users get 403 CLIENT_SUSPENDED on every instance within a second.",
  })
  @OptionalNotNull()
  @IsIn(['active', 'suspended'], { message: 'status must be "active" or "suspended"' })
  status?: 'active' | 'suspended';
}
