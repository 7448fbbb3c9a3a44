import type { OpenAPIObject } from '@nestjs/swagger';

type Operation = {
  parameters?: { in?: string }[];
  requestBody?: unknown;
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
  security?: unknown[];
};

const ERROR_BODY = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDto' } } };

/**
 * Completes what every operation answers but few declare one by one:
 * - 400 VALIDATION_FAILED wherever a request body or query parameters are
 *   read (the global validation pipe refuses wrong types and unknown fields);
 * - error responses are JSON (ErrorResponseDto) also on an operation whose
 *   success is another type (the CSV export's 401/403 were listed as text/csv).
 */
export function completeErrorResponses(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item as Record<string, Operation>)) {
      if (!op || typeof op !== 'object' || !op.responses) continue;
      const readsInput = op.requestBody !== undefined || (op.parameters ?? []).some((p) => p.in === 'query');
      if (readsInput && !op.responses['400']) {
        op.responses['400'] = { description: 'VALIDATION_FAILED: a wrong type, a missing or unknown field', content: ERROR_BODY };
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400 && response.content && !('application/json' in response.content)) response.content = ERROR_BODY;
      }
    }
  }
  return document;
}
