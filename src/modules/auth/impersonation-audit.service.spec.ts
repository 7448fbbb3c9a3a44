import { EventEmitter } from 'node:events';
import { jest } from '@jest/globals';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MainPrismaService } from '../../database/main-prisma.service.js';
import { ImpersonationAuditService } from './impersonation-audit.service.js';

const SESSION_ID = '16fd2706-8baf-433b-82eb-8c7fada847da';

function audit() {
  const create = jest.fn(async (_args: { data: Record<string, unknown> }) => ({}));
  const service = new ImpersonationAuditService({ impersonationRequest: { create } } as unknown as MainPrismaService);
  const recorded = () => create.mock.calls.map(([{ data }]) => [data.method, data.path, data.status]);
  return { service, recorded };
}

/** A request and its reply, the raw response in the state given. */
function exchange(state: { writableFinished?: boolean; destroyed?: boolean; statusCode?: number } = {}) {
  const raw = Object.assign(new EventEmitter(), { writableFinished: false, destroyed: false, statusCode: 200, ...state });
  const req = { method: 'PATCH', url: '/api/v1/projects/p1?fields=name' } as FastifyRequest;
  return { req, reply: { raw } as unknown as FastifyReply, raw };
}

describe('ImpersonationAuditService.track', () => {
  it('records a request once its answer has gone out, with its status and the path without the query', async () => {
    const a = audit();
    const { req, reply, raw } = exchange();
    a.service.track(SESSION_ID, req, reply);
    expect(a.recorded()).toEqual([]);
    Object.assign(raw, { writableFinished: true, statusCode: 204 });
    raw.emit('close');
    await a.service.flush();
    expect(a.recorded()).toEqual([['PATCH', '/api/v1/projects/p1', 204]]);
  });

  it('records 499 when the caller went away before the answer', async () => {
    const a = audit();
    const { req, reply, raw } = exchange();
    a.service.track(SESSION_ID, req, reply);
    raw.emit('close');
    await a.service.flush();
    expect(a.recorded()).toEqual([['PATCH', '/api/v1/projects/p1', 499]]);
  });

  it('records at once a request whose connection was done with it before it was tracked', async () => {
    const a = audit();
    const answered = exchange({ writableFinished: true, statusCode: 403 });
    const abandoned = exchange({ destroyed: true });
    a.service.track(SESSION_ID, answered.req, answered.reply);
    a.service.track(SESSION_ID, abandoned.req, abandoned.reply);
    await a.service.flush();
    expect(a.recorded()).toEqual([
      ['PATCH', '/api/v1/projects/p1', 403],
      ['PATCH', '/api/v1/projects/p1', 499],
    ]);
  });
});
