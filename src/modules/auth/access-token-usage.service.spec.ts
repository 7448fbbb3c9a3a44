import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AccessTokenUsageService, LAST_USE_FLUSH_MS } from './access-token-usage.service.js';
import { AccessTokensRepository } from './access-tokens.repository.js';

type Use = { id: string; at: Date };

/** The repository's one write, recorded; `failNext` makes the next write fail as a lost connection would, after running `during`. */
class FakeTokens {
  writes: Use[][] = [];
  failNext = false;
  during: () => void = () => undefined;
  async recordLastUses(uses: Use[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      this.during();
      throw new Error('connection terminated');
    }
    this.writes.push(uses);
  }
}

async function usage(): Promise<{ service: AccessTokenUsageService; tokens: FakeTokens }> {
  const tokens = new FakeTokens();
  const module = await Test.createTestingModule({
    providers: [AccessTokenUsageService, { provide: AccessTokensRepository, useValue: tokens }],
  }).compile();
  return { service: module.get(AccessTokenUsageService), tokens };
}

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe('AccessTokenUsageService', () => {
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('writes the latest use of each token once per interval, in one write, and nothing when nothing was used', async () => {
    jest.useFakeTimers();
    const { service, tokens } = await usage();
    service.onModuleInit();
    service.touch('a', at(1));
    service.touch('b', at(2));
    service.touch('a', at(3));
    await jest.advanceTimersByTimeAsync(LAST_USE_FLUSH_MS - 1);
    expect(tokens.writes).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(tokens.writes).toEqual([
      [
        { id: 'a', at: at(3) },
        { id: 'b', at: at(2) },
      ],
    ]);
    await jest.advanceTimersByTimeAsync(LAST_USE_FLUSH_MS * 3);
    expect(tokens.writes).toHaveLength(1);
    await service.onModuleDestroy();
  });

  it('keeps the uses of a failed write for the next one, without overwriting a use noted during the write', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { service, tokens } = await usage();
    service.touch('a', at(1));
    service.touch('b', at(2));
    tokens.failNext = true;
    tokens.during = () => service.touch('a', at(5));
    await service.flush();
    expect(tokens.writes).toEqual([]);
    await service.flush();
    expect(tokens.writes).toEqual([
      [
        { id: 'a', at: at(5) },
        { id: 'b', at: at(2) },
      ],
    ]);
  });

  it('writes what is pending at shutdown and stops its timer', async () => {
    jest.useFakeTimers();
    const { service, tokens } = await usage();
    service.onModuleInit();
    service.touch('a', at(1));
    await service.onModuleDestroy();
    expect(tokens.writes).toEqual([[{ id: 'a', at: at(1) }]]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
