import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { Command } from 'commander';
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import type { AppConfig } from '../config/config.js';
import { describeError, exitCodeFor, EXIT_OK } from '../modules/clients/commands/cli-support.js';
import { installPatches } from '../patches/index.js';
import { CliModule } from './cli.module.js';
import { CliProgram } from './cli-program.js';

/** Thrown by the argument check's preAction hook: commander parsed the arguments without a complaint. */
export class ArgumentsValid extends Error {}

function logLevels(config: AppConfig): LogLevel[] {
  if (config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace') return ['error', 'warn', 'log', 'debug'];
  if (config.LOG_LEVEL === 'silent') return [];
  return ['error'];
}

/** `config` on a placeholder database that is never connected to, for the argument check. */
export function argumentCheckConfig(config: Partial<AppConfig>): AppConfig {
  return {
    ...config,
    DATABASE_URL: config.DATABASE_URL ?? 'postgresql://argument-check@127.0.0.1:9/none',
    JWT_SECRET: config.JWT_SECRET ?? 'argument-check-not-a-secret-argument-check',
  } as AppConfig;
}

/**
 * Builds the command tree on `config` and hands commander `argv` (the
 * arguments after the program name). Every failure, commander's own (a
 * missing option, --help) included, is returned rather than exiting the
 * process, so the caller chooses the exit code. With `checkOnly`, stops
 * after commander has checked the arguments (returns ArgumentsValid).
 */
export async function runCommander(argv: readonly string[], config: AppConfig, options: { checkOnly: boolean }): Promise<unknown> {
  installPatches({ planCacheSize: config.PRISMA_PLAN_CACHE_SIZE });
  let failure: unknown = null;
  const app = await CommandFactory.createWithoutRunning(CliModule.forRoot(config), {
    logger: new ConsoleLogger('cli', { logLevels: logLevels(config) }),
    cliName: 'freetimechat',
    serviceErrorHandler: (err: Error) => {
      failure = err;
    },
  });
  try {
    const root = app.get(CliProgram).commander;
    // Commander exits the process itself on parse errors; make every command throw instead, so we choose the code.
    const walk = (c: Command) => {
      c.exitOverride();
      c.commands.forEach(walk);
    };
    walk(root);
    root.name('npm run cli --');
    root.description('FreeTimeChat operations: platform admins, clients (tenants), migrations, demo data');
    root.addHelpText(
      'after',
      '\nExit codes: 0 success, 1 failure, 2 usage error. Run `npm run build` first; `<command> --help` for details.',
    );
    // Commander calls preAction after parsing and checking every option, and before the command runs.
    if (options.checkOnly)
      root.hook('preAction', () => {
        throw new ArgumentsValid();
      });
    await app.get(CommandRunnerService).run(['node', 'cli', ...argv]);
  } catch (err) {
    failure = err;
  } finally {
    await app.close();
  }
  return failure;
}

/** The exit code for a failure (null: success: 0; 1 failure, 2 usage error), with its line on stderr. */
export function report(failure: unknown): number {
  if (!failure) return EXIT_OK;
  const line = describeError(failure);
  if (line) process.stderr.write(line + '\n');
  return exitCodeFor(failure);
}

/**
 * Runs one CLI command in this process on an already resolved configuration
 * and returns its exit code, as `src/cli.ts` does: the arguments first, on a
 * placeholder database, then the command. Output goes to
 * process.stdout/stderr. The CLI tests run commands through it.
 */
export async function runCli(argv: readonly string[], config: AppConfig): Promise<number> {
  const checked = await runCommander(argv, argumentCheckConfig(config), { checkOnly: true });
  if (!(checked instanceof ArgumentsValid)) return report(checked);
  return report(await runCommander(argv, config, { checkOnly: false }));
}
