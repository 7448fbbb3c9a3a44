// Jest in ESM mode (Nest 12 is ESM-only) with SWC, compiling as the build does (scripts/swc-options.mjs).
import { SWC_TRANSFORM } from './scripts/swc-options.mjs';

// Source maps beside the code, not inline (a base64 comment as long as the module, in every module loaded):
// Jest keeps them for stack traces, which still point at the .ts lines. Two interleaved pairs of runs of three
// bundles took 57.0 and 49.4 core-s against 60.3 and 52.5 inline.
// Under --coverage they stay inline: Istanbul maps its counts back to the .ts through an inline map only (with
// a separate one it counted SWC's output, decorator helpers and all).
const coverage = process.argv.some((a) => /^--(coverage|collectCoverage)(=|$)/.test(a));
const swc = ['@swc/jest', { ...SWC_TRANSFORM, sourceMaps: coverage ? 'inline' : true }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': swc },
  testEnvironment: 'node',
};
// Three workers are fastest on the 2-core machine this was tuned on (the bundles wait on PostgreSQL part of their
// time): in interleaved runs 3 workers took 149 and 155 s, 4 took 168 and 179 s (and 2 took 175 s in an earlier
// run). JEST_WORKERS=<n> or <n>% for another machine.
const workers = process.env.JEST_WORKERS?.trim();
// `npm test` runs the unit specs in one bundle (test/bundles/unit) and the integration specs in bundles
// (test/bundles/bundles.ts); `npm test -- <path>` sets FTC_TEST_SPECS=1 to run the named spec files on their own.
const ownSpecs = process.env.FTC_TEST_SPECS === '1';
const unitSpecs = ownSpecs ? ['<rootDir>/src/**/*.spec.ts'] : ['<rootDir>/test/bundles/unit/*.bundle-spec.ts'];
const integrationSpecs = ownSpecs
  ? ['<rootDir>/test/**/*.int-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts']
  : ['<rootDir>/test/bundles/*.bundle-spec.ts'];
if (workers && !/^[1-9]\d*%?$/.test(workers))
  throw new Error(`JEST_WORKERS must be a positive number or a percentage of the cores, not "${workers}"`);
export default {
  maxWorkers: workers ? (workers.endsWith('%') ? workers : Number(workers)) : 3,
  // A worker with no handle left still takes ~0.5 s to end after its last test (measured 480-540 ms for
  // e2e workers of ~450 MB: V8 tears down the heap and waits for its background compile and GC tasks),
  // past Jest's default of 500 ms, after which Jest kills it and warns "A worker process has failed to exit
  // gracefully". Wait longer; a real leak (a handle kept open) still shows, after 5 s.
  workerGracefulExitTimeout: 5000,
  testSequencer: '<rootDir>/test/bundles/sequencer.mjs',
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: unitSpecs },
    {
      ...common,
      displayName: 'integration',
      testMatch: integrationSpecs,
      globalSetup: '<rootDir>/test/setup/global-setup.mjs',
      globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
    },
    {
      // Long runs (fuzzing 10,000+ requests, faults, soak, several instances): `npm run test:reliability`.
      ...common,
      displayName: 'reliability',
      testMatch: ['<rootDir>/test/reliability/**/*.rel-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.mjs',
      globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
    },
  ],
};
