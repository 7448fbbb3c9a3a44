import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../database/paths.js';
import { validateEnvironment } from './config.js';
import { PUBLISHED_SECRETS, secretProblems } from './secrets.js';

const STRONG_KEY = 'Zq8vN2rT5yL9wK3mX7cB1hJ4gF6dS0aP-e_QuRiOtY';

/** Text files a reader of the repository sees: docs, compose, scripts, tests, benchmarks, sources. */
function repositoryFiles(): string[] {
  const root = projectRoot();
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (['node_modules', '.git', '.data', 'dist', 'dist-bench', 'generated', 'results'].includes(name)) continue;
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.(ts|mjs|js|md|yml|yaml|json|env|example)$|^Dockerfile$|^run$/.test(name)) out.push(full);
    }
  };
  for (const entry of ['README.md', 'docker-compose.yml', 'Dockerfile', '.ci', 'docs', 'scripts', 'test', 'bench', 'src']) {
    const full = path.join(root, entry);
    try {
      if (statSync(full).isDirectory()) walk(full);
      else out.push(full);
    } catch {
      /* not in this checkout */
    }
  }
  return out;
}

/** Literal values given to the checked variables (or to *_JWT_SECRET constants) anywhere in the repository. */
function printedValues(): Map<string, string> {
  const found = new Map<string, string>();
  const names = String.raw`(?:JWT_SECRET|ENCRYPTION_KEY|PLATFORM_ADMIN_PASSWORD)`;
  const patterns = [
    new RegExp(String.raw`${names}\s*[:=]\s*(['"\`])([^'"\`\n]{8,})\1`, 'g'), // quoted, in code and YAML
    new RegExp(String.raw`\$\{${names}:-()([^}]+)\}`, 'g'), // compose defaults
    new RegExp(String.raw`\b${names}=()([^\s'"\`]{8,})`, 'g'), // shell and .env lines
  ];
  for (const file of repositoryFiles()) {
    if (file.endsWith('secrets.spec.ts') || file.endsWith(path.join('config', 'secrets.ts'))) continue;
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) {
      for (const m of text.matchAll(pattern)) {
        const value = m[2];
        if (value.includes('${') || value.startsWith('<')) continue; // a reference or a placeholder in docs
        found.set(value, path.relative(projectRoot(), file));
      }
    }
  }
  return found;
}

describe('production secrets', () => {
  // Anyone can read the repository: a deployment that kept a value printed in it has no secret at all.
  it('lists every secret value printed in the repository, so production refuses each', () => {
    const printed = printedValues();
    expect(printed.size).toBeGreaterThanOrEqual(3);
    const missing = [...printed].filter(([value]) => !PUBLISHED_SECRETS.includes(value)).map(([v, file]) => `${file}: ${v}`);
    expect(missing).toEqual([]);
  });

  it('refuses to start in production with a published value, naming the variable and not the value', () => {
    for (const value of PUBLISHED_SECRETS) {
      const env = { NODE_ENV: 'production', JWT_SECRET: value.length >= 32 ? value : STRONG_KEY, PLATFORM_ADMIN_PASSWORD: value };
      expect(() => validateEnvironment(env)).toThrow(/JWT_SECRET|PLATFORM_ADMIN_PASSWORD/);
      try {
        validateEnvironment(env);
      } catch (err) {
        expect((err as Error).message).not.toContain(value);
      }
    }
  });

  it('refuses weak keys and admin passwords in production, and accepts strong ones', () => {
    expect(secretProblems({ JWT_SECRET: 'a'.repeat(40) })).toEqual([expect.stringMatching(/^JWT_SECRET: too weak/)]);
    expect(secretProblems({ ENCRYPTION_KEY: 'abcd1234'.repeat(5) })).toEqual([expect.stringMatching(/^ENCRYPTION_KEY: too weak/)]);
    expect(secretProblems({ JWT_SECRET: 'my-super-secret-jwt-key-for-production-use' })).toHaveLength(1);
    expect(secretProblems({ PLATFORM_ADMIN_PASSWORD: 'Password1234' })).toHaveLength(1);
    expect(secretProblems({ PLATFORM_ADMIN_PASSWORD: 'shortpass1' })).toHaveLength(1);
    expect(
      secretProblems({
        JWT_SECRET: STRONG_KEY,
        ENCRYPTION_KEY: STRONG_KEY.split('').reverse().join(''),
        PLATFORM_ADMIN_PASSWORD: 'Tangerine-Orbit-42',
      }),
    ).toEqual([]);
    expect(() =>
      validateEnvironment({
        NODE_ENV: 'production',
        JWT_SECRET: STRONG_KEY,
        PLATFORM_ADMIN_EMAIL: 'a@b.test',
        PLATFORM_ADMIN_PASSWORD: 'Tangerine-Orbit-42',
      }),
    ).not.toThrow();
  });

  it('checks nothing outside production (development and tests use the published values)', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'development', JWT_SECRET: PUBLISHED_SECRETS[0] })).not.toThrow();
  });
});
