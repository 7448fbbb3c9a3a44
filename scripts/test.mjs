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
// Jest options that take a value as the next argument; any other bare argument is a path pattern (of specs,
// unless it names a bundle).
const TAKES_VALUE = new Set([
  '-t',
  '--testNamePattern',
  '--selectProjects',
  '--outputFile',
  '--shard',
  '-w',
  '--maxWorkers',
  '--coverageReporters',
  '--testTimeout',
]);
const pathPatterns = rest.filter((a, i) => !a.startsWith('-') && !TAKES_VALUE.has(rest[i - 1]) && !a.includes('bundle'));
// Path patterns go first: after --selectProjects they would be read as project names.
const jestArgs = reliability
  ? [...rest, '--runInBand', '--selectProjects', 'reliability']
  : [...rest, '--selectProjects', 'unit', 'integration'];
const res = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    // Young generation of 32 MB semi-spaces (V8's default is 16 MB): the specs allocate fast (requests, Prisma,
    // Nest), and fewer scavenges cost less CPU. Jest's workers inherit the flag. In-band runs of three bundles
    // took 40.5-44.1 core-s with the default, 37.2-38.4 with 32 MB (64 MB: 38.0-41.6; 128 MB: 43.8-45.4);
    // the largest process 530-640 MB.
    '--max-semi-space-size=32',
    path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
    ...jestArgs,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    // With a path, the integration specs it names run on their own rather than in their bundles (jest.config.js).
    env: { ...process.env, TZ: 'UTC', NODE_ENV: 'test', ...(pathPatterns.length > 0 ? { FTC_TEST_SPECS: '1' } : {}) },
  },
);
process.exit(res.status ?? 1);
