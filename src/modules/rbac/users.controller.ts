import { Body, Controller, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
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
import { CreateUserDto, SetUserRolesDto, UpdateUserDto, UserDto, UserPageDto } from './dto/user.dto.js';
import { UuidParamPipe } from '../../common/uuid-param.pipe.js';
import { UserAdminService } from './user-admin.service.js';

const SCOPE = "Client-scoped: only the caller's client's users. A platform admin (no client) gets 403 TENANT_REQUIRED.";

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UserAdminService) {}

  @Get()
  @RequireCapabilities('users:read')
  @ApiOperation({ summary: "List the client's users", description: `${SCOPE} Oldest first.` })
  @ApiOkResponse({ type: UserPageDto, description: 'A page of users with their roles' })
  @ApiBadRequestResponse({ description: 'Invalid limit or cursor', type: ErrorResponseDto })
  list(@Auth() auth: AuthContext, @Query() query: PaginationQueryDto): Promise<UserPageDto> {
    return this.users.list(auth, query);
  }

  @Post()
  @RequireCapabilities('users:manage')
  @ApiOperation({ summary: 'Create a user in the client', description: `${SCOPE} Without roleIds the user gets the member role.` })
  @ApiCreatedResponse({ type: UserDto, description: 'The new user with their roles' })
  @ApiBadRequestResponse({
    description: 'VALIDATION_FAILED (e.g. password under 10 characters, unknown time zone, unknown role)',
    type: ErrorResponseDto,
  })
  @ApiForbiddenResponse({
    description: 'FORBIDDEN, CAPABILITY_NOT_GRANTABLE (a role with a capability the caller lacks, or platform-admin), TENANT_REQUIRED',
    type: ErrorResponseDto,
  })
  @ApiConflictResponse({ description: 'CONFLICT: the e-mail is taken', type: ErrorResponseDto })
  create(@Auth() auth: AuthContext, @Body() dto: CreateUserDto): Promise<UserDto> {
    return this.users.create(auth, dto);
  }

  @Get(':id')
  @ConditionalRead()
  @RequireCapabilities('users:read')
  @ApiOperation({ summary: 'Read one user of the client', description: SCOPE })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: UserDto, description: 'The user with their roles' })
  @ApiNotFoundResponse({ description: "Unknown user or another client's user", type: ErrorResponseDto })
  get(@Auth() auth: AuthContext, @Param('id', new UuidParamPipe('User')) id: string): Promise<UserDto> {
    return this.users.get(auth, id);
  }

  @Patch(':id')
  @ConditionalWrite('user', (c: UsersController, auth, id) => c.get(auth, id))
  @RequireCapabilities('users:manage')
  @ApiOperation({
    summary: 'Change a user (name, time zone, active flag)',
    description: `${SCOPE} Deactivating ends all the user's sessions at once; you cannot deactivate yourself, nor manage a user holding capabilities you lack (403 FORBIDDEN).`,
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: UserDto, description: 'The changed user' })
  @ApiBadRequestResponse({ description: 'VALIDATION_FAILED', type: ErrorResponseDto })
  @ApiForbiddenResponse({ description: 'FORBIDDEN, TENANT_REQUIRED', type: ErrorResponseDto })
  @ApiConflictResponse({
    description: 'CONFLICT: deactivating the last active user with the role client-admin (a client always keeps one)',
    type: ErrorResponseDto,
  })
  @ApiNotFoundResponse({ description: "Unknown user or another client's user", type: ErrorResponseDto })
  update(@Auth() auth: AuthContext, @Param('id', new UuidParamPipe('User')) id: string, @Body() dto: UpdateUserDto): Promise<UserDto> {
    return this.users.update(auth, id, dto);
  }

  @Put(':id/roles')
  @ConditionalWrite('user', (c: UsersController, auth, id) => c.get(auth, id))
  @RequireCapabilities('roles:assign')
  @ApiOperation({
    summary: "Replace a user's roles",
    description: `${SCOPE} Newly assigned roles must carry only capabilities the caller holds; platform-admin is never assignable. Takes effect on the user's next request.`,
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: UserDto, description: 'The user with the new roles' })
  @ApiBadRequestResponse({ description: "VALIDATION_FAILED (e.g. an unknown role or another client's role)", type: ErrorResponseDto })
  @ApiForbiddenResponse({ description: 'FORBIDDEN, CAPABILITY_NOT_GRANTABLE, TENANT_REQUIRED', type: ErrorResponseDto })
  @ApiConflictResponse({
    description: 'CONFLICT: taking client-admin from the last active user holding it (a client always keeps one)',
    type: ErrorResponseDto,
  })
  @ApiNotFoundResponse({ description: "Unknown user or another client's user", type: ErrorResponseDto })
  setRoles(@Auth() auth: AuthContext, @Param('id', new UuidParamPipe('User')) id: string, @Body() dto: SetUserRolesDto): Promise<UserDto> {
    return this.users.setRoles(auth, id, dto);
  }
}
