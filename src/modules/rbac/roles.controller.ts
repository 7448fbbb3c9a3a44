import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { type AuthContext, Auth, RequireCapabilities } from '../auth/index.js';
import { ConditionalRead, ConditionalWrite } from '../conditional-requests/index.js';
import { CapabilityDto, capabilityCatalog } from './dto/capability.dto.js';
import { CreateRoleDto, RoleDto, RolePageDto, UpdateRoleDto } from './dto/role.dto.js';
import { UuidParamPipe } from '../../common/uuid-param.pipe.js';
import { RolesService } from './roles.service.js';
import { NoBody } from '../../common/no-body.js';

const GRANT_403 =
  'FORBIDDEN (missing capability), CAPABILITY_NOT_GRANTABLE (a capability the caller lacks, or a platform capability), SYSTEM_ROLE_READONLY, TENANT_REQUIRED (platform admin)';

@ApiTags('roles')
@Controller('capabilities')
export class CapabilitiesController {
  @Get()
  @RequireCapabilities('roles:read')
  @ApiOperation({
    summary: 'The capability catalog',
    description: 'Every capability key with its description and scope (`platform` ones are never held by client users).',
  })
  @ApiOkResponse({ type: [CapabilityDto], description: 'The catalog: every capability key with its scope' })
  list(): CapabilityDto[] {
    return capabilityCatalog();
  }
}

@ApiTags('roles')
@Controller('roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @RequireCapabilities('roles:read')
  @ApiOperation({
    summary: "List roles: the system roles and the caller's client roles",
    description: 'Oldest first (system roles first).',
  })
  @ApiOkResponse({ type: RolePageDto, description: 'A page of roles' })
  @ApiBadRequestResponse({ description: 'Invalid limit or cursor', type: ErrorResponseDto })
  list(@Auth() auth: AuthContext, @Query() query: PaginationQueryDto): Promise<RolePageDto> {
    return this.roles.list(auth, query);
  }

  @Get(':id')
  @ConditionalRead()
  @RequireCapabilities('roles:read')
  @ApiOperation({
    summary: 'Read one role',
    description: "A system role or one of the caller's client's roles; another client's role answers 404.",
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: RoleDto, description: 'The role with its capabilities' })
  @ApiNotFoundResponse({ description: "Unknown role or another client's role", type: ErrorResponseDto })
  get(@Auth() auth: AuthContext, @Param('id', new UuidParamPipe('Role')) id: string): Promise<RoleDto> {
    return this.roles.get(auth, id);
  }

  @Post()
  @RequireCapabilities('roles:manage')
  @ApiOperation({
    summary: 'Create a client role',
    description: 'The capabilities must all be client-scope capabilities the caller holds.',
  })
  @ApiCreatedResponse({ type: RoleDto, description: 'The new client role' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED (e.g. an unknown capability key)', type: ErrorResponseDto })
  @ApiForbiddenResponse({ description: GRANT_403, type: ErrorResponseDto })
  @ApiConflictResponse({ description: 'CONFLICT: the name is taken in the client or by a system role', type: ErrorResponseDto })
  create(@Auth() auth: AuthContext, @Body() dto: CreateRoleDto): Promise<RoleDto> {
    return this.roles.create(auth, dto);
  }

  @Patch(':id')
  @ConditionalWrite('role', (c: RolesController, auth, id) => c.get(auth, id))
  @RequireCapabilities('roles:manage')
  @ApiOperation({
    summary: 'Change a client role',
    description: 'Takes effect on the next request of every user holding it. System roles are read-only.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: RoleDto, description: 'The changed role' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED', type: ErrorResponseDto })
  @ApiForbiddenResponse({ description: GRANT_403, type: ErrorResponseDto })
  @ApiNotFoundResponse({ description: "Unknown role or another client's role", type: ErrorResponseDto })
  @ApiConflictResponse({ description: 'CONFLICT: the name is taken', type: ErrorResponseDto })
  update(@Auth() auth: AuthContext, @Param('id', new UuidParamPipe('Role')) id: string, @Body() dto: UpdateRoleDto): Promise<RoleDto> {
    return this.roles.update(auth, id, dto);
  }

  @Delete(':id')
  @ConditionalWrite('role', (c: RolesController, auth, id) => c.get(auth, id))
  @HttpCode(204)
  @RequireCapabilities('roles:manage')
  @ApiOperation({ summary: 'Delete a client role', description: 'Users holding it lose it at once.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiForbiddenResponse({ description: GRANT_403, type: ErrorResponseDto })
  @ApiNotFoundResponse({ description: "Unknown role or another client's role", type: ErrorResponseDto })
  async remove(@Auth() auth: AuthContext, @Param('id', new UuidParamPipe('Role')) id: string, @NoBody() _body: undefined): Promise<void> {
    await this.roles.remove(auth, id);
  }
}
