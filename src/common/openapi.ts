import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = {
  parameters?: { in?: string }[];
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
 * Completes what every operation answers but few declare one by one:
 * - 400 VALIDATION_FAILED wherever a request body or query parameters are
 *   read (the global validation pipe refuses wrong types and unknown fields);
 * - error responses are JSON (ErrorResponseDto) also on an operation whose
 *   success is another type (the CSV export's 401/403 were listed as text/csv);
 * - every write of a signed-in caller (non-GET with a bearer token) is rate
 *   limited: RateLimit-* headers on its answers and 429 RATE_LIMITED.
 */
export function completeErrorResponses(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item as Record<string, Operation>)) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      const readsInput = op.requestBody !== undefined || (op.parameters ?? []).some((p) => p.in === 'query');
      if (readsInput && !op.responses['400']) {
        op.responses['400'] = { description: 'VALIDATION_FAILED: a wrong type, a missing or unknown field', content: ERROR_BODY };
      }
      const method = Object.entries(item as Record<string, Operation>).find(([, o]) => o === op)?.[0];
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
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400 && response.content && !('application/json' in response.content)) response.content = ERROR_BODY;
      }
    }
  }
  return document;
}
