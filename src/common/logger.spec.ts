import { pino } from 'pino';
import { Writable } from 'node:stream';
import { NestPinoLogger } from './logger.js';

function capture(): { logger: NestPinoLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: new NestPinoLogger(pino({ level: 'trace' }, sink)), lines };
}

describe('NestPinoLogger', () => {
  it("writes Nest's context (the last argument) as a field", () => {
    const { logger, lines } = capture();
    logger.log('Nest application successfully started', 'NestApplication');
    expect(lines[0]).toMatchObject({ level: 30, msg: 'Nest application successfully started', context: 'NestApplication' });
  });

  it("turns the exception handlers' (message, stack, context) into an error with that stack", () => {
    const { logger, lines } = capture();
    logger.error('boom', 'Error: boom\n    at somewhere (file.js:1:1)', 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({
      level: 50,
      context: 'ExceptionsHandler',
      err: { message: 'boom', stack: expect.stringContaining('at somewhere') },
    });
  });

  it('logs an Error as err and an object as fields', () => {
    const { logger, lines } = capture();
    logger.warn(new Error('bad'), 'Ctx');
    logger.debug({ tenant: 'a' });
    expect(lines[0]).toMatchObject({ level: 40, context: 'Ctx', err: { message: 'bad' } });
    expect(lines[1]).toMatchObject({ level: 20, tenant: 'a' });
  });
});
