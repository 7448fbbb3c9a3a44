import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { RequireCapabilities } from '../auth/index.js';
import { ConditionalRead, ConditionalWrite } from '../conditional-requests/index.js';
import { ClientsService } from './clients.service.js';
import { ClientDto, ClientMigrationResultDto, ClientPageDto, toClientDto } from './dto/client.dto.js';
import { CreateClientDto } from './dto/create-client.dto.js';
import { UpdateClientDto } from './dto/update-client.dto.js';
import { DeleteClientQueryDto, ListClientsQueryDto } from './dto/client-query.dto.js';
import { NoBody } from '../../common/no-body.js';

const NOT_FOUND = 'No such client (NOT_FOUND)';
const ID_PARAM = { name: 'id', format: 'uuid', description: 'Client id (an unknown or malformed id answers 404)' } as const;

/** Tenant management for platform admins. Not tenant-scoped: these routes act on the registry, not on a client's data. */
@ApiTags('clients')
@Controller('clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Post()
  @RequireCapabilities('clients:manage')
  @ApiOperation({
    summary: 'Create a client with its first admin; its database is created and migrated before the answer',
    description: 'The admin gets the client-admin role. Without a slug one is derived from the name (numbered when taken).',
  })
  @ApiCreatedResponse({ type: ClientDto, description: 'The client, status "active"' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'CONFLICT: the slug or the admin e-mail is taken' })
  @ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The database could not be created (the client is left "failed")' })
  async create(@Body() body: CreateClientDto): Promise<ClientDto> {
    return toClientDto(await this.clients.create(body));
  }

  @Get()
  @RequireCapabilities('clients:read')
  @ApiOperation({
    summary: 'List clients, newest first (paginated; optional status filter)',
    description: 'Every client in the registry, deleted ones included; `status` keeps only clients in that status.',
  })
  @ApiOkResponse({ type: ClientPageDto, description: 'A page of clients' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED (bad status, limit or cursor)' })
  async list(@Query() query: ListClientsQueryDto): Promise<ClientPageDto> {
    const page = await this.clients.list(query);
    return { data: page.data.map(toClientDto), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ConditionalRead()
  @RequireCapabilities('clients:read')
  @ApiOperation({
    summary: 'Get a client (deleted clients stay readable with status "deleted")',
    description: 'Registry data only: status, database placement and the last migration error; never database credentials.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ClientDto, description: 'The client' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: NOT_FOUND })
  async get(@Param('id') id: string): Promise<ClientDto> {
    return toClientDto(await this.clients.get(id));
  }

  @Patch(':id')
  @ConditionalWrite('client', (c: ClientsController, _auth, id) => c.get(id))
  @RequireCapabilities('clients:manage')
  @ApiOperation({
    summary: 'Rename a client, suspend it, put it in maintenance, or make it active again',
    description:
      "Suspending refuses every request of the client's users (403 CLIENT_SUSPENDED) on every instance within a second. " +
      'Maintenance makes the client read-only: GET requests work, every other request of its users answers 503 CLIENT_MAINTENANCE ' +
      'with Retry-After (60 s). `status: "active"` ends either.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ClientDto, description: 'The changed client' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: NOT_FOUND })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'CONFLICT: the client is deleted, provisioning or failed' })
  async update(@Param('id') id: string, @Body() body: UpdateClientDto): Promise<ClientDto> {
    return toClientDto(await this.clients.update(id, body));
  }

  @Post(':id/migrate')
  @HttpCode(200)
  @RequireCapabilities('clients:manage')
  @ApiOperation({
    summary: "Apply pending client-database migrations to this client's database",
    description:
      'A failure is rolled back and recorded on the client (`lastMigrationError`); calling it again applies what is still pending.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ClientMigrationResultDto, description: 'The migrations applied (none when it was current)' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: NOT_FOUND })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'MIGRATION_FAILED (rolled back; the error is recorded on the client) or CONFLICT (client not active/suspended)',
  })
  async migrate(@Param('id') id: string, @NoBody() _body: undefined): Promise<ClientMigrationResultDto> {
    return this.clients.migrate(id);
  }

  @Delete(':id')
  @ConditionalWrite('client', (c: ClientsController, _auth, id) => c.get(id))
  @HttpCode(204)
  @RequireCapabilities('clients:manage')
  @ApiOperation({
    summary: "Delete a client: drop its database and role, end its users' sessions, mark it deleted",
    description:
      'Requires `?confirm=<slug>`. Users of the client can no longer authenticate. Repeating it on a deleted client finishes a failed drop.',
  })
  @ApiParam(ID_PARAM)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED: confirm missing or not the slug' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: NOT_FOUND })
  async delete(@Param('id') id: string, @Query() query: DeleteClientQueryDto, @NoBody() _body: undefined): Promise<void> {
    await this.clients.delete(id, query.confirm);
  }
}
