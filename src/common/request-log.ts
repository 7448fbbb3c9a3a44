import type { RequestContextStore } from './request-context.js';

/**
 * What the logs say about requests. There is no per-request logger: pino-http
 * built two or three child loggers per request (serializing and redacting
 * their bindings) even when nothing was logged, ~8 % of the CPU of a read
 * (bench/profile.js). A line made during a request gets the request's fields
 * from pino's `mixin` (read only when a line is written), and one line per
 * finished request is written by an `onResponse` hook (app.factory.ts).
 */

/** The fields of the request a log line is made in (empty outside requests). */
export function contextLogFields(store: RequestContextStore | undefined): Record<string, string> {
  if (!store) return {};
  const fields: Record<string, string> = { reqId: store.requestId };
  if (store.clientId) fields.clientId = store.clientId;
  if (store.userId) fields.userId = store.userId;
  if (store.impersonationSessionId) fields.impersonationSessionId = store.impersonationSessionId;
  return fields;
}

/** The level a finished request is logged at: 5xx at error level. */
export function requestLogLevel(statusCode: number): 'info' | 'error' {
  return statusCode >= 500 ? 'error' : 'info';
}

export interface RequestLogLine {
  level: 'info' | 'error';
  fields: Record<string, unknown>;
  msg: string;
}

/**
 * The line for a finished request: method, path (never the query string, which
 * may carry search terms), status and time; 5xx at error level. Probes and
 * metric scrapes are not logged.
 */
export function requestLogLine(
  req: { id: string; method: string; url: string },
  statusCode: number,
  elapsedMs: number,
  store: RequestContextStore | undefined,
): RequestLogLine | null {
  const path = req.url.split('?')[0];
  if (path === '/metrics' || path.toLowerCase().startsWith('/api/v1/health')) return null;
  const level = requestLogLevel(statusCode);
  return {
    level,
    fields: {
      // Flat fields: no `req`/`res` objects for pino to serialize.
      ...contextLogFields(store),
      reqId: req.id,
      method: req.method,
      url: path,
      statusCode,
      responseTime: Math.round(elapsedMs),
    },
    msg: level === 'error' ? 'request errored' : 'request completed',
  };
}
