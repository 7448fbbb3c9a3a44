import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { MainPrismaService } from '../../database/main-prisma.service.js';
import { ServiceUnavailableError } from '../../common/errors.js';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly main: MainPrismaService) {}

  @Get()
  @ApiOperation({
    summary: 'Liveness: the process is up',
    description: 'Public, answers without touching any database: a failure means the process should be restarted.',
  })
  @ApiOkResponse({
    description: 'The process is up',
    schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'], example: { status: 'ok' } },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Readiness: the main database answers (503 SERVICE_UNAVAILABLE otherwise)',
    description:
      'Public. Runs `SELECT 1` on the main database with a 2 s limit; tenant databases are not checked (one tenant down must not take the instance out).',
  })
  @ApiOkResponse({
    description: 'The main database answers',
    schema: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['ok'] }, database: { type: 'string', enum: ['up'] } },
      required: ['status', 'database'],
      example: { status: 'ok', database: 'up' },
    },
  })
  @ApiServiceUnavailableResponse({ description: 'The main database does not answer (SERVICE_UNAVAILABLE)', type: ErrorResponseDto })
  async ready(): Promise<{ status: 'ok'; database: 'up' }> {
    try {
      const client = await Promise.race([
        this.main.pool.query('SELECT 1'),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref()),
      ]);
      void client;
    } catch {
      throw new ServiceUnavailableError('The main database does not answer');
    }
    return { status: 'ok', database: 'up' };
  }
}
