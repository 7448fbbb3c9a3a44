import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { WORD_NUMBER_SOURCE, parseNumber } from './lexicon.js';
import type { ParseContext } from './types.js';
import type { Span, Utterance } from './utterance.js';

/** A local calendar day: a luxon DateTime at 00:00 in the user's zone. */
export type LocalDay = DateTime;

export interface DayMatch {
  day: LocalDay;
  /** How a report names the day: 'today', 'yesterday', 'on Monday', 'on 2026-03-03'. */
  label: string;
  span: Span;
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

export function localToday(ctx: ParseContext): LocalDay {
  return DateTime.fromJSDate(ctx.now, { zone: ctx.timeZone }).startOf('day');
}

export function isoDate(day: LocalDay): string {
  return day.toISODate() ?? '';
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const COUNT = `(?:\\d+|${WORD_NUMBER_SOURCE}|an?|a\\s+couple\\s+of|couple\\s+of)`;

const RELATIVE: ReadonlyArray<{ re: RegExp; offset: (m: RegExpExecArray) => number }> = [
  { re: /\b(?:on\s+|for\s+)?(?:the\s+)?day\s+before\s+yesterday\b/, offset: () => -2 },
  { re: /\b(?:on\s+|for\s+)?(?:the\s+)?day\s+after\s+tomorrow\b/, offset: () => 2 },
  {
    re: /\b(?:for\s+)?(?:yesterday(?:'s)?|last\s+night(?:'s)?)(?:\s+(?:morning|afternoon|evening|night))?\b/,
    offset: () => -1,
  },
  {
    re: /\b(?:for\s+)?(?:(?:earlier\s+|so\s+far\s+)?today(?:'s)?|tonight(?:'s)?|this\s+(?:morning|afternoon|evening)(?:'s)?)(?:\s+so\s+far)?\b/,
    offset: () => 0,
  },
  { re: /\b(?:for\s+)?tomorrow(?:'s)?(?:\s+(?:morning|afternoon|evening))?\b/, offset: () => 1 },
  {
    re: new RegExp(`\\b(${COUNT})\\s+(days?|weeks?)\\s+ago\\b`),
    offset: (m) => -countOf(m[1]) * (m[2].startsWith('week') ? 7 : 1),
  },
];

const WEEKDAY_RE =
  /\b(?:(?<on>on|for)\s+)?(?:(?<mod>last|this|next|past|previous|coming)\s+)?(?<wd>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b/g;

const WEEKDAY_NAMES = WEEKDAYS.join('|');
const WEEKDAY_OF_LAST_WEEK_RE = new RegExp(
  `\\b(?:on\\s+)?(?:(${WEEKDAY_NAMES})\\s+(?:of\\s+)?(?:last|previous)\\s+week|(?:last|previous)\\s+week'?s?\\s+(${WEEKDAY_NAMES}))\\b`,
);

const WEEKDAY_NAME_RE = new RegExp(`\\b(?:${WEEKDAY_NAMES})\\b`);

/** Whether the text names a weekday (spelled out). */
export function mentionsWeekday(text: string): boolean {
  return WEEKDAY_NAME_RE.test(text);
}

/** Whether the text names a weekday of last week, which a report reads as that day, not the week. */
export function mentionsWeekdayOfLastWeek(text: string): boolean {
  return WEEKDAY_OF_LAST_WEEK_RE.test(text);
}

/** "the 3rd", "on the 21st": that day of the current month, or of last month if still ahead. */
const ORDINAL_RE = /\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+of\b)/g;

/** European "3.3.", "03.03.2026": chrono reads slashes the US way and leaves dots alone. */
const DOTTED_RE = /(?<![\p{L}\d.])(?:on\s+)?(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})?(?![\d])/gu;

/**
 * Finds and claims the day a message talks about: relative words
 * ("yesterday", "3 days ago"), weekdays, and calendar dates through chrono.
 */
export function extractDay(u: Utterance, ctx: ParseContext): DayMatch | null {
  const today = localToday(ctx);
  const text = u.free;

  for (const { re, offset } of RELATIVE) {
    const m = re.exec(text);
    if (m === null) continue;
    const day = today.plus({ days: offset(m) });
    return claimed(u, m, day, relativeLabel(day, today));
  }

  // "monday last week", "last week's friday": that day of the previous Monday–Sunday week.
  const ofLastWeek = WEEKDAY_OF_LAST_WEEK_RE.exec(text);
  if (ofLastWeek !== null) {
    const name = ofLastWeek[1] ?? ofLastWeek[2];
    const day = today
      .startOf('week')
      .minus({ weeks: 1 })
      .plus({ days: WEEKDAYS.findIndex((w) => w === name) });
    return claimed(u, ofLastWeek, day, `on ${capitalise(name)}`);
  }

  for (const m of text.matchAll(WEEKDAY_RE)) {
    const g = m.groups ?? {};
    const index = WEEKDAYS.findIndex((w) => w.startsWith(g.wd.slice(0, 3)));
    // Abbreviations ("sat", "wed") are ordinary words unless a day is clearly meant.
    const abbreviated = !(WEEKDAYS as readonly string[]).includes(g.wd);
    if (abbreviated && g.on === undefined && g.mod === undefined) continue;
    const day = resolveWeekday(today, index + 1, g.mod);
    return claimed(u, m, day, `on ${capitalise(WEEKDAYS[index])}`);
  }

  for (const m of text.matchAll(ORDINAL_RE)) {
    let day = today.set({ day: Number(m[1]) });
    if (!day.isValid || day.day !== Number(m[1])) continue;
    if (day > today) day = day.minus({ months: 1 });
    return claimed(u, m, day, `on ${isoDate(day)}`);
  }

  for (const m of text.matchAll(DOTTED_RE)) {
    const day = calendarDay(today, Number(m[2]), Number(m[1]), m[3] === undefined ? undefined : fullYear(m[3]));
    if (day === null) continue;
    return claimed(u, m, day, relativeLabel(day, today));
  }

  for (const r of chronoDates(u, ctx)) {
    if (r.end !== null) continue;
    const span = { start: r.span.start, end: r.span.end };
    const prefix = /(?:\b(?:on|for)\s+)$/.exec(text.slice(0, span.start));
    if (prefix) span.start -= prefix[0].length;
    u.claim(span);
    return { day: r.start, label: relativeLabel(r.start, today), span };
  }
  return null;
}

/** A calendar date chrono found, resolved to local days. */
export interface ChronoDate {
  start: LocalDay;
  end: LocalDay | null;
  span: Span;
  /** The month is certain but the day is not ("in March"). */
  monthOnly: boolean;
}

/**
 * Calendar dates in the unclaimed text, via chrono: "March 3", "2026-03-03",
 * "3/3", "Nov 3rd 2025", "from March 2 to March 8". Only results that name a
 * day or a month count; chrono's lone times ("at 5") are the clock parser's job.
 */
export function chronoDates(u: Utterance, ctx: ParseContext): ChronoDate[] {
  const today = localToday(ctx);
  const reference = { instant: ctx.now, timezone: DateTime.fromJSDate(ctx.now, { zone: ctx.timeZone }).offset };
  const out: ChronoDate[] = [];
  for (const r of chrono.parse(u.free, reference)) {
    const monthOnly = r.start.isCertain('month') && !r.start.isCertain('day');
    if (!r.start.isCertain('day') && !monthOnly) continue;
    if (!r.start.isCertain('month')) continue;
    const year = (c: chrono.ParsedComponents): number | undefined => (c.isCertain('year') ? (c.get('year') ?? undefined) : undefined);
    const start = calendarDay(today, r.start.get('month') ?? 1, monthOnly ? 1 : (r.start.get('day') ?? 1), year(r.start));
    if (start === null) continue;
    let end: LocalDay | null = null;
    if (r.end && r.end.isCertain('day')) {
      end = calendarDay(start, r.end.get('month') ?? start.month, r.end.get('day') ?? 1, year(r.end) ?? start.year);
      if (end !== null && end < start) end = end.plus({ years: 1 });
    }
    out.push({ start, end, span: { start: r.index, end: r.index + r.text.length }, monthOnly });
  }
  return out;
}

/**
 * The most recent such weekday not after today (today counts) for "monday" and
 * "on monday"; strictly before today for "last monday"; within the current
 * Monday–Sunday week for "this monday"; strictly after today for "next monday".
 */
export function resolveWeekday(today: LocalDay, isoWeekday: number, modifier?: string): LocalDay {
  const back = (today.weekday - isoWeekday + 7) % 7;
  switch (modifier) {
    case 'last':
    case 'previous':
    case 'past':
      return today.minus({ days: back === 0 ? 7 : back });
    case 'this':
      return today.startOf('week').plus({ days: isoWeekday - 1 });
    case 'next':
    case 'coming':
      return today.plus({ days: back === 0 ? 7 : 7 - back });
    default:
      return today.minus({ days: back });
  }
}

/**
 * A day from month and day-of-month. Without a year the user rarely means a
 * date far ahead: the past occurrence wins unless the next one is more than
 * four times closer ("Nov 30" on Nov 25 is five days ahead, so the caller can
 * refuse it as future; "March 3" in November is last March).
 */
export function calendarDay(today: LocalDay, month: number, day: number, year?: number): LocalDay | null {
  const make = (y: number): LocalDay | null => {
    const d = DateTime.fromObject({ year: y, month, day }, { zone: today.zone });
    return d.isValid && d.day === day ? d.startOf('day') : null;
  };
  if (year !== undefined) return make(year);
  const candidates = [today.year - 1, today.year, today.year + 1].map(make).filter((d): d is LocalDay => d !== null);
  let best: LocalDay | null = null;
  let bestCost = Number.MAX_SAFE_INTEGER;
  for (const d of candidates) {
    const days = Math.round(d.diff(today, 'days').days);
    const cost = days <= 0 ? -days : days * 4;
    if (cost < bestCost) {
      best = d;
      bestCost = cost;
    }
  }
  return best;
}

function relativeLabel(day: LocalDay, today: LocalDay): string {
  const days = Math.round(day.diff(today, 'days').days);
  if (days === 0) return 'today';
  if (days === -1) return 'yesterday';
  if (days === 1) return 'tomorrow';
  return `on ${isoDate(day)}`;
}

function claimed(u: Utterance, m: RegExpExecArray, day: LocalDay, label: string): DayMatch {
  const span = { start: m.index, end: m.index + m[0].length };
  u.claim(span);
  return { day, label, span };
}

function countOf(text: string): number {
  const t = text.replace(/\s+/g, ' ');
  if (/^an?$/.test(t)) return 1;
  if (/couple/.test(t)) return 2;
  return parseNumber(t) ?? 0;
}

function fullYear(text: string): number {
  const y = Number(text);
  return text.length === 2 ? 2000 + y : y;
}
