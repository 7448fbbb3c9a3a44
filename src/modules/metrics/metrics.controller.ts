import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/dto/error-response.dto.js';
import { MetricsTokenGuard } from './metrics-token.guard.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('operations')
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @ApiOperation({
    summary: 'Prometheus metrics: request latency, tenant pool counts, connections in use',
    description:
      'At the root, outside /api/v1, for a Prometheus scraper: request durations by route template, tenant clients open and database connections in use. ' +
      'Needs `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is configured; without it, open in development and ' +
      'absent (404) when NODE_ENV=production.',
  })
  @UseGuards(MetricsTokenGuard)
  @ApiBearerAuth('metrics')
  @ApiUnauthorizedResponse({ description: 'UNAUTHENTICATED: METRICS_TOKEN is configured and was not presented', type: ErrorResponseDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: production without METRICS_TOKEN configured', type: ErrorResponseDto })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
