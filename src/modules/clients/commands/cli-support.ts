import Table from 'cli-table3';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainError, ValidationFailedError } from '../../../common/errors.js';
import { toDetails } from '../../../common/validation.js';
import { isDatabaseUnavailable } from '../../../common/prisma-errors.js';

/** Exit codes scripts can rely on. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Wrong or missing arguments: exit code 2. */
export class CliUsageError extends Error {}

/** The command ran but did not succeed (e.g. a tenant failed to migrate): exit code 1, message already printed. */
export class CliFailure extends Error {}

interface CommanderLikeError {
  code?: unknown;
  exitCode?: unknown;
}

/** Exit code for whatever a command (or commander itself) threw. */
export function exitCodeFor(err: unknown): number {
  const e = err as CommanderLikeError;
  if (typeof e?.code === 'string' && e.code.startsWith('commander.')) {
    // --help / --version exit 0; any parse problem is a usage error.
    return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  if (err instanceof CliUsageError || err instanceof ValidationFailedError) return EXIT_USAGE;
  return EXIT_FAILURE;
}

/** One line for stderr describing a failure (commander prints its own). */
export function describeError(err: unknown): string | null {
  const e = err as CommanderLikeError;
  if (typeof e?.code === 'string' && e.code.startsWith('commander.')) return null;
  if (err instanceof CliFailure) return err.message || null;
  if (err instanceof DomainError) {
    const details = err.details?.map((d) => `${d.field}: ${d.message}`).join('; ');
    return `error: ${err.message}${details && details !== err.message ? ` (${details})` : ''} [${err.code}]`;
  }
  if (isDatabaseUnavailable(err)) {
    // Prisma's own text names the failed call and spans lines; the operator needs where and what to check.
    const where = /(?:server at|connect \w+)\s+`?([\w.-]+:\d+)/.exec(err instanceof Error ? err.message : '')?.[1];
    return `error: the database cannot be reached${where ? ` at ${where}` : ''}; is PostgreSQL running, and are DATABASE_URL / TENANT_DATABASE_SERVERS right?`;
  }
  return `error: ${err instanceof Error ? err.message : String(err)}`;
}

export function print(line = ''): void {
  process.stdout.write(line + '\n');
}

export function printTable(head: string[], rows: (string | number | null | undefined)[][]): void {
  const table = new Table({
    head,
    style: { head: process.stdout.isTTY ? ['cyan'] : [], border: process.stdout.isTTY ? ['grey'] : [] },
    wordWrap: true,
  });
  for (const row of rows) table.push(row.map((c) => (c === null || c === undefined ? '' : String(c))));
  print(table.toString());
}

/** Repeatable / variadic option values, also accepting "a,b". */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

export function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new CliUsageError(`${name} must be a positive integer`);
    return Number(value);
  };
}

export function truncate(text: string | null, max: number): string {
  if (!text) return '';
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

/**
 * Checks command-line input with the DTO the REST route validates the same
 * input with, so the CLI accepts nothing the API would refuse (a short
 * password, a bad e-mail or time zone); a ValidationFailedError exits 2.
 */
export async function validatedAs<T extends object>(dto: ClassConstructor<T>, plain: object): Promise<T> {
  const instance = plainToInstance(dto, plain);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const details = toDetails(errors);
    throw new ValidationFailedError(details[0]?.message ?? 'Invalid arguments', details);
  }
  return instance;
}
