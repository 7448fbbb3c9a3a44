import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import type { Command } from 'commander';
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import type { AppConfig } from '../config/config.js';
import { describeError, exitCodeFor, EXIT_FAILURE, EXIT_OK } from '../modules/clients/commands/cli-support.js';
import { installPatches } from '../patches/index.js';
import { CliArgumentsModule } from './cli-arguments.module.js';
import { CliModule } from './cli.module.js';
import { CliProgram } from './cli-program.js';

/** Thrown by the argument check's preAction hook: commander parsed the arguments without a complaint. */
export class ArgumentsValid extends Error {}

function logLevels(config: AppConfig): LogLevel[] {
  if (config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace') return ['error', 'warn', 'log', 'debug'];
  if (config.LOG_LEVEL === 'silent') return [];
  return ['error'];
}

/**
 * Builds the command tree and hands commander `argv` (the arguments after
 * the program name). Every failure, commander's own (a missing option,
 * --help) included, is returned rather than exiting the process, so the
 * caller chooses the exit code. With `checkOnly`, the tree alone
 * (CliArgumentsModule), stopping once commander has checked the arguments
 * (returns ArgumentsValid); else the application context on `config`, which
 * runs the command.
 */
export async function runCommander(argv: readonly string[], config: AppConfig, options: { checkOnly: boolean }): Promise<unknown> {
  if (!options.checkOnly) installPatches({ planCacheSize: config.PRISMA_PLAN_CACHE_SIZE });
  let failure: unknown = null;
  const app = await CommandFactory.createWithoutRunning(options.checkOnly ? CliArgumentsModule.forRoot() : CliModule.forRoot(config), {
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

/** The configuration a command runs on, and what to stop once it has run (an embedded server). */
export interface ResolvedCliConfig {
  config: AppConfig;
  stop?: () => Promise<void>;
}

/**
 * Runs one CLI command in this process and returns its exit code: the
 * arguments first (a usage error or help answers without resolving the
 * configuration, so without starting or reaching any database), then
 * `resolve` (src/cli.ts starts the embedded server when there is no
 * DATABASE_URL; by default `config` as it is), then the command. Output goes
 * to process.stdout/stderr. `node dist/cli.js` runs it; so do the CLI tests,
 * in one long-lived process.
 */
export async function runCli(
  argv: readonly string[],
  config: AppConfig,
  resolve: (config: AppConfig) => Promise<ResolvedCliConfig> = async (c) => ({ config: c }),
): Promise<number> {
  const checked = await runCommander(argv, config, { checkOnly: true });
  if (!(checked instanceof ArgumentsValid)) return report(checked);
  let resolved: ResolvedCliConfig;
  try {
    resolved = await resolve(config);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILURE;
  }
  try {
    return report(await runCommander(argv, resolved.config, { checkOnly: false }));
  } finally {
    await resolved.stop?.().catch(() => undefined);
  }
}
