import { CONFIG_KEYS, validateEnvironment } from './config.js';

describe('validateEnvironment', () => {
  // A URL check alone lets "notaurl" through, and the service then crashes later with a stack trace.
  it('refuses a DATABASE_URL that is not a postgresql:// URL, naming the variable', () => {
    for (const url of ['notaurl', 'mysql://u@h/db', 'localhost:5432/db']) {
      expect(() => validateEnvironment({ DATABASE_URL: url })).toThrow(/DATABASE_URL must be a postgresql:\/\/ URL/);
    }
    for (const url of ['postgresql://postgres@127.0.0.1:5432/app', 'postgres://u:p@db.internal/app']) {
      expect(validateEnvironment({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    }
  });

  // The password alone is admin:create's default (README); an e-mail without a password cannot create the first admin.
  it('takes PLATFORM_ADMIN_PASSWORD alone, but not PLATFORM_ADMIN_EMAIL alone', () => {
    expect(validateEnvironment({ PLATFORM_ADMIN_PASSWORD: 'a long enough password' }).PLATFORM_ADMIN_PASSWORD).toBe(
      'a long enough password',
    );
    expect(() => validateEnvironment({ PLATFORM_ADMIN_EMAIL: 'root@example.test' })).toThrow(/PLATFORM_ADMIN_PASSWORD: required/);
  });
});

describe('the configuration schema', () => {
  // The variables the README documents and the services read: removing or renaming one must be a visible change here.
  const DECLARED = [
    ...[
      'NODE_ENV',
      'PORT',
      'HOST',
      'CSP_UPGRADE_INSECURE_REQUESTS',
      'LOG_LEVEL',
      'HEAP_GROWING_PERCENT',
      'TRUST_PROXY',
      'HEADERS_TIMEOUT_MS',
      'REQUEST_TIMEOUT_MS',
    ],
    ...['KEEP_ALIVE_TIMEOUT_MS', 'MAX_CONNECTIONS', 'METRICS_TOKEN', 'BENCH_ROUTES'],
    ...['DATABASE_URL', 'TENANT_DATABASE_SERVERS', 'DB_MIGRATE_ON_START', 'TENANT_MAX_CLIENTS', 'TENANT_POOL_SIZE'],
    ...['TENANT_CONNECTION_BUDGET', 'TENANT_IDLE_MS', 'TENANT_ACQUIRE_TIMEOUT_MS', 'MAIN_POOL_SIZE', 'PRISMA_PLAN_CACHE_SIZE'],
    ...['TENANT_CLONE_STRATEGY', 'EMBEDDED_PG_PORT', 'DATA_DIR'],
    ...['JWT_SECRET', 'ENCRYPTION_KEY', 'ACCESS_TOKEN_TTL', 'REFRESH_TOKEN_TTL', 'PLATFORM_ADMIN_EMAIL', 'PLATFORM_ADMIN_PASSWORD'],
    ...['PASSWORD_HASH_COST'],
    ...['SIGNUP_ENABLED', 'SIGNUP_IP_LIMIT', 'SIGNUP_GLOBAL_LIMIT', 'WRITE_RATE_LIMIT', 'CLIENT_WRITE_RATE_LIMIT', 'RATE_LIMIT_STORE'],
    ...['QUOTA_PROJECTS', 'QUOTA_TASKS', 'QUOTA_USERS', 'QUOTA_CONVERSATIONS', 'QUOTA_MESSAGES_PER_CONVERSATION'],
    ...['LLM_BASE_URL', 'LLM_API_KEY', 'LLM_MODEL', 'LLM_TIMEOUT_MS'],
    ...['BACKUP_DIR', 'BACKUP_RETENTION_DAYS', 'JOBS_WORKER'],
    ...['WEBHOOKS_DISPATCH', 'WEBHOOK_ALLOW_PRIVATE', 'QUOTA_WEBHOOKS', 'WEBHOOK_SWEEP_SECONDS', 'WEBHOOK_RETENTION_DAYS'],
  ];

  it('reads exactly the declared variables from the environment', () => {
    expect([...CONFIG_KEYS].sort()).toEqual([...DECLARED].sort());
  });

  // Optional variables without a default are no instance property until set: they must be read all the same.
  it('keeps a variable that has no default when it is set', () => {
    const config = validateEnvironment({ LLM_MODEL: 'm', TRUST_PROXY: 'loopback', METRICS_TOKEN: 'a-metrics-token-16+' });
    expect(config).toMatchObject({ LLM_MODEL: 'm', TRUST_PROXY: 'loopback', METRICS_TOKEN: 'a-metrics-token-16+' });
  });

  it('accepts PASSWORD_HASH_COST=test-minimal only with NODE_ENV=test', () => {
    expect(validateEnvironment({ NODE_ENV: 'test', PASSWORD_HASH_COST: 'test-minimal' }).PASSWORD_HASH_COST).toBe('test-minimal');
    for (const NODE_ENV of ['production', 'development', undefined]) {
      expect(() => validateEnvironment({ NODE_ENV, PASSWORD_HASH_COST: 'test-minimal' })).toThrow(
        /PASSWORD_HASH_COST: test-minimal is accepted only/,
      );
    }
    expect(validateEnvironment({}).PASSWORD_HASH_COST).toBe('owasp');
  });

  it('ignores variables it does not declare', () => {
    expect(validateEnvironment({ HOME: '/root' })).not.toHaveProperty('HOME');
  });
});
