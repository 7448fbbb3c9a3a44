#!/usr/bin/env node
// `npm test`: unit specs and integration/e2e specs on a real PostgreSQL
// (DATABASE_URL's server when given, else an embedded one), through Jest in
// ESM mode. Extra arguments go to Jest (e.g. a path filter).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const reliability = args.includes('--reliability');
const rest = args.filter((a) => a !== '--reliability');
// Path patterns go first: after --selectProjects they would be read as project names.
const jestArgs = reliability ? [...rest, '--runInBand', '--selectProjects', 'reliability'] : [...rest, '--selectProjects', 'unit', 'integration'];
const res = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...jestArgs],
  { cwd: root, stdio: 'inherit', env: { ...process.env, TZ: 'UTC', NODE_ENV: 'test' } },
);
process.exit(res.status ?? 1);
