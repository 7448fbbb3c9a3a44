import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../../common/pagination.js';
import type { ClientStatus } from '../../../database/tenant-registry.service.js';
import { CLIENT_STATUSES } from '../clients.repository.js';

export class ListClientsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: CLIENT_STATUSES, description: 'Only clients in this status' })
  @IsOptional()
  @IsIn(CLIENT_STATUSES as ClientStatus[])
  status?: ClientStatus;
}

export class DeleteClientQueryDto {
  @ApiPropertyOptional({ description: "Must equal the client's slug, or nothing is deleted (400)", example: 'acme' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  confirm?: string;
}
