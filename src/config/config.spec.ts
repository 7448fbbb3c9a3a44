import { validateEnvironment } from './config.js';

describe('validateEnvironment', () => {
  // Found by the third contract audit: "notaurl" passed the URL check and crashed later with a stack trace.
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
