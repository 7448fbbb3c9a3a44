import pg from 'pg';
import { pgConfigFromUrl } from '../../src/database/sql.js';
import { closeOneIdle, hasIdleConnection } from '../../src/database/budgeted-pool.js';
import { idleClients, pgPoolInternalsVerified, removeIdleClient } from '../../src/patches/pg-pool-internals.js';
import { readState } from '../setup/test-server.js';

describe('integration/patches', () => {
  /**
   * The tenant connection budget closes one chosen idle connection through
   * pg-pool's internals (src/patches/pg-pool-internals.ts). If a pg-pool
   * release changes them, this fails instead of the budget silently turning
   * pressure into waits and 503s.
   */
  describe('pg-pool internals used by the connection budget', () => {
    let pool: pg.Pool;

    beforeAll(() => {
      pool = new pg.Pool({ ...pgConfigFromUrl(readState().adminUrl), max: 3, idleTimeoutMillis: 60_000 });
    });
    afterAll(() => pool.end());

    it('are those of the pinned pg-pool version', () => {
      expect(pgPoolInternalsVerified()).toBe(true);
    });

    it('list idle connections oldest first and close exactly the chosen one', async () => {
      const [c1, c2] = [await pool.connect(), await pool.connect()];
      c1.release();
      c2.release();
      expect(pool.idleCount).toBe(2);
      expect(idleClients(pool)).toEqual([c1, c2]);
      expect(hasIdleConnection(pool)).toBe(true);
      expect(removeIdleClient(pool, c1)).toBe(true);
      expect(removeIdleClient(pool, c1)).toBe(false);
      for (let i = 0; i < 50 && pool.totalCount > 1; i++) await new Promise((r) => setTimeout(r, 10));
      expect(pool.totalCount).toBe(1);
      expect(idleClients(pool)).toEqual([c2]);
      expect(closeOneIdle(pool)).toBe(true);
      for (let i = 0; i < 50 && pool.totalCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect([pool.totalCount, hasIdleConnection(pool), closeOneIdle(pool)]).toEqual([0, false, false]);
    });

    it('never close a connection that is checked out', async () => {
      const busy = await pool.connect();
      expect(removeIdleClient(pool, busy)).toBe(false);
      expect((await busy.query<{ ok: number }>('SELECT 1 AS ok')).rows[0].ok).toBe(1);
      busy.release();
    });
  });
});
