import { WORD_NUMBER_SOURCE, parseNumber } from './lexicon.js';
import type { Span, Utterance } from './utterance.js';

export interface DurationMatch {
  seconds: number;
  span: Span;
}

// A unit ends where letters end, not at \b: in "1h30m" the "h" is followed by a digit.
const END = '(?![\\p{L}])';
const HOURS = `(?:h|hrs?|hours?)${END}`;
const MINUTES = `(?:m|mins?|minutes?|mn)${END}`;
const SECONDS = `(?:s|secs?|seconds?)${END}`;
const FRACTION = '(?:\\s*½|\\s+1/2|\\s+and\\s+a\\s+half)';
// Digits may touch their unit ("2h"); words must not ("a m" is no minute, "am" even less).
const AMOUNT = `(?:\\d+(?:[.,]\\d+)?${FRACTION}?\\s*|(?:${WORD_NUMBER_SOURCE}|an?|(?:a\\s+)?couple(?:\\s+of)?)${FRACTION}?\\s+)`;

const sticky = (source: string): RegExp => new RegExp(source, 'yu');

const SIGN = sticky('(?:-(?=\\d)|(?:minus|negative)\\s+)');

/** Fixed phrases, tried before the general "<amount> <unit>" grammar. */
const PHRASES: ReadonlyArray<{ re: RegExp; seconds: (m: RegExpExecArray) => number }> = [
  // "1:30h" is a duration; a bare "1:30" is a clock time and left to the clock parser.
  { re: sticky(`(\\d{1,3}):([0-5]\\d)\\s*${HOURS}`), seconds: (m) => Number(m[1]) * 3600 + Number(m[2]) * 60 },
  // "2-3 hours", "2 or 3 hours" names no single duration; 0 makes the caller ask instead of guessing.
  { re: sticky(`\\d+(?:[.,]\\d+)?\\s*(?:-|or|to)\\s*\\d+(?:[.,]\\d+)?\\s*(?:${HOURS}|${MINUTES})`), seconds: () => 0 },
  { re: sticky(`(?:an?\\s+)?half(?:\\s+an?\\s+|\\s*-\\s*|\\s+)hour${END}`), seconds: () => 1800 },
  { re: sticky(`(?:three|3)\\s+quarters?(?:\\s+of)?(?:\\s+an?)?\\s+hour${END}`), seconds: () => 2700 },
  { re: sticky(`(?:(?:an?|one)\\s+)?quarter(?:\\s+of)?(?:\\s+an?)?(?:\\s*-\\s*|\\s+)hour${END}`), seconds: () => 900 },
];

const FIRST = sticky(`(${AMOUNT})(?:(${HOURS})|(${MINUTES})|(${SECONDS}))`);
const AND_A_HALF = sticky('\\s+and\\s+a\\s+half');
const NEXT_MINUTES = sticky(`\\s*(?:,|and)?\\s*(${AMOUNT})${MINUTES}`);
const NEXT_SECONDS = sticky(`\\s*(?:,|and)?\\s*(${AMOUNT})${SECONDS}`);
// "1h 30", "1h30": minutes without a unit, unless what follows makes the number something else.
const BARE_MINUTES = sticky('\\s*([0-5]?\\d)(?![\\d:./]|\\s*(?:am|pm|a\\.m|p\\.m|days?|weeks?|months?)\\b)(?!\\p{L})');

/** Where a duration may begin: at a word start, not inside "12:30", "2026-03-03" or "3/3". */
const CANDIDATE = /(?<![\p{L}\p{N}.,:/'-])(?=[\p{L}\p{N}-])/gu;

/**
 * Finds the first spoken duration and claims it: "2h", "1h30m", "1h 30",
 * "1.5h", "1,5 hours", "an hour and a half", "half an hour", "1:30h",
 * "ninety minutes", "-2h". Values are exact seconds; sign and size are
 * reported as said, the caller decides what it accepts.
 */
export function extractDuration(u: Utterance): DurationMatch | null {
  const text = u.free;
  for (const candidate of text.matchAll(CANDIDATE)) {
    const parsed = parseAt(text, candidate.index);
    if (parsed === null) continue;
    const span = { start: candidate.index, end: parsed.end };
    u.claim(span);
    return { seconds: parsed.seconds, span };
  }
  return null;
}

function parseAt(text: string, start: number): { seconds: number; end: number } | null {
  const at = (re: RegExp, pos: number): RegExpExecArray | null => {
    re.lastIndex = pos;
    return re.exec(text);
  };
  let pos = start;
  let sign = 1;
  const signMatch = at(SIGN, pos);
  if (signMatch) {
    sign = -1;
    pos += signMatch[0].length;
  }

  for (const phrase of PHRASES) {
    const m = at(phrase.re, pos);
    if (m) return { seconds: sign * phrase.seconds(m), end: pos + m[0].length };
  }

  const first = at(FIRST, pos);
  if (!first) return null;
  const amount = amountOf(first[1]);
  if (amount === null) return null;
  pos += first[0].length;

  let seconds: number;
  if (first[2] !== undefined) {
    seconds = amount * 3600;
    const half = at(AND_A_HALF, pos);
    if (half) {
      seconds += 1800;
      pos += half[0].length;
    }
    const minutes = at(NEXT_MINUTES, pos) ?? at(BARE_MINUTES, pos);
    if (minutes) {
      seconds += (amountOf(minutes[1]) ?? 0) * 60;
      pos += minutes[0].length;
    }
  } else if (first[3] !== undefined) {
    seconds = amount * 60;
  } else {
    seconds = amount;
  }
  if (first[4] === undefined) {
    const secs = at(NEXT_SECONDS, pos);
    if (secs) {
      seconds += amountOf(secs[1]) ?? 0;
      pos += secs[0].length;
    }
  }
  return { seconds: sign * Math.round(seconds), end: pos };
}

/** "2", "1,5", "forty-five", "an", "a couple of", "2½", "one and a half". */
function amountOf(text: string): number | null {
  let t = text.trim().replace(/\s+/g, ' ');
  let extra = 0;
  const fraction = /(?:\s*½| 1\/2| and a half)$/.exec(t);
  if (fraction) {
    extra = 0.5;
    t = t.slice(0, fraction.index).trim();
  }
  if (/^an?$/.test(t)) return 1 + extra;
  if (/^(?:a )?couple(?: of)?$/.test(t)) return 2 + extra;
  const n = parseNumber(t);
  return n === null ? null : n + extra;
}
