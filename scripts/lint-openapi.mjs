#!/usr/bin/env node
// `npm run lint:openapi`: writes the OpenAPI document the service serves at
// /docs-json (built in-process by the app factory from dist/, so run after
// `npm run build`) and lints it with Redocly (recommended ruleset,
// redocly.yaml) and Spectral (spectral:oas, .spectral.yaml). Exit 1 on any
// error or warning of either. DATABASE_URL's server is used when given, else
// the embedded PostgreSQL, as for `npm start`; building the document opens no
// connection. test/e2e/openapi-lint.e2e-spec.ts runs the same lint in `npm test`.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the document is written; .redocly.lint-ignore.yaml names its locations relative to the repository. */
export const OPENAPI_DOCUMENT_PATH = path.join(root, 'test-output', 'openapi', 'openapi.json');

function run(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Redocly's problems in the document (its recommended ruleset, minus the listed exceptions). */
export async function redoclyLint(file) {
  const res = await run(
    [path.join(root, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js'), 'lint', file, '--config', path.join(root, 'redocly.yaml'), '--format=json'],
    // No usage data sent, no update check: lint runs offline in CI.
    { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  );
  const json = res.stdout.slice(res.stdout.indexOf('{'));
  let report;
  try {
    report = JSON.parse(json);
  } catch {
    throw new Error(`redocly lint gave no report (exit ${res.code}): ${res.stderr}`);
  }
  return {
    errors: report.totals.errors,
    warnings: report.totals.warnings,
    problems: report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location?.[0]?.pointer ?? ''}: ${p.message}`),
  };
}

/** Spectral's results for the document with the spectral:oas ruleset (severity 0 error, 1 warning, 2 info, 3 hint). */
export async function spectralLint(file) {
  const res = await run([
    path.join(root, 'node_modules', '@stoplight', 'spectral-cli', 'dist', 'index.js'),
    'lint',
    file,
    '--ruleset',
    path.join(root, '.spectral.yaml'),
    '--format',
    'json',
    '--quiet',
  ]);
  let results;
  try {
    results = JSON.parse(res.stdout.trim() || '[]');
  } catch {
    throw new Error(`spectral lint gave no report (exit ${res.code}): ${res.stdout}${res.stderr}`);
  }
  return {
    errors: results.filter((r) => r.severity === 0).length,
    warnings: results.filter((r) => r.severity === 1).length,
    problems: results.map((r) => `${['error', 'warning', 'info', 'hint'][r.severity]} ${r.code} ${r.path.join('.')}: ${r.message}`),
  };
}

/** Builds the document with the service's own app factory, as served at /docs-json. */
async function writeDocument() {
  const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href;
  const { resolveConfig } = await import(dist('bootstrap.js'));
  const { createApp } = await import(dist('app.factory.js'));
  const { config, embedded } = await resolveConfig({ ...process.env, LOG_LEVEL: 'silent' }, (m) => console.error(m));
  const app = await createApp(config, { migrate: false, logger: false });
  try {
    await app.init();
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs-json' });
    if (res.statusCode !== 200) throw new Error(`/docs-json answered ${res.statusCode}`);
    mkdirSync(path.dirname(OPENAPI_DOCUMENT_PATH), { recursive: true });
    writeFileSync(OPENAPI_DOCUMENT_PATH, JSON.stringify(JSON.parse(res.body), null, 2) + '\n');
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await writeDocument();
  console.log(`OpenAPI document written to ${path.relative(root, OPENAPI_DOCUMENT_PATH)}`);
  let failed = false;
  for (const [name, lint] of [
    ['Redocly (recommended)', redoclyLint],
    ['Spectral (spectral:oas)', spectralLint],
  ]) {
    const result = await lint(OPENAPI_DOCUMENT_PATH);
    console.log(`${name}: ${result.errors} errors, ${result.warnings} warnings`);
    for (const p of result.problems) console.log(`  ${p}`);
    if (result.errors + result.warnings > 0) failed = true;
  }
  process.exit(failed ? 1 : 0);
}
