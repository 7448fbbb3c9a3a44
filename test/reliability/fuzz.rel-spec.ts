/**
 * The long fuzzing run: at least 10,000 malformed requests generated from the
 * OpenAPI document (FUZZ_MALFORMED to change), plus hostile well-formed ones.
 * Same properties as test/e2e/fuzz.e2e-spec.ts: zero 5xx, contract error
 * bodies, nothing changed by refused requests.
 */
import { createTestApp, TestApp } from '../helpers/test-app.js';
import { RawHttp } from '../helpers/reliability.js';
import { listen } from '../helpers/reliability-world.js';
import { fingerprintDiff, FuzzReport, runFuzz } from '../helpers/reliability-fuzz-run.js';

const MALFORMED = Number(process.env.FUZZ_MALFORMED ?? 10_000);
const NASTY = Number(process.env.FUZZ_NASTY ?? 3_000);

let t: TestApp;
let http: RawHttp;
let report: FuzzReport;

beforeAll(async () => {
  // /metrics is documented behind METRICS_TOKEN: broken tokens must be refused there too.
  t = await createTestApp({ METRICS_TOKEN: 'fuzz-metrics-token-0123456789' });
  http = await listen(t);
  report = await runFuzz(t, http, { malformed: MALFORMED, nasty: NASTY, concurrency: 8 });
  console.log(
    `fuzz (reliability): ${report.operations} operations, ${report.malformedSent} malformed + ${report.nastySent} hostile requests, ${report.fiveXx} 5xx, seed ${report.seed}; statuses ${JSON.stringify(report.byStatus)}; kinds ${JSON.stringify(report.byKind)}`,
  );
}, 1_800_000);

afterAll(async () => {
  http?.close();
  await t?.close();
});

describe('fuzzing every operation of the OpenAPI document (10,000+ requests)', () => {
  it('sends at least 10,000 malformed requests', () => {
    expect(report.malformedSent).toBeGreaterThanOrEqual(MALFORMED);
  });

  it('never answers with a 5xx, always with the contract error body, and refuses every malformed request', () => {
    expect(report.failures).toEqual([]);
    expect(report.fiveXx).toBe(0);
  });

  it('changes nothing in the main or tenant databases while refusing malformed requests', () => {
    expect(fingerprintDiff(report.before, report.after)).toEqual([]);
  });
});
