import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createReadStream } from 'node:fs';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { NoBody } from '../../common/no-body.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { UuidParamPipe } from '../../common/uuid-param.pipe.js';
import { RequireCapabilities } from '../auth/index.js';
import {
  BackupPageDto,
  ClientHealthDto,
  JobEnvelopeDto,
  MigrateClientsDto,
  MoveDto,
  RestoreDto,
  toBackupDto,
  toJobDto,
} from './dto/operations.dto.js';
import { MigrateAllService } from './migrate/migrate-all.service.js';
import { OperationsService } from './operations.service.js';

const ID_PARAM = { name: 'id', format: 'uuid', description: 'Client id' } as const;
const CONFLICT = 'JOB_CONFLICT: another operation on this client is queued or running; CONFLICT: not possible in its status';

/** Health, backups and restores of a client's database (platform admins). */
@ApiTags('clients')
@Controller('clients')
export class OperationsController {
  constructor(
    private readonly ops: OperationsService,
    private readonly migrateAll: MigrateAllService,
  ) {}

  @Post('migrate')
  @HttpCode(202)
  @RequireCapabilities('clients:manage')
  @ApiOperation({
    summary: 'Apply pending migrations across all (or the named) clients, as jobs shared by every running instance',
    description:
      'A parent job splits the clients into batches of 25 (child jobs of type clients.migrate.batch) that any worker instance takes; ' +
      'its progress counts clients, its result lists each client (status migrated, current or failed, versions, migrations applied, ' +
      'time). One failing client does not stop the others; the job then ends failed with the full result. With `dryRun: true` each ' +
      "client's pending migrations run on a disposable copy of its database (schema at its version, data copied with COPY), " +
      'timed, and the copy is dropped: nothing changes and nothing is left behind. One migration job at a time (409 JOB_CONFLICT).',
  })
  @ApiAcceptedResponse({ type: JobEnvelopeDto, description: 'The migration job, queued' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED: bad body, or a clientId that names no client' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'JOB_CONFLICT: a migration job is queued or running; CONFLICT: a named client has no database to migrate (its status)',
  })
  async migrate(@Body() body: MigrateClientsDto): Promise<JobEnvelopeDto> {
    return { job: toJobDto(await this.migrateAll.start({ dryRun: body.dryRun, clientIds: body.clientIds })) };
  }

  @Get(':id/health')
  @RequireCapabilities('clients:manage')
  @ApiOperation({
    summary: "The client's database: reachable, schema version, pending migrations, drift, size",
    description:
      'Drift lists every difference from the schema its migrations produce: compared with the template when on the newest version, ' +
      'else with a disposable database migrated to its version. An unreachable database answers 200 with reachable: false.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ClientHealthDto, description: 'Health of the client database' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such client (NOT_FOUND)' })
  async health(@Param('id', new UuidParamPipe('Client')) id: string): Promise<ClientHealthDto> {
    const { reachable, schemaVersion, pendingMigrations, drift, sizeBytes } = await this.ops.healthOf(id);
    return { reachable, schemaVersion, pendingMigrations, drift, sizeBytes };
  }

  @Post(':id/backups')
  @HttpCode(202)
  @RequireCapabilities('clients:manage')
  @ApiOperation({
    summary: "Back up the client's data (a job): one consistent snapshot of every table",
    description:
      'Every data table read in one REPEATABLE READ transaction with COPY, written with a manifest (schema version, row counts and ' +
      'checksums) to BACKUP_DIR. A second operation on the client while one is queued or running is 409 JOB_CONFLICT.',
  })
  @ApiParam(ID_PARAM)
  @ApiAcceptedResponse({ type: JobEnvelopeDto, description: 'The backup job, queued' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such client (NOT_FOUND)' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: CONFLICT })
  async backup(@Param('id', new UuidParamPipe('Client')) id: string, @NoBody() _body: undefined): Promise<JobEnvelopeDto> {
    return { job: toJobDto(await this.ops.startBackup(id)) };
  }

  @Get(':id/backups')
  @RequireCapabilities('clients:manage')
  @ApiOperation({
    summary: "The client's backups, newest first (paginated)",
    description: 'Manual backups and the final one taken by DELETE /clients/:id, kept BACKUP_RETENTION_DAYS; never the archive itself.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: BackupPageDto, description: 'A page of backups' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such client (NOT_FOUND)' })
  async listBackups(@Param('id', new UuidParamPipe('Client')) id: string, @Query() query: PaginationQueryDto): Promise<BackupPageDto> {
    const page = await this.ops.listBackups(id, query);
    return { data: page.data.map(toBackupDto), nextCursor: page.nextCursor };
  }

  @Get(':id/backups/:backupId/download')
  @RequireCapabilities('clients:manage')
  @ApiOperation({
    summary: 'The backup archive, streamed (.tar.gz: manifest.json + tables/<table>.copy; see README)',
    description: 'A portable archive: restorable on another server or a later release with the same or a newer schema.',
  })
  @ApiParam(ID_PARAM)
  @ApiParam({ name: 'backupId', format: 'uuid' })
  @ApiProduces('application/gzip')
  @ApiOkResponse({ description: 'The archive', schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such client or backup (NOT_FOUND)' })
  async download(
    @Param('id', new UuidParamPipe('Client')) id: string,
    @Param('backupId', new UuidParamPipe('Backup')) backupId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const { backup, file } = await this.ops.backupFile(id, backupId);
    void reply.header('Content-Type', 'application/gzip');
    void reply.header('Content-Disposition', `attachment; filename="backup-${backup.id}.tar.gz"`);
    void reply.header('Content-Length', String(backup.sizeBytes));
    return new StreamableFile(createReadStream(file));
  }

  @Post(':id/move')
  @HttpCode(202)
  @RequireCapabilities('clients:manage')
  @ApiOperation({
    summary: "Move the client's database to another server of TENANT_DATABASE_SERVERS (a job)",
    description:
      'The target database is created at the same schema version; the client is in maintenance (reads served, writes 503 ' +
      'CLIENT_MAINTENANCE) only while the tables catch up with a first copy made before, are verified (row counts and checksums) and the registry switched; every ' +
      'instance follows within a second; then the old database and role are dropped. On any failure the client stays where it was, ' +
      'in its status, and the target is dropped. A crashed move resumes or rolls back when its job is retried. The job succeeds ' +
      'once all of that is done; its result has the per-table row counts, total time and maintenance time.',
  })
  @ApiParam(ID_PARAM)
  @ApiAcceptedResponse({ type: JobEnvelopeDto, description: 'The move job, queued' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED: bad body, or a server not in TENANT_DATABASE_SERVERS' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such client (NOT_FOUND)' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description:
      'JOB_CONFLICT: another operation on this client is queued or running; CONFLICT: already on that server, that server is the same PostgreSQL server under another name, or the client is not active/suspended',
  })
  async move(@Param('id', new UuidParamPipe('Client')) id: string, @Body() body: MoveDto): Promise<JobEnvelopeDto> {
    return { job: toJobDto(await this.ops.startMove(id, body.server)) };
  }

  @Post(':id/restore')
  @HttpCode(202)
  @RequireCapabilities('clients:manage')
  @ApiOperation({
    summary: "Restore the client's data from one of its backups (a job)",
    description:
      'The client is in maintenance while the data is loaded into a fresh database, verified table by table and swapped in; ' +
      'a deleted client comes back active (its users can sign in again; their sessions stay ended).',
  })
  @ApiParam(ID_PARAM)
  @ApiAcceptedResponse({ type: JobEnvelopeDto, description: 'The restore job, queued' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such client or backup (NOT_FOUND)' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: CONFLICT })
  async restore(@Param('id', new UuidParamPipe('Client')) id: string, @Body() body: RestoreDto): Promise<JobEnvelopeDto> {
    return { job: toJobDto(await this.ops.startRestore(id, body.backupId)) };
  }
}
