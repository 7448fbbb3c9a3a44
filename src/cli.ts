import 'reflect-metadata';
import { resolveConfig, type ResolvedConfig } from './bootstrap.js';
import { validateEnvironment, type AppConfig } from './config/config.js';
import { argumentCheckConfig, ArgumentsValid, report, runCommander } from './cli/run-cli.js';

/**
 * Operations CLI: `npm run build && npm run cli -- <command>`. Builds the
 * application context without an HTTP server and runs one command
 * (src/cli/run-cli.ts). Exit codes: 0 success, 1 failure, 2 usage error.
 */

const argv = process.argv.slice(2);

async function flush(): Promise<void> {
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  await new Promise<void>((r) => process.stderr.write('', () => r()));
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
  const checked = await runCommander(argv, argumentCheckConfig(config), { checkOnly: true });
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
    code = report(await runCommander(argv, resolved.config, { checkOnly: false }));
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
