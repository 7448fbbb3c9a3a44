/**
 * What a bench reports: figures, each with the target it is held to (if any)
 * and whether it met it. run.ts turns them into the results table.
 */
export interface Figure {
  /** What was measured, e.g. "tenant-read / singleton-read throughput". */
  name: string;
  value: number | string;
  unit?: string;
  /** Human-readable target, e.g. "≥ 0.95"; absent for figures reported without one. */
  target?: string;
  pass?: boolean;
  /** The baseline and other context (raw numbers behind a ratio). */
  detail?: string;
}

export interface BenchReport {
  figures: Figure[];
  /** Everything measured, for the JSON file. */
  raw?: Record<string, unknown>;
}

export function atLeast(name: string, value: number, min: number, extra: Partial<Figure> = {}): Figure {
  return { name, value, target: `≥ ${min}`, pass: value >= min, ...extra };
}

export function atMost(name: string, value: number, max: number, extra: Partial<Figure> = {}): Figure {
  return { name, value, target: `≤ ${max}`, pass: value <= max, ...extra };
}

export function below(name: string, value: number, max: number, extra: Partial<Figure> = {}): Figure {
  return { name, value, target: `< ${max}`, pass: value < max, ...extra };
}

export function info(name: string, value: number | string, extra: Partial<Figure> = {}): Figure {
  return { name, value, ...extra };
}

export const r1 = (x: number) => Math.round(x * 10) / 10;
export const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Reads a positive number from the environment (bench knobs). */
export function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${v}"`);
  return n;
}

/** Zipf-like sampler over ranks 0..n-1 with P(k) ∝ 1/(k+1)^s. */
export function zipfSampler(n: number, s = 1.0, random: () => number = Math.random): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / Math.pow(k + 1, s);
    cdf[k] = sum;
  }
  for (let k = 0; k < n; k++) cdf[k] /= sum;
  return () => {
    const u = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

/** A deterministic PRNG (mulberry32), so runs draw the same tenant sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
