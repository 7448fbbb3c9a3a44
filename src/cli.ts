import 'reflect-metadata';
import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { CommandFactory, CommandRunnerService } from 'nest-commander';
import { resolveConfig, type ResolvedConfig } from './bootstrap.js';
import { validateEnvironment, type AppConfig } from './config/config.js';
import { CliModule } from './cli/cli.module.js';
import { describeError, exitCodeFor, EXIT_OK } from './modules/clients/commands/cli-support.js';

/**
 * Operations CLI: `npm run build && npm run cli -- <command>`. Builds the
 * application context without an HTTP server and runs one command.
 * Exit codes: 0 success, 1 failure, 2 usage error.
 */

interface CommanderNode {
  commands: readonly CommanderNode[];
  exitOverride(): unknown;
  name(n: string): unknown;
  description(d: string): unknown;
  addHelpText(position: 'after', text: string): unknown;
  hook(event: 'preAction', listener: () => void): unknown;
}

/** Thrown by the argument check's preAction hook: commander parsed the arguments without a complaint. */
class ArgumentsValid extends Error {}

function logLevels(config: AppConfig): LogLevel[] {
  if (config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace') return ['error', 'warn', 'log', 'debug'];
  if (config.LOG_LEVEL === 'silent') return [];
  return ['error'];
}

async function flush(): Promise<void> {
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  await new Promise<void>((r) => process.stderr.write('', () => r()));
}

/**
 * Builds the command tree on `config` and hands commander the arguments.
 * Every failure, commander's own (a missing option, --help) included, is
 * returned rather than exiting the process, so main() chooses the exit code.
 */
async function runCommander(config: AppConfig, options: { checkOnly: boolean }): Promise<unknown> {
  let failure: unknown = null;
  const app = await CommandFactory.createWithoutRunning(CliModule.forRoot(config), {
    logger: new ConsoleLogger('cli', { logLevels: logLevels(config) }),
    cliName: 'freetimechat',
    serviceErrorHandler: (err: Error) => {
      failure = err;
    },
  });
  try {
    const runner = app.get(CommandRunnerService);
    // Commander exits the process itself on parse errors; make every command throw instead, so we choose the code.
    const root = (runner as unknown as { commander: CommanderNode }).commander;
    const walk = (c: CommanderNode) => {
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
    await runner.run(process.argv);
  } catch (err) {
    failure = err;
  } finally {
    await app.close();
  }
  return failure;
}

/** The exit code for a failure (null: success), with its line on stderr. */
function report(failure: unknown): number {
  if (!failure) return EXIT_OK;
  const line = describeError(failure);
  if (line) process.stderr.write(line + '\n');
  return exitCodeFor(failure);
}

async function main(): Promise<number> {
  let config: AppConfig;
  try {
    config = validateEnvironment(process.env) as AppConfig;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  // The arguments first, on a placeholder database that is never connected to: help, a missing or
  // malformed option and an unknown command answer at once, without starting or reaching any database.
  const placeholder = {
    ...config,
    DATABASE_URL: config.DATABASE_URL ?? 'postgresql://argument-check@127.0.0.1:9/none',
    JWT_SECRET: config.JWT_SECRET ?? 'argument-check-not-a-secret-argument-check',
  } as AppConfig;
  const checked = await runCommander(placeholder, { checkOnly: true });
  if (!(checked instanceof ArgumentsValid)) return report(checked);

  let resolved: ResolvedConfig;
  try {
    resolved = await resolveConfig(process.env, (m) => process.stderr.write(m + '\n'));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  let code: number;
  try {
    code = report(await runCommander(resolved.config, { checkOnly: false }));
  } finally {
    if (resolved.embedded) await resolved.embedded.stop().catch(() => undefined);
  }
  return code;
}

main()
  .then(async (code) => {
    await flush();
    process.exit(code);
  })
  .catch(async (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    await flush();
    process.exit(1);
  });
