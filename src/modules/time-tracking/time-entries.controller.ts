import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { RequireCapabilities, TenantScoped } from '../auth/index.js';
import { ConditionalRead, ConditionalWrite } from '../conditional-requests/index.js';
import { type Actor, actorFrom, CurrentActor } from './actor.js';
import {
  CREATE_TIME_ENTRY_EXAMPLES,
  CreateTimeEntryDto,
  ListTimeEntriesQueryDto,
  StartTimerDto,
  TimeEntryDto,
  TimeEntryPageDto,
  toTimeEntryDto,
  UPDATE_TIME_ENTRY_EXAMPLES,
  UpdateTimeEntryDto,
} from './dto/time-entry.dto.js';
import { TimeEntriesService } from './time-entries.service.js';
import { UuidParamPipe } from '../../common/uuid-param.pipe.js';
import { NoBody } from '../../common/no-body.js';

const NOT_FOUND = { description: 'No such entry, or one the caller may not see (NOT_FOUND)', type: ErrorResponseDto };
const INVALID = {
  description:
    'VALIDATION_FAILED with details: wrong combination of time fields, endTime not after startTime, duration outside 1 s–24 h, time in the future, a task of another project',
  type: ErrorResponseDto,
};
const CONFLICTS = {
  description:
    'PROJECT_ARCHIVED; TIME_ENTRY_OVERLAP with another timed entry (or the running timer) of the same user; ' +
    "DAILY_LIMIT_EXCEEDED when the user's entries of that local day would sum to more than 24 h (nothing changed)",
  type: ErrorResponseDto,
};
const PROJECT_RULES =
  'The project must exist and be visible to the caller (else 404), not be archived (409 PROJECT_ARCHIVED), and the owner must be a member of it ' +
  'unless the caller holds time-entries:write:all (else 403 FORBIDDEN).';

@ApiTags('time-entries')
@TenantScoped()
@Controller('time-entries')
export class TimeEntriesController {
  constructor(private readonly entries: TimeEntriesService) {}

  @Get()
  @RequireCapabilities()
  @ApiOperation({
    summary: 'List time entries',
    description:
      'Needs time-entries:read:own (own entries) or time-entries:read:all (everyone in the client; `userId` of someone else needs it, else 403). ' +
      '`from`/`to` are inclusive on `date`. Newest first: date desc, startTime desc (duration-only entries last within a day), id.',
  })
  @ApiOkResponse({ type: TimeEntryPageDto, description: 'A page of entries' })
  async list(@CurrentActor() actor: Actor, @Query() query: ListTimeEntriesQueryDto): Promise<TimeEntryPageDto> {
    const page = await this.entries.list(actor, query);
    return { data: page.data.map(toTimeEntryDto), nextCursor: page.nextCursor };
  }

  @Post()
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Log time',
    description:
      "Exactly one of {startTime, endTime}, {startTime, duration} or {date, duration}. Times are truncated to whole seconds; a timed entry's `date` is the " +
      "owner's local day of startTime (their time zone). `billable` defaults from the project. Needs time-entries:write:own, or write:all with `userId`. " +
      PROJECT_RULES,
  })
  @ApiBody({ type: CreateTimeEntryDto, examples: CREATE_TIME_ENTRY_EXAMPLES })
  @ApiCreatedResponse({ type: TimeEntryDto, description: 'The new entry' })
  @ApiBadRequestResponse(INVALID)
  @ApiNotFoundResponse({
    description: 'No such project (or user for `userId`), or one the caller may not see (NOT_FOUND)',
    type: ErrorResponseDto,
  })
  @ApiConflictResponse(CONFLICTS)
  async create(@CurrentActor() actor: Actor, @Body() body: CreateTimeEntryDto): Promise<TimeEntryDto> {
    return toTimeEntryDto(await this.entries.create(actor, body));
  }

  @Post('start')
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Start a timer',
    description: `Starts the caller's timer now (endTime and duration null). One running timer per user, held by the database even under concurrent requests. ${PROJECT_RULES}`,
  })
  @ApiCreatedResponse({ type: TimeEntryDto, description: 'The running entry' })
  @ApiNotFoundResponse({ description: 'No such project, or one the caller may not see (NOT_FOUND)', type: ErrorResponseDto })
  @ApiConflictResponse({
    description:
      'TIMER_ALREADY_RUNNING, PROJECT_ARCHIVED, or TIME_ENTRY_OVERLAP when another entry ends after now (e.g. the system clock went back); ' +
      'a timer started right after one stopped within its first second starts where that entry ended',
    type: ErrorResponseDto,
  })
  async start(@CurrentActor() actor: Actor, @Body() body: StartTimerDto): Promise<TimeEntryDto> {
    return toTimeEntryDto(await this.entries.start(actor, body));
  }

  @Post('stop')
  @HttpCode(200)
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Stop the running timer',
    description:
      'Ends it now (whole seconds). At least 1 s is recorded; a timer left running over 24 h is stopped at start + 24 h (the longest an entry may be). ' +
      'Works even if the project was archived meanwhile.',
  })
  @ApiOkResponse({ type: TimeEntryDto, description: 'The stopped entry' })
  @ApiNotFoundResponse({ description: 'No timer runs (NO_RUNNING_TIMER)', type: ErrorResponseDto })
  @ApiConflictResponse({
    description: 'DAILY_LIMIT_EXCEEDED: the stopped entry would put more than 24 h on its day; the timer keeps running',
    type: ErrorResponseDto,
  })
  async stop(@CurrentActor() actor: Actor, @NoBody() _body: undefined): Promise<TimeEntryDto> {
    return toTimeEntryDto(await this.entries.stop(actor));
  }

  @Get('running')
  @RequireCapabilities()
  @ApiOperation({ summary: "The caller's running timer", description: '200 with the entry, or 204 (empty body) when none runs.' })
  @ApiOkResponse({ type: TimeEntryDto, description: 'The running entry' })
  @ApiNoContentResponse({ description: 'No timer runs' })
  async running(@CurrentActor() actor: Actor, @Res({ passthrough: true }) res: FastifyReply): Promise<TimeEntryDto | undefined> {
    const entry = await this.entries.running(actor);
    if (!entry) {
      res.status(204);
      return undefined;
    }
    return toTimeEntryDto(entry);
  }

  @Get(':id')
  @ConditionalRead()
  @RequireCapabilities()
  @ApiOperation({ summary: 'Get a time entry', description: "Others' entries answer 404 without time-entries:read:all." })
  @ApiOkResponse({ type: TimeEntryDto, description: 'The entry' })
  @ApiNotFoundResponse(NOT_FOUND)
  async get(@CurrentActor() actor: Actor, @Param('id', new UuidParamPipe('Time entry')) id: string): Promise<TimeEntryDto> {
    return toTimeEntryDto(await this.entries.get(actor, id));
  }

  @Patch(':id')
  @ConditionalWrite('time-entry', (c: TimeEntriesController, auth, id) => c.get(actorFrom(auth), id))
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Change a time entry',
    description:
      'Every rule of creation is checked again on the result (including project membership and archival). Time fields merge with the current shape: ' +
      'a complete shape replaces it; a single startTime / endTime / duration changes that part of a timed entry (keeping its start); date or duration ' +
      "alone changes a duration-only entry. Changing projectId without `billable` takes the new project's default. " +
      "Others' entries answer 404 without read:all, 403 without write:all.",
  })
  @ApiBody({ type: UpdateTimeEntryDto, examples: UPDATE_TIME_ENTRY_EXAMPLES })
  @ApiOkResponse({ type: TimeEntryDto, description: 'The changed entry' })
  @ApiBadRequestResponse(INVALID)
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse(CONFLICTS)
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Time entry')) id: string,
    @Body() body: UpdateTimeEntryDto,
  ): Promise<TimeEntryDto> {
    return toTimeEntryDto(await this.entries.update(actor, id, body));
  }

  @Delete(':id')
  @ConditionalWrite('time-entry', (c: TimeEntriesController, auth, id) => c.get(actorFrom(auth), id))
  @HttpCode(204)
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Delete a time entry',
    description: "Also deletes a running timer. Others' entries: 404 without read:all, 403 without write:all.",
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse(NOT_FOUND)
  async delete(
    @CurrentActor() actor: Actor,
    @Param('id', new UuidParamPipe('Time entry')) id: string,
    @NoBody() _body: undefined,
  ): Promise<void> {
    await this.entries.delete(actor, id);
  }
}
