import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { PaginationQueryDto } from '../../common/pagination.js';
import { RequireCapabilities, TenantScoped } from '../auth/index.js';
import { ConditionalRead, ConditionalWrite } from '../conditional-requests/index.js';
import { type Actor, actorFrom, CurrentActor } from './actor.js';
import {
  CreateProjectDto,
  ListProjectsQueryDto,
  ProjectDto,
  ProjectMemberDto,
  ProjectMemberPageDto,
  ProjectPageDto,
  toProjectDto,
  toProjectMemberDto,
  UpdateProjectDto,
  UpsertProjectMemberDto,
} from './dto/project.dto.js';
import { ProjectsService } from './projects.service.js';
import { UuidParamPipe } from '../../common/uuid-param.pipe.js';
import { NoBody } from '../../common/no-body.js';

const NOT_FOUND = { description: 'No such project, or one the caller may not see (NOT_FOUND)', type: ErrorResponseDto };

@ApiTags('projects')
@TenantScoped()
@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  @RequireCapabilities()
  @ApiOperation({
    summary: 'List projects',
    description:
      'projects:manage holders see every project of their client, projects:read holders only the projects they belong to. ' +
      'Active projects by default; `archived=true` lists archived ones. Sorted by name.',
  })
  @ApiOkResponse({ type: ProjectPageDto, description: 'A page of projects' })
  async list(@CurrentActor() actor: Actor, @Query() query: ListProjectsQueryDto): Promise<ProjectPageDto> {
    const page = await this.projects.list(actor, query);
    return { data: page.data.map(toProjectDto), nextCursor: page.nextCursor };
  }

  @Post()
  @RequireCapabilities('projects:manage')
  @ApiOperation({ summary: 'Create a project', description: 'Names are unique per client, case-insensitively (409 CONFLICT).' })
  @ApiCreatedResponse({ type: ProjectDto, description: 'The new project' })
  @ApiConflictResponse({ description: 'A project with this name exists (CONFLICT)', type: ErrorResponseDto })
  async create(@CurrentActor() actor: Actor, @Body() body: CreateProjectDto): Promise<ProjectDto> {
    return toProjectDto(await this.projects.create(actor, body));
  }

  @Get(':id')
  @ConditionalRead()
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Get a project',
    description: 'projects:manage holders read any project of their client; others only projects they belong to (else 404).',
  })
  @ApiOkResponse({ type: ProjectDto, description: 'The project' })
  @ApiNotFoundResponse(NOT_FOUND)
  async get(@CurrentActor() actor: Actor, @Param('id', new UuidParamPipe('Project')) id: string): Promise<ProjectDto> {
    return toProjectDto(await this.projects.get(actor, id));
  }

  @Patch(':id')
  @ConditionalWrite('project', (c: ProjectsController, auth, id) => c.get(actorFrom(auth), id))
  @RequireCapabilities('projects:manage')
  @ApiOperation({ summary: 'Change a project', description: '`archived: false` restores an archived project.' })
  @ApiOkResponse({ type: ProjectDto, description: 'The changed project' })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ description: 'A project with this name exists (CONFLICT)', type: ErrorResponseDto })
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Project')) id: string,
    @Body() body: UpdateProjectDto,
  ): Promise<ProjectDto> {
    return toProjectDto(await this.projects.update(actor, id, body));
  }

  @Delete(':id')
  @ConditionalWrite('project', (c: ProjectsController, auth, id) => c.get(actorFrom(auth), id))
  @HttpCode(204)
  @RequireCapabilities('projects:manage')
  @ApiOperation({
    summary: 'Archive a project',
    description:
      'Archives (never deletes: time entries keep their project). 204, idempotent. An archived project takes no new time (409 PROJECT_ARCHIVED); ' +
      'PATCH `archived: false` restores it.',
  })
  @ApiNoContentResponse({ description: 'Archived' })
  @ApiNotFoundResponse(NOT_FOUND)
  async archive(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Project')) id: string,
    @NoBody() _body: undefined,
  ): Promise<void> {
    await this.projects.archive(actor, id);
  }

  @Get(':id/members')
  @RequireCapabilities()
  @ApiOperation({ summary: "List a project's members", description: 'Oldest membership first.' })
  @ApiOkResponse({ type: ProjectMemberPageDto, description: 'A page of memberships' })
  @ApiNotFoundResponse(NOT_FOUND)
  async members(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Project')) id: string,
    @Query() query: PaginationQueryDto,
  ): Promise<ProjectMemberPageDto> {
    const page = await this.projects.listMembers(actor, id, query);
    return { data: page.data.map(toProjectMemberDto), nextCursor: page.nextCursor };
  }

  @Put(':id/members/:userId')
  @RequireCapabilities('projects:manage')
  @ApiOperation({
    summary: 'Add a member or change their role',
    description:
      'Upsert; 200 with the membership. The user must be an active user of the same client (else 404). Omitting `role` keeps an existing role (new members: "member").',
  })
  @ApiOkResponse({ type: ProjectMemberDto, description: 'The membership' })
  @ApiNotFoundResponse({ description: 'No such project or user (NOT_FOUND)', type: ErrorResponseDto })
  async putMember(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Project')) id: string,
    @Param('userId', new UuidParamPipe('User')) userId: string,
    @Body() body: UpsertProjectMemberDto,
  ): Promise<ProjectMemberDto> {
    return toProjectMemberDto(await this.projects.putMember(actor, id, userId, body.role));
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @RequireCapabilities('projects:manage')
  @ApiOperation({ summary: 'Remove a member', description: 'Their time entries stay. 404 when the user is not a member.' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiNotFoundResponse({ description: 'No such project or membership (NOT_FOUND)', type: ErrorResponseDto })
  async removeMember(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Project')) id: string,
    @Param('userId', new UuidParamPipe('User')) userId: string,
    @NoBody() _body: undefined,
  ): Promise<void> {
    await this.projects.removeMember(actor, id, userId);
  }
}
