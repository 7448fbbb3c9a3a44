import { constraintViolation, isDatabaseUnavailable, mapPrismaError } from './prisma-errors.js';

/**
 * The shapes the service meets: node-postgres' DatabaseError (SQLSTATE in `code`, the constraint in
 * `constraint`), and Prisma's errors through the pg driver adapter (Prisma's code on top, PostgreSQL's
 * SQLSTATE and message as `originalCode`/`originalMessage` under `meta.driverAdapterError.cause`).
 * Several of these arise only when a race goes one way (a concurrent delete, a deadlock), so the e2e
 * specs reach them only sometimes; here each one is pinned.
 */
const pgError = (code: string, message: string, constraint?: string) => Object.assign(new Error(message), { code, constraint });
const viaAdapter = (code: string, message: string, cause: Record<string, unknown>) =>
  Object.assign(new Error(message), { code, meta: { modelName: 'User', driverAdapterError: { name: 'DriverAdapterError', cause } } });
const cyclic = (code: string) => {
  const e: Record<string, unknown> = { code };
  e.cause = e;
  e.meta = e;
  return e;
};
const nested = (depth: number, leaf: Record<string, unknown>): Record<string, unknown> =>
  depth === 0 ? leaf : { message: 'wrapped', cause: nested(depth - 1, leaf) };

describe('isDatabaseUnavailable', () => {
  it.each<[string, unknown, boolean]>([
    ['a refused connection', { code: 'ECONNREFUSED' }, true],
    ['PostgreSQL shutting down (57P01)', pgError('57P01', 'terminating connection due to administrator command'), true],
    ['a dropped database through Prisma (P1003)', { code: 'P1003' }, true],
    ['a dropped database under an adapter error', viaAdapter('P2010', 'Raw query failed', { originalCode: '3D000' }), true],
    ['a SQLSTATE in meta.code', { code: 'P2010', meta: { code: '53300' } }, true],
    ['a code on a cause', { message: 'query failed', cause: { code: 'ECONNRESET' } }, true],
    ['a terminated connection, by its message', new Error('Connection terminated unexpectedly'), true],
    ['CONNECT revoked, by its message', pgError('42501', 'permission denied for database "freetimechat_x"'), true],
    ['a database not accepting connections', pgError('55000', 'database "x" is not currently accepting connections'), true],
    ['a table privilege refused (same SQLSTATE, a query error)', pgError('42501', 'permission denied for table users'), false],
    ['a unique violation', pgError('23505', 'duplicate key value violates unique constraint "users_email_key"'), false],
    ['a code more than five causes down', nested(6, { code: 'ECONNREFUSED' }), false],
    ['a cause cycle', cyclic('XX000'), false],
    ['null', null, false],
    ['a string', 'ECONNREFUSED', false],
  ])('%s → %s', (_, err, expected) => {
    expect(isDatabaseUnavailable(err)).toBe(expected);
  });
});

describe('constraintViolation', () => {
  it.each<[string, unknown, { sqlState: string; constraint?: string } | null]>([
    [
      'node-postgres, constraint named',
      pgError('23505', 'duplicate key value violates unique constraint "users_email_key"', 'users_email_key'),
      { sqlState: '23505', constraint: 'users_email_key' },
    ],
    [
      'node-postgres, constraint only in the message',
      pgError('23503', 'insert or update on table "tasks" violates foreign key constraint "tasks_project_id_fkey"'),
      { sqlState: '23503', constraint: 'tasks_project_id_fkey' },
    ],
    [
      "Prisma's P2002 through the adapter: the constraint from PostgreSQL's message, not the columns",
      viaAdapter('P2002', 'Unique constraint failed on the fields: (`email`)', {
        originalCode: '23505',
        originalMessage: 'duplicate key value violates unique constraint "users_email_key"',
        kind: 'UniqueConstraintViolation',
        constraint: { fields: ['email'] },
      }),
      { sqlState: '23505', constraint: 'users_email_key' },
    ],
    [
      'P2002 naming only its target columns',
      { code: 'P2002', message: 'Unique constraint failed', meta: { target: ['client_id', 'slug'] } },
      { sqlState: '23505', constraint: 'client_id,slug' },
    ],
    [
      'P2002 with a target string',
      { code: 'P2002', message: 'Unique constraint failed', meta: { target: 'projects_name_key' } },
      { sqlState: '23505', constraint: 'projects_name_key' },
    ],
    ['P2003', { code: 'P2003', message: 'Foreign key constraint violated' }, { sqlState: '23503' }],
    [
      'an exclusion constraint, by its message',
      new Error('conflicting key value violates exclusion constraint "no_overlapping_timers"'),
      { sqlState: '23P01', constraint: 'no_overlapping_timers' },
    ],
    [
      'a check constraint on a cause, by its message',
      { message: 'failed', cause: new Error('new row violates check constraint "positive_duration"') },
      { sqlState: '23514', constraint: 'positive_duration' },
    ],
    ['a duplicate key with no constraint named', new Error('duplicate key'), { sqlState: '23505' }],
    ['a foreign key by its message', new Error('violates foreign key constraint "fk"'), { sqlState: '23503', constraint: 'fk' }],
    ['a serialization failure', pgError('40001', 'could not serialize access'), null],
    ['a cause cycle', cyclic('XX000'), null],
    ['null', null, null],
  ])('%s', (_, err, expected) => {
    const found = constraintViolation(err);
    if (expected === null) expect(found).toBeNull();
    else expect({ ...found }).toEqual(expect.objectContaining(expected));
    if (expected && !('constraint' in expected)) expect(found?.constraint).toBeUndefined();
  });
});

describe('mapPrismaError', () => {
  it.each<[string, unknown, [number, string, string] | null]>([
    ['an unreachable database: left to the unavailability handling', { code: 'ECONNREFUSED' }, null],
    ['a unique violation', pgError('23505', 'duplicate key'), [409, 'CONFLICT', 'The request conflicts with existing data']],
    // By its SQLSTATE alone (class 23 has letters too: 23P01), whatever language the server's messages are in.
    [
      'an exclusion violation',
      pgError('23P01', 'konfliktierender Schlüsselwert'),
      [409, 'CONFLICT', 'The request conflicts with existing data'],
    ],
    [
      'a row referenced, deleted by a concurrent request',
      viaAdapter('P2003', 'Foreign key constraint violated', {
        originalCode: '23503',
        originalMessage: 'violates foreign key constraint "fk"',
      }),
      [409, 'CONFLICT', 'A referenced resource no longer exists'],
    ],
    [
      'a deadlock under an adapter error',
      viaAdapter('P2010', 'Raw query failed', { originalCode: '40P01' }),
      [409, 'CONFLICT', 'The resource was changed by a concurrent request; retry'],
    ],
    [
      'a serialization failure',
      pgError('40001', 'could not serialize'),
      [409, 'CONFLICT', 'The resource was changed by a concurrent request; retry'],
    ],
    ['a record not found (P2025)', { code: 'P2025', message: 'not found' }, [404, 'NOT_FOUND', 'Resource not found']],
    ...(['22P02', '22007', '22008', '22003'] as const).map((code): [string, unknown, [number, string, string]] => [
      `an invalid value (${code})`,
      pgError(code, 'invalid'),
      [400, 'VALIDATION_FAILED', 'Invalid value'],
    ]),
    [
      'a NUL byte PostgreSQL cannot store (22021, under a cause)',
      { message: 'failed', cause: { code: '22021' } },
      [400, 'VALIDATION_FAILED', 'Text contains characters that cannot be stored'],
    ],
    [
      'a lone surrogate, by its message',
      new Error('lone leading surrogate in hex escape'),
      [400, 'VALIDATION_FAILED', 'Text contains characters that cannot be stored'],
    ],
    ['anything else', pgError('XX000', 'internal error'), null],
  ])('%s', (_, err, expected) => {
    const mapped = mapPrismaError(err);
    if (expected === null) expect(mapped).toBeNull();
    else expect([mapped?.status, mapped?.code, mapped?.message]).toEqual(expected);
  });
});
