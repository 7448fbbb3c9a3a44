import { AppConfigService } from '../../config/config.service.js';
import { validateEnvironment, type AppConfig } from '../../config/config.js';
import { PasswordService } from './password.service.js';

const service = (env: Record<string, string>) => new PasswordService(new AppConfigService(validateEnvironment(env) as AppConfig));

describe('PasswordService', () => {
  it('hashes with Argon2id at 19 MiB and 2 passes by default, and verifies', async () => {
    const passwords = service({});
    const hash = await passwords.hash('Correct-Horse-Battery-9');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await passwords.verify(hash, 'Correct-Horse-Battery-9')).toBe(true);
    expect(await passwords.verify(hash, 'correct-horse-battery-9')).toBe(false);
  });

  it('hashes at 1 MiB and 1 pass under PASSWORD_HASH_COST=test-minimal, and either verifies the other', async () => {
    const minimal = service({ NODE_ENV: 'test', PASSWORD_HASH_COST: 'test-minimal' });
    const owasp = service({});
    const hash = await minimal.hash('Correct-Horse-Battery-9');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=1024,p=1,t=1\$/);
    expect(await owasp.verify(hash, 'Correct-Horse-Battery-9')).toBe(true);
    expect(await minimal.verify(await owasp.hash('Another-Pass-42'), 'Another-Pass-42')).toBe(true);
  });

  it('spends a hash verification when there is no user, and answers false', async () => {
    const passwords = service({});
    expect(await passwords.verifyOrBurn(null, 'anything')).toBe(false);
    expect(await passwords.verifyOrBurn('not-a-hash', 'anything')).toBe(false);
  });
});
