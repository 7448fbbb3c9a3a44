import { ConflictError, ValidationFailedError } from '../../../common/errors.js';
import { redactSecrets, safeErrorMessage } from '../redact.js';
import { CliFailure, CliUsageError, collect, describeError, exitCodeFor, positiveInt } from './cli-support.js';

describe('CLI exit codes', () => {
  it('maps help to 0, parse problems and bad input to 2, everything else to 1', () => {
    expect(exitCodeFor({ code: 'commander.helpDisplayed', exitCode: 0 })).toBe(0);
    expect(exitCodeFor({ code: 'commander.unknownCommand', exitCode: 1 })).toBe(2);
    expect(exitCodeFor({ code: 'commander.missingMandatoryOptionValue', exitCode: 1 })).toBe(2);
    expect(exitCodeFor(new CliUsageError('x'))).toBe(2);
    expect(exitCodeFor(ValidationFailedError.field('slug', 'bad'))).toBe(2);
    expect(exitCodeFor(new ConflictError('taken'))).toBe(1);
    expect(exitCodeFor(new CliFailure('1 failed'))).toBe(1);
    expect(exitCodeFor(new Error('boom'))).toBe(1);
  });

  it('describes domain errors with their code and leaves commander messages to commander', () => {
    expect(
      describeError(new ConflictError('This slug is already taken', 'CONFLICT', [{ field: 'slug', message: 'slug is already taken' }])),
    ).toBe('error: This slug is already taken (slug: slug is already taken) [CONFLICT]');
    expect(describeError({ code: 'commander.unknownOption', exitCode: 1 })).toBeNull();
  });

  // An operator needs the host that could not be reached, not Prisma's multi-line "Invalid `prisma.client.findMany()` invocation" text.
  it('says where the database could not be reached, without Prisma internals', () => {
    const prisma = Object.assign(
      new Error("\nInvalid `prisma.client.findMany()` invocation:\n\n\nCan't reach database server at 127.0.0.1:5999"),
      {
        code: 'P1001',
      },
    );
    const pg = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' });
    for (const [err, where] of [
      [prisma, '127.0.0.1:5999'],
      [pg, '10.0.0.7:5432'],
    ] as const) {
      const line = describeError(err)!;
      expect(line).toContain(`the database cannot be reached at ${where}`);
      expect(line).not.toMatch(/prisma|invocation|\n/);
    }
  });

  it('collects repeated and comma-separated option values', () => {
    expect(collect('b,c', collect('a', undefined))).toEqual(['a', 'b', 'c']);
  });

  it('accepts only positive integers for counts', () => {
    expect(positiveInt('--concurrency')('8')).toBe(8);
    expect(() => positiveInt('--concurrency')('0')).toThrow(CliUsageError);
    expect(() => positiveInt('--concurrency')('2.5')).toThrow(CliUsageError);
  });
});

describe('redaction', () => {
  // Migration and provisioning errors are stored and shown to admins: a connection URL could carry a password.
  it('cuts connection URLs and password assignments out of error text', () => {
    expect(redactSecrets('connect to postgresql://u:secret@db:5432/x failed')).toBe('connect to [url] failed');
    expect(redactSecrets('password=hunter2 host=db')).toBe('password=[redacted] host=db');
    expect(safeErrorMessage(new Error('x'.repeat(5000)))).toHaveLength(2000);
  });
});
