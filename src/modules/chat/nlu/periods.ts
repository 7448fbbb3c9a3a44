import { WORD_NUMBER_SOURCE, parseNumber } from './lexicon.js';
import { type LocalDay, chronoDates, extractDay, isoDate, localToday, mentionsWeekdayOfLastWeek } from './dates.js';
import type { ParseContext, Period } from './types.js';
import type { Utterance } from './utterance.js';

const COUNT = `(\\d+|${WORD_NUMBER_SOURCE}|a\\s+couple\\s+of|couple\\s+of)`;
const LEAD = '(?:for\\s+|in\\s+|during\\s+|over\\s+)?(?:the\\s+)?';

/**
 * Named periods. Weeks run Monday to Sunday and "this week" is the whole
 * current week, Sunday included even though it lies ahead: a report over days
 * without entries adds nothing, and the caller gets the same `from`/`to` as
 * for any calendar week ("last week", "week of March 2") — one definition of
 * a week, not two. Months are likewise whole calendar months.
 */
const NAMED: ReadonlyArray<{ re: RegExp; period: (today: LocalDay, m: RegExpExecArray) => Period }> = [
  {
    re: new RegExp(`\\b${LEAD}(?:last|past|previous)\\s+${COUNT}\\s+(days|weeks|months)\\b`),
    period: (today, m) => {
      const n = countOf(m[1]);
      const from =
        m[2] === 'days'
          ? today.minus({ days: n - 1 })
          : m[2] === 'weeks'
            ? today.minus({ days: 7 * n - 1 })
            : today.minus({ months: n }).plus({ days: 1 });
      return span(from, today, `last ${n} ${m[2]}`);
    },
  },
  {
    re: /\b(?:for\s+|in\s+|during\s+)?(?:the\s+)?past\s+(?:7\s+days|seven\s+days|week)\b/,
    period: (today) => span(today.minus({ days: 6 }), today, 'last 7 days'),
  },
  {
    re: /\b(?:for\s+|in\s+|during\s+)?(?:the\s+)?(?:last|previous|prior)\s+(?:week|wk)\b|\bweek\s+before\s+this\b/,
    period: (today) => week(today.minus({ weeks: 1 }), 'last week'),
  },
  {
    re: /\b(?:for\s+|in\s+|during\s+)?(?:the\s+)?next\s+week\b/,
    period: (today) => week(today.plus({ weeks: 1 }), 'next week'),
  },
  {
    re: /\b(?:for\s+|in\s+|during\s+)?(?:so\s+far\s+)?(?:this|the\s+current|current|my|the)\s+(?:week|wk)(?:\s+so\s+far)?\b|\bweek\s+to\s+date\b|\bweekly\b/,
    period: (today) => week(today, 'this week'),
  },
  {
    re: /\b(?:for\s+|in\s+|during\s+)?(?:the\s+)?(?:last|previous|prior)\s+month\b/,
    period: (today) => month(today.minus({ months: 1 }), 'last month'),
  },
  {
    re: /\b(?:for\s+|in\s+|during\s+)?(?:so\s+far\s+)?(?:this|the\s+current|current|my|the)\s+month(?:\s+so\s+far)?\b|\bmonth\s+to\s+date\b|\bmonthly\b/,
    period: (today) => month(today, 'this month'),
  },
  {
    re: /\b(?:for\s+|in\s+|during\s+)?(?:the\s+)?(?:last|previous)\s+year\b/,
    period: (today) => {
      const start = today.minus({ years: 1 }).startOf('year');
      return span(start, start.endOf('year').startOf('day'), 'last year');
    },
  },
  {
    re: /\b(?:for\s+|in\s+|during\s+)?(?:this|the\s+current|current)\s+year\b|\byear\s+to\s+date\b/,
    period: (today) => span(today.startOf('year'), today.endOf('year').startOf('day'), 'this year'),
  },
  {
    re: /\b(?:over\s+|on\s+)?(?:the\s+)?(?:last|past|previous)\s+weekend\b/,
    period: (today) => weekend(today.minus({ weeks: 1 }), 'last weekend'),
  },
  {
    re: /\b(?:over\s+|on\s+)?(?:this|the)\s+weekend\b/,
    period: (today) => weekend(today, 'this weekend'),
  },
];

/**
 * Finds and claims the period a report asks about, or null when the message
 * names none (the caller then reports today).
 */
export function extractPeriod(u: Utterance, ctx: ParseContext): Period | null {
  const today = localToday(ctx);
  const text = u.free;

  // "Monday last week" is a day, not the week it mentions.
  if (mentionsWeekdayOfLastWeek(text)) {
    const day = extractDay(u, ctx);
    if (day !== null) return { from: isoDate(day.day), to: isoDate(day.day), label: day.label };
  }

  for (const { re, period } of NAMED) {
    const m = re.exec(text);
    if (m === null) continue;
    u.claim({ start: m.index, end: m.index + m[0].length });
    return period(today, m);
  }

  const explicit = explicitRange(u, ctx);
  if (explicit !== null) return explicit;

  // "since Monday", "since March 2": that day through today.
  const since = /\b(?:ever\s+)?since\s+/.exec(text);
  const day = extractDay(u, ctx);
  if (day === null) return null;
  if (since !== null && since.index + since[0].length === day.span.start) {
    u.claim({ start: since.index, end: day.span.start });
    return span(day.day, today, `since ${day.label.replace(/^on /, '')}`);
  }
  // "from Monday to Wednesday", "between yesterday and today": two days joined make a range.
  const other = extractDay(u, ctx);
  if (other !== null) {
    const [a, b] = day.span.start < other.span.start ? [day, other] : [other, day];
    if (/^\s*(?:-|to|until|till|through|thru|and)\s*$/.test(u.text.slice(a.span.end, b.span.start))) {
      u.claim(widen(u.text, a.span.start, b.span.end));
      const [from, to] = a.day <= b.day ? [a.day, b.day] : [b.day, a.day];
      return span(from, to, rangeLabel(from, to));
    }
    u.release(other.span);
  }
  return { from: isoDate(day.day), to: isoDate(day.day), label: day.label };
}

/** "from March 2 to March 8", "between 2026-03-02 and 2026-03-08", "in March". */
function explicitRange(u: Utterance, ctx: ParseContext): Period | null {
  const text = u.free;
  const dates = chronoDates(u, ctx);
  for (let i = 0; i < dates.length; i++) {
    const d = dates[i];
    if (d.end !== null) {
      u.claim(widen(text, d.span.start, d.span.end));
      return span(d.start, d.end, rangeLabel(d.start, d.end));
    }
    const next = dates[i + 1];
    if (next !== undefined && /^\s*(?:-|to|until|till|through|thru|and)\s*$/.test(text.slice(d.span.end, next.span.start))) {
      const end = next.monthOnly ? next.start.endOf('month').startOf('day') : next.start;
      u.claim(widen(text, d.span.start, next.span.end));
      return span(d.start, end, rangeLabel(d.start, end));
    }
    if (d.monthOnly) {
      u.claim(widen(text, d.span.start, d.span.end));
      return month(d.start, d.start.toFormat('MMMM yyyy'));
    }
  }
  return null;
}

/** Includes a leading "from", "between", "in" or "during" in a claimed span. */
function widen(text: string, start: number, end: number): { start: number; end: number } {
  const lead = /\b(?:from|between|in|during|for)\s+$/.exec(text.slice(0, start));
  return { start: lead ? lead.index : start, end };
}

function span(from: LocalDay, to: LocalDay, label: string): Period {
  return { from: isoDate(from), to: isoDate(to), label };
}

function week(day: LocalDay, label: string): Period {
  const monday = day.startOf('week');
  return span(monday, monday.plus({ days: 6 }), label);
}

function weekend(day: LocalDay, label: string): Period {
  const saturday = day.startOf('week').plus({ days: 5 });
  return span(saturday, saturday.plus({ days: 1 }), label);
}

function month(day: LocalDay, label: string): Period {
  const first = day.startOf('month');
  return span(first, first.endOf('month').startOf('day'), label);
}

function rangeLabel(from: LocalDay, to: LocalDay): string {
  return `${isoDate(from)} – ${isoDate(to)}`;
}

function countOf(text: string): number {
  const t = text.replace(/\s+/g, ' ');
  if (/couple/.test(t)) return 2;
  return parseNumber(t) ?? 1;
}
