import { Clock } from '../../../common/clock.js';
import type { MainPrismaService } from '../../../database/main-prisma.service.js';
import type { JobQueueService } from './job-queue.service.js';
import type { JobsRepository } from './jobs.repository.js';
import { JobsService } from './jobs.service.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A job repository that writes progress after a delay given per report, and notes the progress when the job finishes. */
function fakeRepository(delayFor: (done: number) => number) {
  const state = { progress: -1, atFinish: undefined as number | undefined, status: undefined as string | undefined };
  const repository = {
    lockAttempt: () => Promise.resolve(() => Promise.resolve()),
    markRunning: () => Promise.resolve({ clientId: null, data: {}, checkpoint: null }),
    progress: async (_id: string, done: number) => {
      await sleep(delayFor(done));
      state.progress = done;
    },
    finish: (_id: string, outcome: { status: string }) => {
      state.atFinish = state.progress;
      state.status = outcome.status;
      return Promise.resolve();
    },
  };
  const service = new JobsService(repository as unknown as JobsRepository, {} as JobQueueService, {} as MainPrismaService, new Clock());
  return { service, state };
}

describe('JobsService progress reports', () => {
  it('writes reports made at once in the order they were made, even when an earlier write is slower', async () => {
    const { service, state } = fakeRepository((done) => (done === 1 ? 40 : 1));
    service.register('clients.migrate.batch', async (ctx) => {
      await Promise.all([ctx.progress(1, 2), ctx.progress(2, 2)]);
      return {};
    });
    await service.execute('job-1', 'clients.migrate.batch');
    expect(state.progress).toBe(2);
    expect(state.atFinish).toBe(2);
  });

  it('finishes a job only once every report it made is written, awaited or not, also when it fails', async () => {
    for (const fails of [false, true]) {
      const { service, state } = fakeRepository(() => 30);
      service.register('clients.migrate.batch', (ctx) => {
        void ctx.progress(1, 1);
        return fails ? Promise.reject(new Error('boom')) : Promise.resolve({});
      });
      await service.execute('job-2', 'clients.migrate.batch');
      expect(state).toEqual({ progress: 1, atFinish: 1, status: fails ? 'failed' : 'succeeded' });
    }
  });
});
