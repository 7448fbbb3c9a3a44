import 'reflect-metadata';
import { resolveConfig } from './bootstrap.js';
import { validateEnvironment, type AppConfig } from './config/config.js';
import { runCli } from './cli/run-cli.js';

/**
 * Operations CLI: `npm run build && npm run cli -- <command>`. Builds the
 * application context without an HTTP server and runs one command
 * (src/cli/run-cli.ts's runCli). Exit codes: 0 success, 1 failure, 2 usage error.
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
  return runCli(argv, config, async () => {
    const resolved = await resolveConfig(process.env, (m) => process.stderr.write(m + '\n'));
    const embedded = resolved.embedded;
    return { config: resolved.config, stop: embedded ? () => embedded.stop() : undefined };
  });
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
