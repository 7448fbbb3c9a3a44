import 'reflect-metadata';
import v8 from 'node:v8';
import { resolveConfig } from './bootstrap.js';
import { createApp } from './app.factory.js';

async function main(): Promise<void> {
  const { config, embedded } = await resolveConfig(process.env, (m) => console.error(m));
  // Read by V8 at every full collection, so setting it now still applies.
  if (config.HEAP_GROWING_PERCENT > 0) v8.setFlagsFromString(`--heap-growing-percent=${config.HEAP_GROWING_PERCENT}`);
  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  const url = `http://localhost:${config.PORT}`;
  console.error(`FreeTimeChat API on ${url}/api/v1 — Swagger UI: ${url}/docs`);
  if (embedded) {
    // Stop the embedded database after the app has closed its pools.
    const stop = async () => {
      await app.close();
      await embedded.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
