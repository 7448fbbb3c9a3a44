import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ErrorResponseDto } from './dto/error-response.dto.js';

type Operation = {
  parameters?: { in?: string; name?: string }[];
  requestBody?: unknown;
  responses?: Record<string, { description?: string; content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
  security?: { bearer?: unknown }[];
};

/** The headers every rate-limited route sends (IETF draft "RateLimit header fields"). */
export const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': {
    description: 'Requests allowed in the current window (the tightest limit that applies)',
    schema: { type: 'integer' },
  },
  'RateLimit-Remaining': { description: 'Requests left in the current window', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the current window ends', schema: { type: 'integer' } },
};

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } };

const ERROR_BODY = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } };

/**
 * Every tag a controller uses (`@ApiTags`), with what it groups. Declared here
 * so the document lists them in this order with a description; a tag used by
 * a controller but missing here fails the OpenAPI lint (operation-tag-defined).
 */
export const API_TAGS: readonly { name: string; description: string }[] = [
  {
    name: 'auth',
    description: 'Sign-up, sign-in with optional TOTP two-factor authentication, token refresh and rotation, sessions and passwords.',
  },
  { name: 'users', description: "The users of the caller's client: create, change, deactivate, and assign roles." },
  { name: 'roles', description: 'Roles as sets of capabilities: the read-only system roles, client roles, and the capability catalog.' },
  { name: 'projects', description: 'Projects of the client and their members; archived projects take no new time.' },
  { name: 'tasks', description: 'Tasks within projects, optionally assigned to a user of the client.' },
  {
    name: 'time-entries',
    description: 'Logged time: timed entries, duration-only entries and one running timer per user, with overlap and ownership rules.',
  },
  { name: 'reports', description: 'Time summaries grouped by project, task, user, day or week, and the CSV export.' },
  { name: 'chat', description: 'Conversations with the assistant, which logs time, runs timers and answers questions about hours.' },
  {
    name: 'webhooks',
    description:
      'Signed HTTP callbacks (Standard Webhooks) for changes of time entries, timers and projects: endpoints, the delivery log, pings and redelivery.',
  },
  {
    name: 'impersonation',
    description: 'Acting as another user for support, with a short-lived token and an audit trail of every request.',
  },
  {
    name: 'clients',
    description: 'Tenant management for platform admins: create, suspend, migrate and delete clients and their databases.',
  },
  { name: 'jobs', description: 'Long tenant database operations (backups, restores, migrations) as durable jobs, for platform admins.' },
  { name: 'operations', description: 'Liveness and readiness probes and Prometheus metrics.' },
];

/**
 * The OpenAPI document served at /docs-json, built from the controllers'
 * decorators and completed by the rules below.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('FreeTimeChat API')
    .setDescription(
      'Multi-tenant time tracking with a chat assistant. Every error has the body ErrorResponse. ' +
        'Lists are paginated with `limit` (default 50, max 200) and an opaque `cursor`; responses are `{data, nextCursor}`. ' +
        'Unknown body properties are refused (400 VALIDATION_FAILED), also on routes that take no body (their body may be absent or `{}`); ' +
        'a request without any body counts as `{}`.',
    )
    .setVersion('1.0')
    // package.json's licence: UNLICENSED, i.e. no licence is granted to use the service or its code; the URL
    // is npm's definition of that value, as there is no licence text to link.
    .setLicense('UNLICENSED', 'https://docs.npmjs.com/cli/configuring-npm/package-json#license')
    // Relative: the document is served by the service it describes, so its origin is the API's.
    .addServer('/', 'This service (paths carry the /api/v1 prefix)')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'The accessToken from signup, login, 2FA verify or refresh',
    })
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for GET /metrics' }, 'metrics');
  for (const tag of API_TAGS) builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build(), { extraModels: [ErrorResponseDto] });
  return markPublicOperations(documentConditionalRequests(documentIdempotencyKeys(completeErrorResponses(document))));
}

/**
 * Completes what every operation answers but few declare one by one:
 * - 400 VALIDATION_FAILED wherever a request body or query parameters are
 *   read (the global validation pipe refuses wrong types and unknown fields);
 * - error responses are JSON (ErrorResponseDto) also on an operation whose
 *   success is another type (the CSV export's 401/403 were listed as text/csv);
 * - every write of a signed-in caller (non-GET with a bearer token) is rate
 *   limited: RateLimit-* headers on its answers and 429 RATE_LIMITED.
 */
export function completeErrorResponses(document: OpenAPIObject): OpenAPIObject {
  for (const [method, op] of methodsAndOperations(document)) {
    if (!op.responses) continue;
    const readsInput = op.requestBody !== undefined || (op.parameters ?? []).some((p) => p.in === 'query');
    if (readsInput && !op.responses['400']) {
      op.responses['400'] = { description: 'VALIDATION_FAILED: a wrong type, a missing or unknown field', content: ERROR_BODY };
    }
    const signedIn = (op.security ?? []).some((s) => 'bearer' in s);
    if (method !== 'get' && signedIn) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 300) response.headers = { ...RATE_LIMIT_HEADERS, ...response.headers };
      }
      op.responses['429'] ??= {
        description: 'RATE_LIMITED: over WRITE_RATE_LIMIT writes by this user or CLIENT_WRITE_RATE_LIMIT in this client per minute',
        content: ERROR_BODY,
      };
      op.responses['429'].headers = { ...RATE_LIMIT_HEADERS, ...RETRY_AFTER, ...op.responses['429'].headers };
      op.responses['503'] ??= {
        description:
          "CLIENT_MAINTENANCE: the caller's client is in maintenance (read-only; see Retry-After), or its database cannot be reached " +
          '(TENANT_DATABASE_UNAVAILABLE), or the main database is down (SERVICE_UNAVAILABLE)',
        content: ERROR_BODY,
      };
      op.responses['503'].headers = { ...RETRY_AFTER, ...op.responses['503'].headers };
    }
    for (const [status, response] of Object.entries(op.responses)) {
      if (Number(status) >= 400 && response.content && !('application/json' in response.content)) response.content = ERROR_BODY;
    }
  }
  return document;
}

/**
 * An operation without a security requirement is public and says so with
 * `security: []`. This follows the runtime: `@RequireCapabilities()` is the
 * only way a route gets the authentication guards, and it always adds the
 * bearer requirement to the document, so a route without one runs no guard.
 */
export function markPublicOperations(document: OpenAPIObject): OpenAPIObject {
  for (const op of operations(document)) {
    if (!op.security) op.security = [];
  }
  return document;
}

/** Every operation of the document. */
function operations(document: OpenAPIObject): Operation[] {
  return methodsAndOperations(document).map(([, op]) => op);
}

/** Every operation of the document with its HTTP method. */
function methodsAndOperations(document: OpenAPIObject): [string, Operation][] {
  const found: [string, Operation][] = [];
  for (const item of Object.values(document.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      if (op && typeof op === 'object' && op.responses) found.push([method, op]);
    }
  }
  return found;
}

/**
 * `Idempotency-Key` on every POST of a signed-in caller (IdempotencyInterceptor):
 * the header, the replay marker on success answers, and the 409s it adds.
 */
export function documentIdempotencyKeys(document: OpenAPIObject): OpenAPIObject {
  for (const [method, op] of methodsAndOperations(document)) {
    const signedIn = (op.security ?? []).some((s) => 'bearer' in s);
    if (method !== 'post' || !signedIn || !op.responses) continue;
    op.parameters = [
      ...(op.parameters ?? []),
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Makes the POST safe to retry: a repeat by the same user with the same key, method, path and body within 24 hours gets the first answer ' +
          '(status and body, with `Idempotent-Replayed: true`) and does nothing again; requests arriving at once with one key run once and all get that answer. ' +
          '1–255 printable ASCII characters, e.g. a UUID. Answers 400 VALIDATION_FAILED and 429 and 5xx are not kept (the key can be retried).',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
        example: '5f0c2a8e-1b7d-4c1e-9f5a-2d3b4c5d6e7f',
      } as { in: string; name: string },
    ];
    for (const [status, response] of Object.entries(op.responses)) {
      if (Number(status) < 300) {
        response.headers = {
          ...response.headers,
          'Idempotent-Replayed': {
            description: '`true` when this is the kept answer of an earlier request with the same Idempotency-Key',
            schema: { type: 'string', enum: ['true'] },
          },
        };
      }
    }
    const reuse =
      'IDEMPOTENCY_KEY_REUSED: the Idempotency-Key was used by this user for another request within 24 hours; CONFLICT: the first request with this key is still running after 30 s';
    const conflict = op.responses['409'];
    if (conflict) conflict.description = `${conflict.description ?? ''}; ${reuse}`;
    else op.responses['409'] = { description: reuse, content: ERROR_BODY };
  }
  return document;
}

/**
 * ETags and conditional requests on the operations marked by
 * `@ConditionalRead()` / `@ConditionalWrite()` (the `x-ftc-conditional`
 * extension, removed here): `ETag` on the answers, `If-None-Match` → 304 on
 * reads, `If-Match` → 412 PRECONDITION_FAILED on writes.
 */
export function documentConditionalRequests(document: OpenAPIObject): OpenAPIObject {
  const etag = { ETag: { description: 'Strong entity tag of the representation in this answer', schema: { type: 'string' } } };
  for (const [method, op] of methodsAndOperations(document)) {
    const marked = op as Operation & { 'x-ftc-conditional'?: 'read' | 'write' };
    const kind = marked['x-ftc-conditional'];
    if (!kind || !op.responses) continue;
    delete marked['x-ftc-conditional'];
    if (kind === 'read') {
      op.parameters = [
        ...(op.parameters ?? []),
        {
          name: 'If-None-Match',
          in: 'header',
          required: false,
          description: 'ETags of representations the caller holds (or `*`): when one is current the answer is 304 without a body',
          schema: { type: 'string' },
        } as { in: string; name: string },
      ];
      if (op.responses['200']) op.responses['200'].headers = { ...etag, ...op.responses['200'].headers };
      op.responses['304'] = { description: 'Not modified: the representation is the one If-None-Match names', headers: etag };
    } else {
      op.parameters = [
        ...(op.parameters ?? []),
        {
          name: 'If-Match',
          in: 'header',
          required: false,
          description:
            'Apply only if the resource is still this ETag (from its GET, or `*`); otherwise 412 PRECONDITION_FAILED and nothing changes. ' +
            'Of concurrent writes sent with the same ETag exactly one applies.',
          schema: { type: 'string' },
        } as { in: string; name: string },
      ];
      if (method === 'patch' || method === 'put') {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) < 300 && status !== '204') response.headers = { ...etag, ...response.headers };
        }
      }
      op.responses['412'] = {
        description: 'PRECONDITION_FAILED: If-Match does not name the current ETag; nothing changed',
        content: ERROR_BODY,
      };
    }
  }
  return document;
}
