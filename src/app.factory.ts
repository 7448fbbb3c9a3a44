import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import helmet from 'helmet';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger as Pino } from 'pino';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pool } from 'pg';
import { AppModule } from './app.module.js';
import { AppConfig, trustedProxies } from './config/config.js';
import { AllExceptionsFilter } from './common/http-exception.filter.js';
import { createValidationPipe } from './common/validation.js';
import { NON_JSON_BODY } from './common/no-body.js';
import { createOpenApiDocument } from './common/openapi.js';
import { NestPinoLogger, ROOT_LOGGER } from './common/logger.js';
import { RequestContext } from './common/request-context.js';
import { requestLogLevel, requestLogLine } from './common/request-log.js';
import type { ErrorCode } from './common/error-codes.js';
import { MetricsService } from './modules/metrics/index.js';
import { warmUpChatParser } from './modules/chat/index.js';
import { DatabaseBootstrapService } from './database/database-bootstrap.service.js';
import { MainPrismaService } from './database/main-prisma.service.js';
import { installPatches } from './patches/index.js';

export const API_PREFIX = 'api/v1';

/** An incoming request id is echoed when it is printable ASCII (no control characters), 1–200 characters. */
const REQUEST_ID = /^[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?$/;

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

/** Largest request body accepted (413 PAYLOAD_TOO_LARGE above). */
export const BODY_LIMIT = 256 * 1024;

/** The request id: a valid incoming `x-request-id`, else a new UUID. */
function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/** An error shaped like body-parser's, which the global filter turns into the contract body. */
function bodyError(status: number, type: string, message: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, type, expose: true });
}

/**
 * Request bodies: JSON only (UTF-8, an object or array at the top level, an
 * empty body is `{}`), at most BODY_LIMIT. Any other content type is read
 * (within the limit) and becomes NON_JSON_BODY when it is not empty, which a
 * DTO body (and a route without one) refuses with 400 VALIDATION_FAILED
 * rather than 415, as before with Express; no body at all is `undefined`.
 * Keys like `__proto__` are kept as own keys (JSON.parse) for the validation
 * pipe to refuse with a 400 naming the field.
 */
function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (req: FastifyRequest, raw, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase() ?? 'utf-8';
    if (charset !== 'utf-8' && charset !== 'utf8') {
      return done(bodyError(415, 'charset.unsupported', `unsupported charset "${charset.toUpperCase()}"`), undefined);
    }
    const text = (raw as Buffer).toString('utf8');
    if (text.length === 0) return done(null, {});
    const first = /^[ \t\n\r]*(.)/.exec(text)?.[1];
    if (first !== '{' && first !== '[') return done(bodyError(400, 'entity.parse.failed', 'Malformed JSON in request body'), undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(bodyError(400, 'entity.parse.failed', 'Malformed JSON in request body'), undefined);
    }
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, raw: Buffer, done) =>
    done(null, raw.length > 0 ? NON_JSON_BODY : undefined),
  );
}

/** The contract's error body for errors raised before routing; it never echoes the request. */
function preRoutingError(status: number, code: ErrorCode, message: string, requestId: string): string {
  return JSON.stringify({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', code, message, requestId });
}

/**
 * Requests Node's HTTP parser refuses (headers over 16 KiB, a malformed request
 * line): answered on the socket with the contract's body, then closed.
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const [status, code, message]: [number, ErrorCode, string] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'HEADERS_TOO_LARGE', 'Request headers too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'REQUEST_TIMEOUT', 'The request was not received in time']
        : [400, 'MALFORMED_REQUEST', 'Malformed HTTP request'];
  const requestId = randomUUID();
  const body = preRoutingError(status, code, message, requestId);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\n\r\n${body}`,
  );
}

/** Router-level refusals (a bad URL component, a path parameter over the length limit): the contract's body, no echo. */
function answerFrameworkError(err: Error & { code?: string }, req: FastifyRequest, reply: FastifyReply): void {
  const [status, code, message]: [number, ErrorCode, string] =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [414, 'URI_TOO_LONG', 'The request URL is too long']
      : err.code === 'FST_ERR_BAD_URL'
        ? [400, 'MALFORMED_REQUEST', 'The request URL is malformed']
        : [400, 'MALFORMED_REQUEST', 'Malformed request'];
  void reply
    .code(status)
    .header('x-request-id', req.id)
    .type('application/json; charset=utf-8')
    .send(preRoutingError(status, code, message, req.id));
}

/** Builds the HTTP application (Fastify) with every global concern; used by main.ts, tests and benchmarks. */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  installPatches({ planCacheSize: config.PRISMA_PLAN_CACHE_SIZE });
  const adapter = new FastifyAdapter({
    trustProxy: trustedProxies(config.TRUST_PROXY),
    bodyLimit: BODY_LIMIT,
    // Slow clients: headers within HEADERS_TIMEOUT_MS, the whole request within REQUEST_TIMEOUT_MS,
    // checked every second (Node checks every 30 s by default).
    requestTimeout: config.REQUEST_TIMEOUT_MS,
    keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
    http: {
      headersTimeout: Math.min(config.HEADERS_TIMEOUT_MS, config.REQUEST_TIMEOUT_MS),
      requestTimeout: config.REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1000, config.HEADERS_TIMEOUT_MS),
    },
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    // As with Express: /a/ matches /a, paths match case-insensitively (parameters keep their case), and
    // long path parameters reach the validation pipes (400, not 404).
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 8192 },
    genReqId: requestIdFor,
  });
  const fastify = adapter.getInstance();
  if (config.MAX_CONNECTIONS > 0) fastify.server.maxConnections = config.MAX_CONNECTIONS;
  // Request id first: every later hook, log line, error body and response carries it, and the rest
  // of the request (parsing, guards, handler, filter) runs inside its context.
  fastify.addHook('onRequest', (req, reply, done) => {
    req.headers['x-request-id'] = req.id;
    reply.header('x-request-id', req.id);
    const store = { requestId: req.id };
    req.requestContext = store;
    RequestContext.run(store, done);
  });
  registerBodyParsers(fastify);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false,
  });
  // The chat parser's one-time compilation happens before the first chat message, not during one (see
  // warmUp); only the HTTP application serves the chat, so the CLI's and workers' contexts skip it.
  warmUpChatParser();
  const logger = app.get(NestPinoLogger);
  app.useLogger(options.logger === false ? false : logger);
  const metrics = app.get(MetricsService);
  const log = options.logger === false ? null : app.get<Pino>(ROOT_LOGGER);
  fastify.addHook('onResponse', (req, reply, done) => {
    // The matched route's template (e.g. /api/v1/projects/:id); unknown routes share one label.
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    // The line is only built when its level is on (not at all under LOG_LEVEL=error for a 2xx).
    if (log?.isLevelEnabled(requestLogLevel(reply.statusCode))) {
      const line = requestLogLine(req, reply.statusCode, reply.elapsedTime, req.requestContext);
      if (line) log[line.level](line.fields, line.msg);
    }
    done();
  });
  // Security headers: helmet's middleware built once. (@fastify/helmet rebuilds it, parsing the CSP
  // again, on every request through two async hooks: ~3% of the service's CPU on a read.)
  const securityHeaders = helmet({
    // Swagger UI needs inline scripts and styles on /docs.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // Helmet adds the upgrade by default; over plain HTTP it sends the browser to https for /docs's assets.
        upgradeInsecureRequests: config.CSP_UPGRADE_INSECURE_REQUESTS ? [] : null,
      },
    },
  });
  fastify.addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, () => done()));
  // `/` (a redirect to /docs) and `/api/v1` itself are declared with their full paths (ApiIndexController).
  app.setGlobalPrefix(API_PREFIX, {
    exclude: ['metrics', { path: '/', method: RequestMethod.GET }, { path: API_PREFIX, method: RequestMethod.GET }],
  });
  app.useGlobalPipes(createValidationPipe());
  const main = app.get(MainPrismaService);
  app.useGlobalFilters(new AllExceptionsFilter({ mainDatabaseUp: () => answers(main.pool, 1_000) }));
  app.enableShutdownHooks();

  // Built on the first request for it (then kept), not at start-up: scanning every controller costs ~230 ms of
  // CPU that a service instance, a test application or a worker never asking for /docs need not pay.
  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });

  if (options.migrate ?? config.DB_MIGRATE_ON_START) {
    await app.get(DatabaseBootstrapService).migrateAll();
  }
  return app;
}
