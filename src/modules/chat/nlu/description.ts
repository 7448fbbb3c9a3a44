import { ARTICLES_AND_PREPOSITIONS, FILLER } from './lexicon.js';
import type { Span, Utterance, Word } from './utterance.js';

/** Quoted text is the description verbatim: `log 1h on Acme "fix the login bug"`. */
const QUOTED = /"([^"]+)"|(?<![\p{L}\p{N}])'([^']+)'(?![\p{L}\p{N}])/gu;

/** Finds and claims quoted text; returns it in the user's spelling. */
export function extractQuoted(u: Utterance): string | null {
  for (const m of u.free.matchAll(QUOTED)) {
    const inner = (m[1] ?? m[2]).trim();
    const span = { start: m.index, end: m.index + m[0].length };
    u.claim(span);
    if (inner.length === 0) continue;
    const offset = m[0].indexOf(m[1] ?? m[2]);
    return u.source({ start: m.index + offset, end: m.index + offset + (m[1] ?? m[2]).length }).trim();
  }
  return null;
}

/**
 * What is left once dates, times, durations, the project and the command are
 * claimed, minus filler at the edges of each remaining piece: "for code
 * review" → "code review", "I worked" → nothing. Pieces keep the user's
 * spelling and are joined in message order; null when nothing remains.
 */
export function extractDescription(u: Utterance): string | null {
  const words = u.words();
  const pieces: string[] = [];
  let piece: Word[] = [];
  const flush = (): void => {
    const kept = trim(u, piece);
    if (kept !== null) pieces.push(u.source(kept));
    piece = [];
  };
  for (const w of words) {
    const prev = piece[piece.length - 1];
    // Claimed text splits pieces; punctuation does not ("fix login, deploy" is one description).
    if (prev !== undefined && !u.isFree({ start: prev.end, end: w.start })) flush();
    piece.push(w);
  }
  flush();
  const text = pieces.join(' ').trim();
  return text.length > 0 ? text : null;
}

function trim(u: Utterance, piece: Word[]): Span | null {
  if (piece.length === 0) return null;
  // Right after a separator ("Acme: add tests") the description is taken as
  // written, only a leading article or preposition dropped; elsewhere the
  // user's own verbs ("log", "I worked") are filler too.
  const afterSeparator = /(?::|(?:^|\s)-)\s*$/.test(u.text.slice(0, piece[0].start));
  const leading = afterSeparator ? ARTICLES_AND_PREPOSITIONS : FILLER;
  let a = 0;
  let b = piece.length - 1;
  while (a <= b && leading.has(piece[a].text)) a++;
  while (b >= a && FILLER.has(piece[b].text)) b--;
  if (a > b) return null;
  return { start: piece[a].start, end: piece[b].end };
}
