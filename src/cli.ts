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
}

const argv = process.argv.slice(2);
/** Help needs no database: don't start the embedded one (or connect anywhere) just to print it. */
const helpOnly = argv.length === 0 || argv[0] === 'help' || argv.includes('--help') || argv.includes('-h');

function logLevels(config: AppConfig): LogLevel[] {
  if (config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace') return ['error', 'warn', 'log', 'debug'];
  if (config.LOG_LEVEL === 'silent') return [];
  return ['error'];
}

async function flush(): Promise<void> {
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  await new Promise<void>((r) => process.stderr.write('', () => r()));
}

async function main(): Promise<number> {
  let resolved: ResolvedConfig;
  try {
    if (helpOnly) {
      const config = validateEnvironment(process.env);
      config.DATABASE_URL ??= 'postgresql://help@127.0.0.1:9/none';
      config.JWT_SECRET ??= 'help-only-not-a-secret-help-only-not-a-secret';
      resolved = { config: config as AppConfig, embedded: null };
    } else {
      resolved = await resolveConfig(process.env, (m) => process.stderr.write(m + '\n'));
    }
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const { config, embedded } = resolved;
  let failure: unknown = null;
  let exitCode = EXIT_OK;
  try {
    const logger = new ConsoleLogger('cli', { logLevels: logLevels(config) });
    const app = await CommandFactory.createWithoutRunning(CliModule.forRoot(config), {
      logger,
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
      await runner.run(process.argv);
    } finally {
      await app.close();
    }
  } catch (err) {
    failure = err;
  }
  if (failure) {
    exitCode = exitCodeFor(failure);
    const line = describeError(failure);
    if (line) process.stderr.write(line + '\n');
  }
  if (embedded) await embedded.stop().catch(() => undefined);
  return exitCode;
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
