/**
 * The integration and e2e specs run by `npm test`, grouped into bundles: one
 * Jest test file per bundle imports its specs, so they share one process's
 * module graph and warm-up (about 3 s per spec file on the 2-core machine:
 * Jest's environment, loading the application's modules under Jest's ESM
 * loader, the first application's JIT warm-up). Each spec is wrapped in its
 * own `describe` named after its path, so its hooks and application stay its
 * own. `npm test -- <path>` runs the named spec files on their own instead.
 *
 * Six bundles for Jest's three workers: three long ones that start first, then
 * three shorter ones that fill in as those end. Each bundle costs its load and
 * warm-up once, so fewer bundles cost less CPU, but one that starts last and
 * runs long leaves a core idle at the end. Against eleven smaller bundles,
 * these took 8 % less CPU (146 against 159 core-s) and 4 s less (83 against
 * 87 s) in two interleaved pairs of full runs.
 *
 * Every spec file under test/e2e and test/integration must be in exactly one
 * bundle: loading any bundle fails otherwise, so a new spec cannot go unrun.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beginBundle, endBundle } from '../helpers/test-app.js';

const TEST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SPEC_DIRS = ['e2e', 'integration'];
const SPEC_FILE = /\.(e2e|int)-spec\.ts$/;

/** Bundle name (its file: `<name>.bundle-spec.ts`) → spec files, relative to test/, without `.ts`. */
export const BUNDLES: Record<string, string[]> = {
  'tenant-lifecycle': [
    'e2e/cli.e2e-spec',
    'integration/clients-migrations.int-spec',
    'integration/migrator.int-spec',
    'integration/provisioning.int-spec',
    'integration/clients-move.int-spec',
    'integration/clients-servers.int-spec',
  ],
  contract: [
    'e2e/openapi-client.e2e-spec',
    'e2e/swagger-ui.e2e-spec',
    'e2e/openapi-lint.e2e-spec',
    'e2e/openapi-examples.e2e-spec',
    'e2e/docs.e2e-spec',
    'e2e/http-hardening.e2e-spec',
    'e2e/fuzz.e2e-spec',
    'e2e/fuzz-regressions.e2e-spec',
    'e2e/faults.e2e-spec',
    'integration/patches.int-spec',
    'integration/docker-files.int-spec',
    'integration/prisma-plan-cache.int-spec',
  ],
  identity: [
    'e2e/auth-throttle.e2e-spec',
    'e2e/auth.e2e-spec',
    'e2e/access-tokens.e2e-spec',
    'e2e/auth-signup-disabled.e2e-spec',
    'integration/auth.int-spec',
    'e2e/platform.e2e-spec',
    'e2e/clients.e2e-spec',
    'e2e/impersonation.e2e-spec',
    'e2e/impersonation-routes.e2e-spec',
    'e2e/users.e2e-spec',
    'e2e/roles.e2e-spec',
    'e2e/roles-concurrency.e2e-spec',
  ],
  'tenant-data': [
    'e2e/concurrency.e2e-spec',
    'e2e/time-timer.e2e-spec',
    'e2e/time-entries.e2e-spec',
    'e2e/reports.e2e-spec',
    'e2e/projects.e2e-spec',
    'e2e/tasks.e2e-spec',
    'integration/time-tracking-services.int-spec',
    'e2e/isolation.e2e-spec',
    'e2e/limits.e2e-spec',
    'integration/limits.int-spec',
    'integration/tenant-connections.int-spec',
    'integration/tenant-context.int-spec',
  ],
  operations: ['e2e/operations.e2e-spec', 'e2e/maintenance.e2e-spec', 'integration/job-takeover.int-spec'],
  integrations: [
    'e2e/webhooks-dispatch.e2e-spec',
    'e2e/webhooks.e2e-spec',
    'e2e/chat.e2e-spec',
    'e2e/chat-llm.e2e-spec',
    'e2e/chat-cpu.e2e-spec',
    'e2e/idempotency.e2e-spec',
    'e2e/etags.e2e-spec',
  ],
};

/** Problems with BUNDLES against the spec files on disk: unknown, listed twice, or in no bundle. */
export function bundleProblems(): string[] {
  const onDisk = SPEC_DIRS.flatMap((dir) =>
    readdirSync(path.join(TEST_DIR, dir))
      .filter((f) => SPEC_FILE.test(f))
      .map((f) => `${dir}/${f.replace(/\.ts$/, '')}`),
  );
  const listed = Object.values(BUNDLES).flat();
  const problems: string[] = [];
  for (const spec of new Set(listed)) {
    if (!onDisk.includes(spec)) problems.push(`${spec} is in a bundle but there is no test/${spec}.ts`);
    if (listed.filter((s) => s === spec).length > 1) problems.push(`${spec} is in more than one bundle`);
  }
  for (const spec of onDisk)
    if (!listed.includes(spec)) problems.push(`test/${spec}.ts is in no bundle: add it to test/bundles/bundles.ts`);
  return problems;
}

/** Imports the specs of the bundle whose file is `bundleUrl` (each registers its own describe block). */
export async function loadBundle(bundleUrl: string): Promise<void> {
  const problems = bundleProblems();
  if (problems.length > 0) throw new Error(`test/bundles/bundles.ts:\n${problems.join('\n')}`);
  const name = path.basename(fileURLToPath(bundleUrl)).replace(/\.bundle-spec\.ts$/, '');
  const specs = BUNDLES[name];
  if (!specs) throw new Error(`No bundle named "${name}" in test/bundles/bundles.ts`);
  beginBundle();
  for (const spec of specs) await import(`../${spec}.js`);
  // After every spec's own afterAll: what the specs shared, then the bundle's test databases, dropped together.
  afterAll(() => endBundle(), 300_000);
}
