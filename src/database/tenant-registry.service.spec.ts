import { jest } from '@jest/globals';
import { SecretBox } from '../common/secret-box.js';
import { AppConfigService } from '../config/config.service.js';
import type { InvalidationService } from './invalidation.service.js';
import type { MainPrismaService } from './main-prisma.service.js';
import { TenantRegistryService } from './tenant-registry.service.js';

const SECRET = 'registry-spec-secret-0123456789abcdef-0123';
const CLIENT_ID = '3f6c1b9e-2d4a-4c8e-9b1f-5a7d3e2c1b0a';

type Row = {
  id: string;
  slug: string;
  status: string;
  databaseName: string;
  databaseServer: string;
  databaseRole: string;
  databasePasswordEnc: string;
};
const row = (status: string): Row => ({
  id: CLIENT_ID,
  slug: 'acme',
  status,
  databaseName: 'freetimechat_acme',
  databaseServer: 'default',
  databaseRole: 'ftc_acme',
  databasePasswordEnc: new SecretBox(SECRET).seal('tenant password'),
});

/** The registry on a fake main database whose reads answer when the test says, and a fake invalidation feed. */
function registry() {
  const reads: { resolve: (r: Row | null) => void }[] = [];
  const findUnique = jest.fn(() => new Promise<Row | null>((resolve) => reads.push({ resolve })));
  const handlers: ((msg: { kind: string; id: string }) => void)[] = [];
  const service = new TenantRegistryService(
    { client: { findUnique } } as unknown as MainPrismaService,
    { subscribe: (h: (typeof handlers)[number]) => handlers.push(h) } as unknown as InvalidationService,
    new AppConfigService({ DATABASE_URL: 'postgresql://u@127.0.0.1:5432/main', JWT_SECRET: SECRET } as never),
  );
  const invalidate = () => handlers.forEach((h) => h({ kind: 'client', id: CLIENT_ID }));
  /** Lets the pending read answer with `r`; fails when the registry sent none (it answered from its cache). */
  const answer = async (r: Row | null) => {
    for (let turn = 0; reads.length === 0 && turn < 100; turn++) await new Promise((done) => setImmediate(done));
    const read = reads.shift();
    if (!read) throw new Error('the registry sent no read');
    read.resolve(r);
  };
  return { service, findUnique, invalidate, answer };
}

describe('TenantRegistryService', () => {
  it('caches a read, and reads again after an invalidation', async () => {
    const r = registry();
    const first = r.service.get(CLIENT_ID);
    await r.answer(row('active'));
    expect(await first).toMatchObject({ status: 'active', password: 'tenant password' });
    expect((await r.service.get(CLIENT_ID))?.status).toBe('active');
    expect(r.findUnique).toHaveBeenCalledTimes(1);
    r.invalidate();
    const again = r.service.get(CLIENT_ID);
    await r.answer(row('suspended'));
    expect((await again)?.status).toBe('suspended');
  });

  it('does not cache a read that an invalidation overtook: it may hold the row from before the change', async () => {
    const r = registry();
    const stale = r.service.get(CLIENT_ID);
    r.invalidate();
    await r.answer(row('active'));
    expect((await stale)?.status).toBe('active');
    const fresh = r.service.get(CLIENT_ID);
    await r.answer(row('suspended'));
    expect((await fresh)?.status).toBe('suspended');
    expect(r.findUnique).toHaveBeenCalledTimes(2);
  });

  it('shares one read among concurrent callers', async () => {
    const r = registry();
    const callers = [r.service.get(CLIENT_ID), r.service.get(CLIENT_ID), r.service.get(CLIENT_ID)];
    await r.answer(row('active'));
    expect((await Promise.all(callers)).map((x) => x?.status)).toEqual(['active', 'active', 'active']);
    expect(r.findUnique).toHaveBeenCalledTimes(1);
  });

  it('answers null for an unknown client or an id that is no UUID, and caches the unknown one', async () => {
    const r = registry();
    const unknown = r.service.get(CLIENT_ID);
    await r.answer(null);
    expect(await unknown).toBeNull();
    expect(await r.service.get(CLIENT_ID)).toBeNull();
    expect(await r.service.get('../../etc/passwd')).toBeNull();
    expect(r.findUnique).toHaveBeenCalledTimes(1);
  });
});
