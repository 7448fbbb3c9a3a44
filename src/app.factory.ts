import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyHelmet from '@fastify/helmet';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Pool } from 'pg';
import { AppModule } from './app.module.js';
import { AppConfig } from './config/config.js';
import { AllExceptionsFilter } from './common/http-exception.filter.js';
import { createValidationPipe } from './common/validation.js';
import { RequestContext } from './common/request-context.js';
import { MetricsService } from './modules/metrics/metrics.service.js';
import { DatabaseBootstrapService } from './database/database-bootstrap.service.js';
import { MainPrismaService } from './database/main-prisma.service.js';
import { ErrorResponseDto } from './common/dto/error-response.dto.js';

export const API_PREFIX = 'api/v1';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export interface CreateAppOptions {
  /** Run `db:migrate` (main + templates) before serving (DB_MIGRATE_ON_START). */
  migrate?: boolean;
  logger?: boolean;
}

/** Whether a database answers `SELECT 1` within `ms`. */
async function answers(pool: Pool, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      pool.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Builds the HTTP application with every global concern; used by main.ts, tests and benchmarks. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  // SPIKE: HTTP_PLATFORM=fastify selects the Fastify adapter (bench only; not complete).
  if (process.env.HTTP_PLATFORM === 'fastify') return (await createFastifyApp(config, options)) as unknown as NestExpressApplication;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false,
  });
  const logger = app.get(Logger);
  app.useLogger(options.logger === false ? false : logger);
  app.set('trust proxy', 'loopback');
  app.disable('x-powered-by');

  // Request id first: every later log line, error body and response carries it.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.headers['x-request-id'] = requestId;
    res.setHeader('x-request-id', requestId);
    RequestContext.run({ requestId }, () => next());
  });
  const metrics = app.get(MetricsService);
  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      end({ method: req.method, route: route ? `${req.baseUrl ?? ''}${route}` : 'unmatched', status: String(res.statusCode) });
    });
    next();
  });
  app.use(
    helmet({
      // Swagger UI needs inline scripts and styles on /docs.
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", "'unsafe-inline'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
        },
      },
    }),
  );
  app.useBodyParser('json', { limit: '256kb', strict: true });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['metrics'] });
  app.useGlobalPipes(createValidationPipe());
  const main = app.get(MainPrismaService);
  app.useGlobalFilters(new AllExceptionsFilter({ mainDatabaseUp: () => answers(main.pool, 1_000) }));
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('FreeTimeChat API')
      .setDescription(
        'Multi-tenant time tracking with a chat assistant. Every error has the body ErrorResponse. ' +
          'Lists are paginated with `limit` (default 50, max 200) and an opaque `cursor`; responses are `{data, nextCursor}`.',
      )
      .setVersion('1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
    { extraModels: [ErrorResponseDto] },
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } });

  if (options.migrate ?? config.DB_MIGRATE_ON_START) {
    await app.get(DatabaseBootstrapService).migrateAll();
  }
  return app;
}

const HELMET_CSP = {
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", "'unsafe-inline'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
  },
};

async function createFastifyApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ trustProxy: 'loopback', bodyLimit: 256 * 1024 });
  const fastify = adapter.getInstance();
  fastify.addHook('onRequest', (req, reply, done) => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.headers['x-request-id'] = requestId;
    reply.header('x-request-id', requestId);
    RequestContext.run({ requestId }, () => done());
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  const logger = app.get(Logger);
  app.useLogger(options.logger === false ? false : logger);
  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions?.url;
    metrics.httpDuration.observe(
      { method: req.method, route: route ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
  await app.register(fastifyHelmet, { contentSecurityPolicy: HELMET_CSP });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['metrics'] });
  app.useGlobalPipes(createValidationPipe());
  const main = app.get(MainPrismaService);
  app.useGlobalFilters(new AllExceptionsFilter({ mainDatabaseUp: () => answers(main.pool, 1_000) }));
  app.enableShutdownHooks();
  if (options.migrate ?? config.DB_MIGRATE_ON_START) {
    await app.get(DatabaseBootstrapService).migrateAll();
  }
  return app;
}
