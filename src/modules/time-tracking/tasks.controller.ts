import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
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
import { RequireCapabilities, TenantScoped } from '../auth/index.js';
import { ConditionalRead, ConditionalWrite } from '../conditional-requests/index.js';
import { type Actor, actorFrom, CurrentActor } from './actor.js';
import { CreateTaskDto, ListTasksQueryDto, TaskDto, TaskPageDto, toTaskDto, UpdateTaskDto } from './dto/task.dto.js';
import { TasksService } from './tasks.service.js';
import { UuidParamPipe } from '../../common/uuid-param.pipe.js';
import { NoBody } from '../../common/no-body.js';

const NOT_FOUND = { description: 'No such task, or one the caller may not see (NOT_FOUND)', type: ErrorResponseDto };

@ApiTags('tasks')
@TenantScoped()
@Controller('tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @RequireCapabilities()
  @ApiOperation({
    summary: 'List tasks',
    description: 'tasks:read holders see the tasks of the projects they belong to; tasks:manage holders all of the client. Oldest first.',
  })
  @ApiOkResponse({ type: TaskPageDto, description: 'A page of tasks' })
  async list(@CurrentActor() actor: Actor, @Query() query: ListTasksQueryDto): Promise<TaskPageDto> {
    const page = await this.tasks.list(actor, query);
    return { data: page.data.map(toTaskDto), nextCursor: page.nextCursor };
  }

  @Post()
  @RequireCapabilities('tasks:manage')
  @ApiOperation({ summary: 'Create a task', description: "The assignee must be an active user of the caller's client (else 404)." })
  @ApiCreatedResponse({ type: TaskDto, description: 'The new task' })
  @ApiNotFoundResponse({ description: 'No such project or assignee (NOT_FOUND)', type: ErrorResponseDto })
  @ApiConflictResponse({ description: 'The project is archived (PROJECT_ARCHIVED)', type: ErrorResponseDto })
  async create(@CurrentActor() actor: Actor, @Body() body: CreateTaskDto): Promise<TaskDto> {
    return toTaskDto(await this.tasks.create(actor, body));
  }

  @Get(':id')
  @ConditionalRead()
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Get a task',
    description: 'tasks:manage holders read any task of their client; tasks:read holders only tasks of projects they belong to (else 404).',
  })
  @ApiOkResponse({ type: TaskDto, description: 'The task' })
  @ApiNotFoundResponse(NOT_FOUND)
  async get(@CurrentActor() actor: Actor, @Param('id', new UuidParamPipe('Task')) id: string): Promise<TaskDto> {
    return toTaskDto(await this.tasks.get(actor, id));
  }

  @Patch(':id')
  @ConditionalWrite('task', (c: TasksController, auth, id) => c.get(actorFrom(auth), id))
  @RequireCapabilities('tasks:manage')
  @ApiOperation({ summary: 'Change a task', description: '`null` clears description, assigneeId and dueDate.' })
  @ApiOkResponse({ type: TaskDto, description: 'The changed task' })
  @ApiNotFoundResponse(NOT_FOUND)
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Task')) id: string,
    @Body() body: UpdateTaskDto,
  ): Promise<TaskDto> {
    return toTaskDto(await this.tasks.update(actor, id, body));
  }

  @Delete(':id')
  @ConditionalWrite('task', (c: TasksController, auth, id) => c.get(actorFrom(auth), id))
  @HttpCode(204)
  @RequireCapabilities('tasks:manage')
  @ApiOperation({ summary: 'Delete a task', description: 'A hard delete (then 404). Its time entries keep their time and lose the task.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  async delete(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Task')) id: string,
    @NoBody() _body: undefined,
  ): Promise<void> {
    await this.tasks.delete(actor, id);
  }
}
