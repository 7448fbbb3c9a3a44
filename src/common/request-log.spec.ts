import { contextLogFields, requestLogLine } from './request-log.js';
import { RequestContext } from './request-context.js';

describe('request log', () => {
  it('gives a line made outside any request no request fields', () => {
    expect(contextLogFields(RequestContext.current())).toEqual({});
  });

  it('gives a line made during a request its id, and the client and user once they are known', () => {
    const store: Parameters<typeof RequestContext.run>[0] = { requestId: 'r-1' };
    RequestContext.run(store, () => {
      expect(contextLogFields(RequestContext.current())).toEqual({ reqId: 'r-1' });
      store.clientId = 'c-1';
      store.userId = 'u-1';
      store.impersonationSessionId = 'i-1';
      expect(contextLogFields(RequestContext.current())).toEqual({
        reqId: 'r-1',
        clientId: 'c-1',
        userId: 'u-1',
        impersonationSessionId: 'i-1',
      });
    });
  });

  it('logs a finished request with method, path, status, time and who made it', () => {
    const line = requestLogLine({ id: 'r-2', method: 'GET', url: '/api/v1/projects' }, 200, 12.6, {
      requestId: 'r-2',
      clientId: 'c-1',
      userId: 'u-1',
    });
    expect(line).toEqual({
      level: 'info',
      msg: 'request completed',
      fields: { reqId: 'r-2', clientId: 'c-1', userId: 'u-1', method: 'GET', url: '/api/v1/projects', statusCode: 200, responseTime: 13 },
    });
  });

  // A query string may carry what a user searched for or a one-time value: the path only.
  it('never logs the query string', () => {
    const line = requestLogLine({ id: 'r', method: 'GET', url: '/api/v1/time-entries?from=2026-01-01&q=secret' }, 200, 1, undefined);
    expect(line!.fields.url).toBe('/api/v1/time-entries');
    expect(JSON.stringify(line)).not.toContain('secret');
  });

  it('logs a server error at error level and a client error at info level', () => {
    expect(requestLogLine({ id: 'r', method: 'POST', url: '/api/v1/projects' }, 503, 1, undefined)).toMatchObject({
      level: 'error',
      msg: 'request errored',
    });
    expect(requestLogLine({ id: 'r', method: 'POST', url: '/api/v1/projects' }, 422, 1, undefined)).toMatchObject({ level: 'info' });
  });

  it('does not log probes and metric scrapes', () => {
    for (const url of ['/metrics', '/api/v1/health', '/api/v1/health/ready', '/API/V1/Health']) {
      expect(requestLogLine({ id: 'r', method: 'GET', url }, 200, 1, undefined)).toBeNull();
    }
  });
});
