import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class UpdateClientDto {
  @ApiPropertyOptional({ example: 'Acme Group' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({
    enum: ['active', 'suspended'],
    description: "Suspend or resume. A suspended client's users get 403 CLIENT_SUSPENDED on every instance within a second.",
  })
  @IsOptional()
  @IsIn(['active', 'suspended'], { message: 'status must be "active" or "suspended"' })
  status?: 'active' | 'suspended';
}
