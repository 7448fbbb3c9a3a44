import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  /** Self time by package (node_modules/<pkg>), `app` (dist-bench/src), `node:` internals, `(gc)`, `(program)`. */
  byPackage: { name: string; ms: number; share: number }[];
  /** Functions with the most self time. */
  top: { fn: string; where: string; ms: number; share: number }[];
}

function packageOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.includes('/dist-bench/src/generated/')) return 'app: generated prisma client';
  if (url.includes('/dist-bench/src/')) return 'app';
  if (url.startsWith('node:')) return url.split('/')[0];
  return url;
}

/** Self time per function and per package from a V8 .cpuprofile (node --cpu-prof). */
export function summarizeProfile(file: string, topN = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
  let total = 0;
  let idle = 0;
  const pkgs = new Map<string, number>();
  const fns = new Map<string, { where: string; us: number }>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const pkg = packageOf(url, functionName || '(anonymous)');
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${url}:${lineNumber + 1}`;
    const f = fns.get(key) ?? { where: `${url.replace(/^.*\/(node_modules|dist-bench)\//, '')}:${lineNumber + 1}`, us: 0 };
    f.us += us;
    fns.set(key, f);
  }
  const busy = total - idle;
  const ms = (us: number) => Math.round(us / 100) / 10;
  const share = (us: number) => Math.round((us / busy) * 1000) / 10;
  return {
    totalMs: ms(total),
    idleMs: ms(idle),
    byPackage: [...pkgs.entries()].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: ms(us), share: share(us) })),
    top: [...fns.entries()]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, topN)
      .map(([k, v]) => ({ fn: k.split(' ')[0], where: v.where, ms: ms(v.us), share: share(v.us) })),
  };
}

/**
 * `node dist-bench/bench/lib/cpuprofile.js FILE [N]`: prints a profile's summary;
 * `… FILE REGEX [N]`: inclusive time of the functions matching REGEX.
 */
if (import.meta.url === `file://${process.argv[1]}` && process.argv[3] && isNaN(Number(process.argv[3]))) {
  for (const t of inclusiveTimes(process.argv[2], new RegExp(process.argv[3]), Number(process.argv[4] ?? 40))) {
    console.log(`  ${t.share.toFixed(1).padStart(5)} %  ${t.fn}`);
  }
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const s = summarizeProfile(process.argv[2], Number(process.argv[3] ?? 40));
  console.log(`${s.totalMs} ms, idle ${s.idleMs} ms\n\nself time by package:`);
  for (const p of s.byPackage.slice(0, 25))
    console.log(`  ${p.share.toFixed(1).padStart(5)} %  ${p.ms.toFixed(0).padStart(7)} ms  ${p.name}`);
  console.log('\nhottest functions (self):');
  for (const f of s.top) console.log(`  ${f.share.toFixed(1).padStart(5)} %  ${f.fn}  ${f.where}`);
}

/** Inclusive time (self + callees, each stack counted once per function) of functions whose "name url" matches `pattern`. */
export function inclusiveTimes(file: string, pattern: RegExp, topN = 30): { fn: string; ms: number; share: number }[] {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const keyOf = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|dist-bench)\//, '')}:${n.callFrame.lineNumber + 1}`;
  const totals = new Map<string, number>();
  let busy = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const leaf = byId.get(p.samples[i])!;
    const dt = p.timeDeltas[i] ?? 0;
    if (leaf.callFrame.functionName === '(idle)') continue;
    busy += dt;
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const k = keyOf(byId.get(id)!);
      if (seen.has(k) || !pattern.test(k)) continue;
      seen.add(k);
      totals.set(k, (totals.get(k) ?? 0) + dt);
    }
  }
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([fn, us]) => ({ fn, ms: Math.round(us / 1000), share: Math.round((us / busy) * 1000) / 10 }));
}
