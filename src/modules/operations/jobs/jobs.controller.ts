import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../../common/dto/error-response.dto.js';
import { UuidParamPipe } from '../../../common/uuid-param.pipe.js';
import { RequireCapabilities } from '../../auth/index.js';
import { JobDto, JobPageDto, ListJobsQueryDto, toJobDto } from '../dto/operations.dto.js';
import { JobsService } from './jobs.service.js';

/** Long operations on tenant databases, for platform admins. */
@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @RequireCapabilities('clients:manage')
  @ApiOperation({
    summary: 'List jobs, newest first (filters type, status, clientId; paginated)',
    description: 'Backups, restores and migrations run as durable jobs on the main database (pg-boss), by whichever instance is free.',
  })
  @ApiOkResponse({ type: JobPageDto, description: 'A page of jobs' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  async list(@Query() query: ListJobsQueryDto): Promise<JobPageDto> {
    const page = await this.jobs.list(query);
    return { data: page.data.map(toJobDto), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @RequireCapabilities('clients:manage')
  @ApiOperation({
    summary: 'One job with its progress, result or error',
    description: 'status is queued, running, succeeded (all its effects done) or failed; progress counts done of total steps.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: JobDto, description: 'The job' })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'No such job (NOT_FOUND)' })
  async get(@Param('id', new UuidParamPipe('Job')) id: string): Promise<JobDto> {
    return toJobDto(await this.jobs.get(id));
  }
}
