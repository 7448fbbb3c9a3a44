/**
 * Edit distance with adjacent transpositions (optimal string alignment), the
 * usual model of typing errors: "lgo" → "log" and "redesing" → "redesign" are
 * one edit each. Returns `limit + 1` as soon as the distance must exceed
 * `limit`. With a limit only the cells within `limit` of the diagonal are
 * computed (a path outside that band costs more than the limit), so the cost
 * is length × limit rather than length × length: a 200-character project
 * name against a 200-character phrase stays cheap.
 */
export function editDistance(a: string, b: string, limit = Number.MAX_SAFE_INTEGER): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const band = Math.min(limit, Math.max(rows, cols));
  const over = band + 1;
  // Three rolling rows: the transposition step looks two rows back. Cells outside the band read as `over`.
  let [prev2, prev, cur] = rowsFor(cols);
  prev2.fill(over, 0, cols);
  cur.fill(over, 0, cols);
  for (let j = 0; j < cols; j++) prev[j] = j <= band ? j : over;
  for (let i = 1; i < rows; i++) {
    const from = Math.max(1, i - band);
    const to = Math.min(cols - 1, i + band);
    cur[0] = i <= band ? i : over;
    if (from > 1) cur[from - 1] = over;
    let rowMin = from === 1 ? cur[0] : over;
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
      if (d > over) d = over;
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (to + 1 < cols) cur[to + 1] = over;
    if (rowMin > limit) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[cols - 1], limit + 1);
}

/** The rows `editDistance` works in, reused between calls: it runs for every word against every keyword. */
let scratch: [Float64Array, Float64Array, Float64Array] = [new Float64Array(64), new Float64Array(64), new Float64Array(64)];

function rowsFor(cols: number): [Float64Array, Float64Array, Float64Array] {
  if (scratch[0].length < cols) {
    const size = Math.max(cols, scratch[0].length * 2);
    scratch = [new Float64Array(size), new Float64Array(size), new Float64Array(size)];
  }
  return [scratch[0], scratch[1], scratch[2]];
}

/** True when `a` becomes `b` by swapping exactly one pair of neighbouring letters ("stpo" → "stop"). */
export function isSingleTransposition(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  const diffs: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diffs.push(i);
  return diffs.length === 2 && diffs[1] === diffs[0] + 1 && a[diffs[0]] === b[diffs[1]] && a[diffs[1]] === b[diffs[0]];
}

/**
 * How many typing errors a word of this length may carry and still be
 * recognised. Short words get none beyond a swapped pair: "hour"/"your" or
 * "stop"/"shop" are one edit apart and both real words.
 */
export function allowedEdits(length: number): number {
  if (length <= 4) return 0;
  if (length <= 7) return 1;
  if (length <= 12) return 2;
  return 3;
}

/** Lower-case letters and digits only: "Acme-API", "acme api" and "ACME_API" all become "acmeapi". */
export function compact(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}
