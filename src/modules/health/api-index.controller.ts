import { Controller, Get, Redirect } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../database/paths.js';

export interface ApiIndex {
  name: string;
  version: string;
  docs: string;
  openapi: string;
}

const pkg = JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { name: string; version: string };
const INDEX: ApiIndex = { name: pkg.name, version: pkg.version, docs: '/docs', openapi: '/docs-json' };

/** Where a person who opens the service's address in a browser finds the documentation. */
@ApiTags('operations')
@Controller()
export class ApiIndexController {
  /** Served at `/` (outside the /api/v1 prefix, app.factory.ts). */
  @Get()
  @Redirect('/docs', 302)
  @ApiOperation({
    summary: 'Redirects to the Swagger UI at /docs',
    description: 'Public: a browser opening the service address lands on the documentation.',
  })
  @ApiFoundResponse({ description: 'Location: /docs' })
  root(): void {}

  /** `/api/v1` itself: the service's name and version, and where its documentation is. */
  @Get('api/v1')
  @ApiOperation({
    summary: 'The service name and version, and links to the Swagger UI and the OpenAPI document',
    description: 'Public, answers without touching any database.',
  })
  @ApiOkResponse({
    description: 'Pointers to the documentation',
    schema: {
      type: 'object',
      properties: { name: { type: 'string' }, version: { type: 'string' }, docs: { type: 'string' }, openapi: { type: 'string' } },
      required: ['name', 'version', 'docs', 'openapi'],
      example: { name: 'freetimechat-api', version: '0.1.0', docs: '/docs', openapi: '/docs-json' },
    },
  })
  index(): ApiIndex {
    return INDEX;
  }
}
