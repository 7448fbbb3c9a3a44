import { mkdirSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/database/paths.js';
import { runTenancyBench } from './tenancy.bench.js';

type BenchFn = () => Promise<Record<string, unknown> | object>;

/**
 * `npm run bench`: every benchmark, results in bench/results/<date>.json and
 * .md. Figures are ratios against a baseline measured in the same run, or
 * counts; this machine is shared and noisy. Pick benches by name:
 * `npm run bench -- tenancy`.
 */
const BENCHES: Record<string, BenchFn> = {
  tenancy: () => runTenancyBench(),
};

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

function toMarkdown(results: Record<string, unknown>): string {
  const lines = ['| bench | figure | value |', '|---|---|---|'];
  for (const [bench, value] of Object.entries(results)) {
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        lines.push(`| ${bench} | ${k} | ${typeof v === 'object' ? JSON.stringify(v) : String(v)} |`);
      }
    } else lines.push(`| ${bench} | | ${String(value)} |`);
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  await discoverOptional();
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const names = wanted.length ? wanted : Object.keys(BENCHES);
  const results: Record<string, unknown> = {};
  for (const name of names) {
    const fn = BENCHES[name];
    if (!fn) throw new Error(`Unknown bench "${name}"; known: ${Object.keys(BENCHES).join(', ')}`);
    console.error(`▶ ${name}`);
    const started = Date.now();
    try {
      results[name] = await fn();
    } catch (err) {
      results[name] = { error: err instanceof Error ? err.message : String(err) };
    }
    console.error(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const stamp = new Date().toISOString().replace(/[:]/g, '-').slice(0, 19);
  const dir = path.join(projectRoot(), 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const meta = { date: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length };
  writeFileSync(path.join(dir, `${stamp}.json`), JSON.stringify({ meta, results }, null, 2) + '\n');
  const md = `# Benchmark results ${meta.date}\n\nNode ${meta.node}, ${meta.cpus} cores.\n\n` + toMarkdown(results);
  writeFileSync(path.join(dir, `${stamp}.md`), md);
  console.log(md);
  process.exit(Object.values(results).some((r) => r && typeof r === 'object' && 'error' in r) ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
