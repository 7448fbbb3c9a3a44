import { ALIASES, KEYWORDS, NEVER_CORRECT } from './lexicon.js';
import { allowedEdits, editDistance, isSingleTransposition } from './fuzzy.js';

export interface Span {
  start: number;
  end: number;
}

/** A word of the unclaimed text, lower-case, with its offsets in `Utterance.text`. */
export interface Word extends Span {
  text: string;
}

/** Words keep inner hyphens, dots and ampersands ("acme-api", "node.js", "r&d") and a leading "#" ("#1234"). */
const WORD = /#?[\p{L}\p{N}]+(?:['_.&+/-][\p{L}\p{N}]+)*/gu;

/** Characters rewritten one-for-one so that offsets survive: typographic dashes, quotes and spaces. */
const CHAR_MAP: Readonly<Record<string, string>> = {
  '\u2013': '-', // en dash
  '\u2014': '-', // em dash
  '\u2212': '-', // minus sign
  '\u2010': '-',
  '\u2011': '-',
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u00a0': ' ',
  '\u202f': ' ',
  '\t': ' ',
  '\n': ' ',
  '\r': ' ',
};

/**
 * One user message as the parser sees it: a normalised, typo-corrected,
 * lower-case `text` that the extractors search, a map back to the `original`
 * (descriptions and project queries keep the user's spelling and case), and a
 * record of which characters an extractor has already claimed. Each extractor
 * claims its span, so later ones (project, description) only see what is left:
 * "yesterday" can never become a project, "2h" never part of a description.
 */
export class Utterance {
  private readonly claimed: boolean[];

  private constructor(
    readonly original: string,
    readonly text: string,
    private readonly startOf: number[],
    private readonly endOf: number[],
  ) {
    this.claimed = new Array<boolean>(text.length).fill(false);
  }

  /**
   * @param protectedWords lower-case words never corrected, typically the words
   *   of project names (a project called "Stop Motion" must not become a command).
   */
  static of(original: string, protectedWords: ReadonlySet<string> = new Set()): Utterance {
    const chars = Array.from({ length: original.length }, (_, i) => {
      const c = original[i];
      const mapped = CHAR_MAP[c] ?? c.toLowerCase();
      return mapped.length === 1 ? mapped : c;
    }).join('');

    let text = '';
    const startOf: number[] = [];
    const endOf: number[] = [];
    let last = 0;
    const copy = (from: number, to: number): void => {
      for (let i = from; i < to; i++) {
        text += chars[i];
        startOf.push(i);
        endOf.push(i + 1);
      }
    };
    // Each distinct word is looked up once: a long message repeats its words.
    const corrections = new Map<string, string | undefined>();
    for (const m of chars.matchAll(/[a-z]+(?:'[a-z]+)?/g)) {
      const word = m[0];
      if (!corrections.has(word)) corrections.set(word, protectedWords.has(word) ? undefined : correctWord(word));
      const fixed = corrections.get(word);
      if (fixed === undefined) continue;
      copy(last, m.index);
      // Every character of a replacement maps to the whole original word.
      for (const ch of fixed) {
        text += ch;
        startOf.push(m.index);
        endOf.push(m.index + word.length);
      }
      last = m.index + word.length;
    }
    copy(last, chars.length);
    return new Utterance(original, text, startOf, endOf);
  }

  private freeCache: string | null = null;

  /** The text with claimed characters blanked, same length and offsets as `text`. */
  get free(): string {
    if (this.freeCache === null) {
      let out = '';
      for (let i = 0; i < this.text.length; i++) out += this.claimed[i] ? ' ' : this.text[i];
      this.freeCache = out;
    }
    return this.freeCache;
  }

  claim(span: Span): void {
    for (let i = span.start; i < span.end; i++) this.claimed[i] = true;
    this.freeCache = null;
  }

  release(span: Span): void {
    for (let i = span.start; i < span.end; i++) this.claimed[i] = false;
    this.freeCache = null;
  }

  isFree(span: Span): boolean {
    for (let i = span.start; i < span.end; i++) if (this.claimed[i]) return false;
    return true;
  }

  /** The user's own spelling of a span of `text`. */
  source(span: Span): string {
    if (span.end <= span.start) return '';
    return this.original.slice(this.startOf[span.start], this.endOf[span.end - 1]);
  }

  /** The words of the unclaimed text. */
  words(): Word[] {
    return [...this.free.matchAll(WORD)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
  }

  /**
   * Whether two neighbouring words belong to different phrases: something was
   * claimed between them, or punctuation separates them ("Acme API: review").
   */
  separated(a: Span, b: Span): boolean {
    const gap = { start: a.end, end: b.start };
    if (!this.isFree(gap)) return true;
    return /[,;:!?()[\]"]|\s-|-\s|\.\s/.test(this.text.slice(gap.start, gap.end));
  }

  /** Maximal runs of unclaimed characters. */
  freeRuns(): Span[] {
    const runs: Span[] = [];
    let start = -1;
    for (let i = 0; i <= this.text.length; i++) {
      const free = i < this.text.length && !this.claimed[i];
      if (free && start < 0) start = i;
      if (!free && start >= 0) {
        runs.push({ start, end: i });
        start = -1;
      }
    }
    return runs;
  }
}

const KEYWORD_SET = new Set(KEYWORDS);

/** The keyword a misspelt word stands for, or undefined to keep it as typed. */
function correctWord(word: string): string | undefined {
  const alias = ALIASES[word];
  if (alias !== undefined) return alias;
  if (KEYWORD_SET.has(word) || NEVER_CORRECT.has(word) || word.length < 3) return undefined;
  let best: string | undefined;
  let bestDistance = Number.MAX_SAFE_INTEGER;
  let tie = false;
  for (const keyword of KEYWORDS) {
    // The shorter of the two words sets the tolerance; words of four letters or
    // fewer only forgive a swapped pair ("lgo", "stpo").
    const limit = Math.min(allowedEdits(word.length), allowedEdits(keyword.length));
    const d = limit === 0 ? (isSingleTransposition(word, keyword) ? 1 : Number.MAX_SAFE_INTEGER) : editDistance(word, keyword, limit);
    if (d > Math.max(limit, 1)) continue;
    if (d < bestDistance) {
      best = keyword;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance && best !== undefined && keyword.slice(0, 4) !== best.slice(0, 4)) {
      // "minuts" is as close to "minute" as to "minutes": the same word, not a tie.
      tie = true;
    }
  }
  // Two keywords equally close ("stat": "start" or "stop"?) — leave the word alone.
  return tie ? undefined : best;
}
