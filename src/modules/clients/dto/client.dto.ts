import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ClientRecord } from '../clients.repository.js';
import { CLIENT_STATUSES } from '../clients.repository.js';
import { redactSecrets } from '../redact.js';

/** A client (tenant) as platform admins see it. Never a credential, password or connection URL. */
export class ClientDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Acme GmbH' })
  name: string;

  @ApiProperty({ example: 'acme' })
  slug: string;

  @ApiProperty({ enum: CLIENT_STATUSES, example: 'active' })
  status: string;

  @ApiProperty({ example: 'freetimechat_550e8400-e29b-41d4-a716-446655440000' })
  databaseName: string;

  @ApiProperty({ example: 'default', description: 'Name of the PostgreSQL server (TENANT_DATABASE_SERVERS) holding the database' })
  databaseServer: string;

  @ApiProperty({ nullable: true, type: String, example: '20261125000000_init', description: 'Newest client migration applied' })
  schemaVersion: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  lastMigratedAt: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'Error of the last failed migration run, cleared by a successful one' })
  lastMigrationError: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why provisioning failed (status "failed")' })
  provisioningError: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  deletedAt: string | null;
}

export class ClientPageDto {
  @ApiProperty({ type: [ClientDto] })
  data: ClientDto[];

  @ApiProperty({ nullable: true, type: String, description: 'Cursor of the next page, null on the last one' })
  nextCursor: string | null;
}

export class ClientMigrationResultDto {
  @ApiProperty({ nullable: true, type: String, example: '20261201000000_add_invoices' })
  schemaVersion: string | null;

  @ApiProperty({ type: [String], description: 'Migrations applied by this call, oldest first (empty when already current)' })
  applied: string[];
}

export function toClientDto(c: ClientRecord): ClientDto {
  return {
    id: c.id,
    name: c.name,
    slug: c.slug,
    status: c.status,
    databaseName: c.databaseName,
    databaseServer: c.databaseServer,
    schemaVersion: c.schemaVersion,
    lastMigratedAt: c.lastMigratedAt?.toISOString() ?? null,
    lastMigrationError: c.lastMigrationError === null ? null : redactSecrets(c.lastMigrationError),
    provisioningError: c.provisioningError === null ? null : redactSecrets(c.provisioningError),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    deletedAt: c.deletedAt?.toISOString() ?? null,
  };
}
