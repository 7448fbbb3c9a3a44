import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppConfig, validateEnvironment } from './config/config.js';
import { startEmbeddedPostgres, EmbeddedDatabase } from './database/embedded.js';

export interface ResolvedConfig {
  config: AppConfig;
  embedded: EmbeddedDatabase | null;
}

/**
 * Validates the environment, then fills what development can default: the
 * embedded PostgreSQL when DATABASE_URL is absent, and a JWT secret kept in
 * the data directory when JWT_SECRET is absent (never in production, where it
 * is required).
 */
export async function resolveConfig(
  env: Record<string, string | undefined> = process.env,
  log: (m: string) => void = () => undefined,
): Promise<ResolvedConfig> {
  const config = validateEnvironment(env);
  let embedded: EmbeddedDatabase | null = null;
  if (!config.DATABASE_URL) {
    embedded = await startEmbeddedPostgres({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT, log });
    config.DATABASE_URL = embedded.databaseUrl;
  }
  if (!config.JWT_SECRET) {
    const file = path.join(config.DATA_DIR, 'jwt-secret');
    mkdirSync(config.DATA_DIR, { recursive: true });
    if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
    config.JWT_SECRET = readFileSync(file, 'utf8').trim();
  }
  return { config: config as AppConfig, embedded };
}
