// The order Jest starts the test files in: the longest bundles first, so that
// the last minutes of a run are not one long bundle on one core while the
// other core idles. Jest's own order needs each file's duration from an
// earlier run on this machine; a fresh clone (CI) has none and falls back to
// file size, which is the same for every bundle file. Files that failed last
// time still go first, as with Jest's order.
import TestSequencer from '@jest/test-sequencer';

/**
 * Bundle names (test/bundles/<name>.bundle-spec.ts, test/bundles/unit), longest first as they ran in full runs
 * with 3 workers on the 2-core machine (their CPU and their waits both count): 57, 55, 46, 32, 25, 24 and 5 s.
 */
const LONGEST_FIRST = [
  'tenant-lifecycle',
  'contract',
  'identity',
  'tenant-data',
  'operations',
  'integrations',
  'unit',
];

function rank(test) {
  const name = /([\w-]+)\.bundle-spec\.ts$/.exec(test.path)?.[1];
  const i = name === undefined ? -1 : LONGEST_FIRST.indexOf(name);
  return i === -1 ? LONGEST_FIRST.length : i;
}

export default class BundleSequencer extends TestSequencer {
  sort(tests) {
    // Runs without bundles (the reliability suite, spec files named on the command line) keep Jest's order.
    if (!tests.some((test) => rank(test) < LONGEST_FIRST.length)) return super.sort(tests);
    return [...tests].sort((a, b) => Number(this.hasFailed(b)) - Number(this.hasFailed(a)) || rank(a) - rank(b));
  }
}
