import type { Span, Utterance } from './utterance.js';

/** A wall-clock time of day, 24-hour. */
export interface ClockTime {
  hour: number;
  minute: number;
}

export interface ClockRange {
  start: ClockTime;
  end: ClockTime;
  span: Span;
  /** The morning reading of a bare "5-6" that was read as the afternoon, for when the afternoon has not come yet. */
  morning?: { start: ClockTime; end: ClockTime };
}

type Meridiem = 'am' | 'pm' | null;

interface RawTime {
  hour: number;
  minute: number;
  meridiem: Meridiem;
  /** Written with minutes ("9:00", "14.30"), which reads as a 24-hour clock. */
  hasMinutes: boolean;
  word: 'noon' | 'midnight' | null;
}

// "9", "9:30", "9.30", "9am", "0930" (four digits: a 24-hour time), "noon".
const time = (n: string): string =>
  `(?:(?<h${n}>\\d{1,2})(?:[:.](?<m${n}>[0-5]\\d))?(?:\\s*(?<ap${n}>[ap])\\.?m\\.?(?![\\p{L}]))?` +
  `|(?<hh${n}>[01]\\d|2[0-3])(?<mm${n}>[0-5]\\d)|(?<w${n}>noon|midday|midnight))`;

/**
 * "from 9am to 12:30", "9-11", "14:00-15:15", "between 2pm and 4pm",
 * "9:00 until 10:15", "10 to 11am". Not "3-4 hours" (a vague duration),
 * "2026-03-03" or "9-11 days".
 */
const RANGE = new RegExp(
  `(?<![\\p{L}\\p{N}:./-])(?<lead>(?:from|between|starting(?:\\s+at)?|at)\\s+)?${time('1')}\\s*` +
    `(?<sep>-|to|until|till|til|through|thru|and)\\s*${time('2')}` +
    `(?![\\p{N}:/]|[.-]\\d|\\s*(?:h|hrs?|hours?|m|mins?|minutes?|days?|weeks?|months?|%)(?![\\p{L}]))`,
  'giu',
);

/** A single start time, used only with a duration: "2h from 9am", "starting at 14:00 for 45 minutes". */
const START = new RegExp(
  `(?<![\\p{L}\\p{N}:./-])(?<lead>from|starting(?:\\s+at)?|started\\s+at|beginning\\s+at|since|at)\\s+${time('1')}` +
    `(?![\\p{N}:/]|\\s*(?:h|hrs?|hours?|m|mins?|minutes?|days?)(?![\\p{L}]))`,
  'giu',
);

/** Finds and claims a clock range. */
export function extractClockRange(u: Utterance): ClockRange | null {
  for (const m of u.free.matchAll(RANGE)) {
    const g = m.groups ?? {};
    const a = rawTime(g.h1 ?? g.hh1, g.m1 ?? g.mm1, g.ap1, g.w1);
    const b = rawTime(g.h2 ?? g.hh2, g.m2 ?? g.mm2, g.ap2, g.w2);
    if (a === null || b === null) continue;
    // "and" only joins times after "between"; "2 and 3" alone is not a range.
    if (g.sep.toLowerCase() === 'and' && !/^between/i.test(g.lead ?? '')) continue;
    const resolved = resolveRange(a, b);
    if (resolved === null) continue;
    const span = { start: m.index, end: m.index + m[0].length };
    u.claim(span);
    // Early morning work ("5-6") is plausible; "1-3" at night is not: that stays the afternoon (the caller asks if it is ahead).
    const guessedAfternoon = a.word === null && b.meridiem === null && a.meridiem === null && workdayGuess(a) === 'pm' && a.hour >= 4;
    const morning = guessedAfternoon ? resolveRange({ ...a, meridiem: 'am' }, b) : null;
    return { ...resolved, span, ...(morning ? { morning } : {}) };
  }
  return null;
}

/**
 * Finds and claims a lone start time. Only called when the message also has a
 * duration, which is what makes "at 9" in "log 2h at 9" a clock time.
 */
export function extractStartTime(u: Utterance): { time: ClockTime; span: Span } | null {
  for (const m of u.free.matchAll(START)) {
    const g = m.groups ?? {};
    const t = rawTime(g.h1 ?? g.hh1, g.m1 ?? g.mm1, g.ap1, g.w1);
    if (t === null) continue;
    const span = { start: m.index, end: m.index + m[0].length };
    u.claim(span);
    return { time: { hour: to24(t, workdayGuess(t)), minute: t.minute }, span };
  }
  return null;
}

function rawTime(h?: string, m?: string, ap?: string, word?: string): RawTime | null {
  if (word !== undefined) {
    const w = word.toLowerCase();
    const isMidnight = w === 'midnight';
    return { hour: isMidnight ? 0 : 12, minute: 0, meridiem: null, hasMinutes: true, word: isMidnight ? 'midnight' : 'noon' };
  }
  if (h === undefined) return null;
  const hour = Number(h);
  const minute = m === undefined ? 0 : Number(m);
  const meridiem: Meridiem = ap === undefined ? null : ap.toLowerCase() === 'a' ? 'am' : 'pm';
  if (meridiem !== null ? hour < 1 || hour > 12 : hour > 24) return null;
  if (hour === 24 && minute !== 0) return null;
  return { hour: hour % 24, minute, meridiem, hasMinutes: m !== undefined, word: null };
}

function to24(t: RawTime, meridiem: Meridiem): number {
  if (t.word !== null || t.hour > 12 || meridiem === null) return t.hour;
  if (meridiem === 'am') return t.hour === 12 ? 0 : t.hour;
  return t.hour === 12 ? 12 : t.hour + 12;
}

/**
 * A bare "1" to "6" without am/pm is read as afternoon ("1-3" is 13:00–15:00):
 * people log working hours, and nobody writes "1-3" meaning a night shift.
 * Written with minutes ("01:00", "6:30") it is taken as a 24-hour time.
 */
function workdayGuess(t: RawTime): Meridiem {
  if (t.meridiem !== null) return t.meridiem;
  return !t.hasMinutes && t.hour >= 1 && t.hour <= 6 ? 'pm' : null;
}

const minutesOf = (hour: number, minute: number): number => hour * 60 + minute;

/**
 * Turns two written times into 24-hour times. A side without am/pm borrows
 * what makes the range shortest and forward: "10 to 11am" is 10:00–11:00,
 * "9am to 12:30" is 09:00–12:30, "2pm to 5" ends at 17:00. If the end still
 * falls before the start, the range crosses midnight; the caller moves the end
 * to the next day.
 */
function resolveRange(a: RawTime, b: RawTime): { start: ClockTime; end: ClockTime } | null {
  let startHour: number;
  if (a.meridiem === null && a.word === null && a.hour <= 12 && b.meridiem !== null) {
    // Start inherits the end's half of the day if that keeps it before the end.
    const same = to24(a, b.meridiem);
    const endHour = to24(b, b.meridiem);
    startHour = minutesOf(same, a.minute) < minutesOf(endHour, b.minute) ? same : to24(a, b.meridiem === 'am' ? 'pm' : 'am');
  } else {
    startHour = to24(a, workdayGuess(a));
  }
  const start = { hour: startHour, minute: a.minute };

  let endHour: number;
  if (b.word === 'midnight') {
    endHour = 0; // before any start, so the caller moves it to the next day
  } else if (b.meridiem !== null || b.word !== null || b.hour > 12 || b.hour === 0) {
    endHour = to24(b, b.meridiem);
  } else {
    // Bare end "5" or "12:30": the first reading not before the start, "12" being noon before
    // midnight. An end equal to the start stays equal ("10:00-10:00" is 0 seconds, for the caller to refuse).
    const candidates = b.hour === 12 ? [12, 24] : [b.hour, b.hour + 12];
    const after = candidates.find((h) => minutesOf(h, b.minute) >= minutesOf(start.hour, start.minute));
    endHour = (after ?? candidates[0]) % 24;
  }
  return { start, end: { hour: endHour, minute: b.minute } };
}
