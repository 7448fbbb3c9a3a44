import { mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/database/paths.js';
import type { BenchReport, Figure } from './lib/figures.js';
import { runTenancyBench } from './tenancy.bench.js';
import { runTenantsBench } from './tenants.bench.js';
import { runTimeTrackingBench } from './time-tracking.bench.js';
import { runChatBench } from './chat.bench.js';
import { runClientsFigures } from './clients.bench.js';

type BenchFn = () => Promise<BenchReport | Record<string, unknown>>;

/**
 * `npm run bench`: every benchmark, results in bench/results/<date>.json and
 * .md (a table of every figure against its target). Figures are ratios
 * against a baseline measured in the same run, or counts; this machine is
 * shared and noisy. Pick benches by name: `npm run bench -- tenancy chat`.
 * `--strict` exits 1 when a target is missed (errors always exit 1).
 * Knobs (environment): see README "Performance".
 */
const BENCHES: Record<string, BenchFn> = {
  tenancy: runTenancyBench,
  tenants: runTenantsBench,
  'time-tracking': runTimeTrackingBench,
  chat: runChatBench,
  clients: runClientsFigures,
};

/** Any other `*.bench.js` with a `run…` export joins the run. */
async function discoverOptional(): Promise<void> {
  const dir = path.join(projectRoot(), 'dist-bench', 'bench');
  for (const file of readdirSync(dir)) {
    const m = /^(.+)\.bench\.js$/.exec(file);
    if (!m || BENCHES[m[1]]) continue;
    const mod = (await import(path.join(dir, file))) as Record<string, unknown>;
    const fn = Object.entries(mod).find(([k, v]) => k.startsWith('run') && typeof v === 'function')?.[1] as BenchFn | undefined;
    if (fn) BENCHES[m[1]] = fn;
  }
}

interface BenchResult {
  seconds: number;
  figures: Figure[];
  raw?: Record<string, unknown>;
  error?: string;
}

function toFigures(value: BenchReport | Record<string, unknown>): BenchReport {
  if (Array.isArray((value as BenchReport).figures)) return value as BenchReport;
  const plain = value as Record<string, unknown>;
  const figures = Object.entries(plain).map(([k, v]) => ({
    name: k,
    value: typeof v === 'object' ? JSON.stringify(v) : (v as number | string),
  }));
  return { figures, raw: plain };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(results: Record<string, BenchResult>): string {
  const lines = ['| bench | figure | value | target | result | detail |', '|---|---|---|---|---|---|'];
  for (const [bench, r] of Object.entries(results)) {
    if (r.error) lines.push(`| ${bench} | (failed) | | | ❌ error | ${cell(r.error)} |`);
    for (const f of r.figures) {
      const result = f.target === undefined ? '—' : f.pass ? '✅ met' : '❌ missed';
      const value = `${f.value}${f.unit ? ` ${f.unit}` : ''}`;
      lines.push(`| ${bench} | ${cell(f.name)} | ${cell(value)} | ${cell(f.target ?? '')} | ${result} | ${cell(f.detail ?? '')} |`);
    }
  }
  const targets = Object.values(results).flatMap((r) => r.figures.filter((f) => f.target !== undefined));
  const met = targets.filter((f) => f.pass).length;
  return `${lines.join('\n')}\n\n${met} of ${targets.length} targets met.\n`;
}

const KNOBS = [
  'BENCH_TENANTS',
  'BENCH_SOAK_SECONDS',
  'BENCH_DURATION',
  'BENCH_ROUNDS',
  'BENCH_PROFILE_DIR',
  'BENCH_CONNECTIONS',
  'BENCH_MIGRATE_TENANTS',
  'BENCH_OPS_TENANTS',
  'BENCH_ENTRIES',
  'BENCH_CHAT_MESSAGES',
  'BENCH_CHAT_ADVERSARIAL',
  'DATABASE_URL',
];

async function main(): Promise<void> {
  await discoverOptional();
  const args = process.argv.slice(2);
  const strict = args.includes('--strict');
  const wanted = args.filter((a) => !a.startsWith('-'));
  const names = wanted.length ? wanted : Object.keys(BENCHES);
  for (const name of names) {
    if (!BENCHES[name]) throw new Error(`Unknown bench "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
  }
  const startedAll = Date.now();
  const results: Record<string, BenchResult> = {};
  for (const name of names) {
    console.error(`▶ ${name}`);
    const started = Date.now();
    try {
      const report = toFigures(await BENCHES[name]());
      results[name] = { seconds: Math.round((Date.now() - started) / 1000), figures: report.figures, raw: report.raw };
    } catch (err) {
      console.error(err);
      results[name] = {
        seconds: Math.round((Date.now() - started) / 1000),
        figures: [],
        error: err instanceof Error ? err.message : String(err),
      };
    }
    console.error(`  done in ${results[name].seconds} s`);
  }
  const stamp = new Date().toISOString().replace(/[:]/g, '-').slice(0, 19);
  const dir = path.join(projectRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const knobs = Object.fromEntries(
    KNOBS.filter((k) => process.env[k] !== undefined).map((k) => [k, k === 'DATABASE_URL' ? '(set)' : process.env[k]]),
  );
  const meta = {
    date: new Date().toISOString(),
    command: `npm run bench${wanted.length ? ` -- ${wanted.join(' ')}` : ''}`,
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    knobs,
    totalSeconds: Math.round((Date.now() - startedAll) / 1000),
  };
  writeFileSync(path.join(dir, `${stamp}.json`), JSON.stringify({ meta, results }, null, 2) + '\n');
  const perBench = Object.entries(results)
    .map(([k, r]) => `${k} ${r.seconds} s`)
    .join(', ');
  const md =
    `# Benchmark results ${meta.date}\n\n` +
    `\`${meta.command}\`${
      Object.keys(knobs).length
        ? ` with ${Object.entries(knobs)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`
        : ''
    }; ` +
    `Node ${meta.node}, ${meta.cpus} cores (${meta.cpuModel}), ${meta.memoryGiB} GiB; load average at start ${meta.loadAverageAtStart.join(' ')}; ` +
    `${meta.totalSeconds} s (${perBench}).\n\n` +
    toMarkdown(results);
  writeFileSync(path.join(dir, `${stamp}.md`), md);
  console.log(md);
  const failed = Object.values(results).some((r) => r.error);
  const missed = Object.values(results).some((r) => r.figures.some((f) => f.target !== undefined && !f.pass));
  process.exit(failed || (strict && missed) ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
