import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, validateSync } from 'class-validator';
import { WebhooksEnv } from './env/webhooks.env.js';
import { secretProblems } from './secrets.js';

/**
 * The environment, validated at boot: every variable is declared, with its
 * default and rules, in one of the files under env/ by concern (server,
 * database, auth, limits, llm, operations, webhooks). A bad value stops start-up with a message
 * naming the variable; see README "Configuration".
 */
export class EnvironmentVariables extends WebhooksEnv {}

export type AppConfig = EnvironmentVariables & { DATABASE_URL: string; JWT_SECRET: string };

/** Validates `env`; throws one Error listing every bad variable. */
export function validateEnvironment(env: Record<string, string | undefined>): EnvironmentVariables {
  // Only our variables: the rest of the environment is none of our business.
  const known = Object.fromEntries(Object.entries(env).filter(([k]) => CONFIG_KEYS.has(k)));
  const config = plainToInstance(EnvironmentVariables, known, { exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  const problems = errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`));
  if (config.NODE_ENV === 'production') {
    if (!config.JWT_SECRET) problems.push('JWT_SECRET: required in production');
    problems.push(...secretProblems(config));
  }
  if (config.PASSWORD_HASH_COST === 'test-minimal' && config.NODE_ENV !== 'test') {
    problems.push('PASSWORD_HASH_COST: test-minimal is accepted only with NODE_ENV=test');
  }
  // The first platform admin is created at start-up from both; the password alone is admin:create's default.
  if (config.PLATFORM_ADMIN_EMAIL !== undefined && config.PLATFORM_ADMIN_PASSWORD === undefined) {
    problems.push('PLATFORM_ADMIN_PASSWORD: required with PLATFORM_ADMIN_EMAIL');
  }
  if (problems.length > 0) {
    throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return config;
}

/**
 * Every variable the schema declares, read from its validation metadata (each
 * one carries at least @IsOptional), so a declared variable cannot be left
 * out of what is read from the environment.
 */
export const CONFIG_KEYS: ReadonlySet<string> = new Set(
  getMetadataStorage()
    .getTargetValidationMetadatas(EnvironmentVariables, '', true, false)
    .map((m) => m.propertyName),
);

/** The `trustProxy` setting for Fastify: false (the socket's address) unless TRUST_PROXY names proxies. */
export function trustedProxies(value: string | undefined): false | string[] {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length > 0 ? list : false;
}
