import { DateTime } from 'luxon';
import { type ClockRange, type ClockTime, extractClockRange, extractStartTime } from './clock.js';
import {
  BARE_HOURS,
  BARE_HOURS_MINUTES,
  COURTESY,
  GREETING,
  GROUP_BY_DAY,
  GROUP_BY_PROJECT,
  HELP,
  LOG_START,
  NOT_TIME_TRACKING,
  PERIOD_WORD,
  QUESTION_START,
  REPORT,
  REPORT_NOUN_START,
  START,
  STATUS,
  STOP,
  THANKS,
  TIMER_COMMAND,
  TIME_NOUN,
  TIME_TOPIC,
} from './cues.js';
import { type LocalDay, extractDay, isoDate, localToday, mentionsWeekday } from './dates.js';
import { extractDescription, extractQuoted } from './description.js';
import { extractDuration } from './durations.js';
import { extractPeriod } from './periods.js';
import { type ExactMention, claimExactNames, resolveProject } from './projects.js';
import type { Intent, ParseContext } from './types.js';
import { Utterance } from './utterance.js';

/**
 * Only the start of a longer message is read: a request fits in far less, and
 * the matching is polynomial in the number of words, so a pasted document
 * must not cost the server seconds.
 */
const MAX_LENGTH = 2000;

/** Periods that are no single day: logging "last week" needs the day. */
const PERIOD_NOT_DAY = /\b(?:(?:in|during|for|over)\s+)?(?:the\s+)?(?:last|this|next|past|previous|coming)\s+(?:week|month|year|weekend)\b/;
/** Something written as a date: "31.02.", "2026-02-30", "2/30", "30/02/2026". */
const DATE_LIKE =
  /(?<![\p{L}\p{N}.:/-])(?:on\s+)?(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.(?:\d{2,4})?|\d{1,2}\/\d{1,2}(?:\/\d{2,4})?)(?![\p{N}:/-])/u;

/** What the message says about an amount of time, found before deciding what it asks for. */
interface Amounts {
  quoted: string | null;
  range: ClockRange | null;
  durationSeconds: number | null;
  startAt: ClockTime | null;
}

/**
 * Turns one chat message into an intent. Pure and deterministic: the same
 * text, instant, zone and projects always give the same intent.
 */
export function parseMessage(text: string, ctx: ParseContext): Intent {
  const u = Utterance.of(text.slice(0, MAX_LENGTH), protectedWords(ctx));
  const whole = u.text.trim();
  // The request proper, without "please", "can you", "hey bot,".
  const core = whole.replace(COURTESY, '').trim();
  if (!/[\p{L}\p{N}]/u.test(whole)) return { type: 'smalltalk', kind: 'other' };

  const named = claimExactNames(u, ctx.projects);
  const amounts = extractAmounts(u);
  const kind = classify(whole, core, amounts.range !== null || amounts.durationSeconds !== null);
  switch (kind) {
    case 'status':
      return { type: 'status' };
    case 'stop':
      return { type: 'stop_timer' };
    case 'start': {
      for (const m of u.free.matchAll(TIMER_COMMAND)) u.claim({ start: m.index, end: m.index + m[0].length });
      const project = resolveProject(u, ctx.projects, { expectProject: true }, named);
      return { type: 'start_timer', project: project.ref, description: amounts.quoted ?? extractDescription(u) };
    }
    case 'report':
      return report(u, ctx, named);
    case 'log':
      if (amounts.range === null && amounts.durationSeconds === null) amounts.durationSeconds = bareHours(u);
      return logTime(u, ctx, amounts, named);
    default:
      return { type: 'smalltalk', kind };
  }
}

type Kind = 'status' | 'stop' | 'start' | 'report' | 'log' | 'greeting' | 'thanks' | 'help' | 'other';

/**
 * What kind of request a message is. Order matters:
 * 1. status and help questions, which name no amount;
 * 2. reports: a question about time ("how many hours did I log today?")
 *    mentions "log" but must not log anything;
 * 3. stop and start commands without an amount;
 * 4. logging whenever an amount is present ("2h acme api") or a log command
 *    opens the message ("log acme api yesterday": the caller asks how long);
 * 5. everything else is small talk and never changes data.
 */
function classify(whole: string, core: string, hasAmount: boolean): Kind {
  const any = (res: readonly RegExp[], s: string): boolean => res.some((re) => re.test(s));
  const logCommand =
    LOG_START.test(core) ||
    ((BARE_HOURS.test(core) || BARE_HOURS_MINUTES.test(core)) && /^(?:log|add|book|track|record|put|enter)\b/.test(core));
  if (!hasAmount) {
    // "stop the running timer" names the running timer but asks to stop it.
    if (!/^(?:stop|end|pause|halt|kill|finish)\b/.test(core) && any(STATUS, whole)) return 'status';
    if (any(HELP, core)) return 'help';
    if (any(NOT_TIME_TRACKING, whole)) return 'other';
  }

  const reportCue = any(REPORT, whole);
  const asks = QUESTION_START.test(core);
  const reportWithoutAmount =
    reportCue ||
    REPORT_NOUN_START.test(core) ||
    (asks && TIME_TOPIC.test(whole)) ||
    (TIME_NOUN.test(whole) && PERIOD_WORD.test(whole) && !logCommand);
  // With an amount only a real question is a report: "did I log 2h yesterday?".
  if (hasAmount ? asks && reportCue : reportWithoutAmount) return 'report';

  if (!hasAmount && any(STOP, core)) return 'stop';
  if (!hasAmount && any(START, core)) return 'start';
  if (hasAmount || logCommand) return 'log';

  if (THANKS.test(whole)) return 'thanks';
  if (GREETING.test(whole)) return 'greeting';
  if (/\bhelp\b/.test(whole)) return 'help';
  return 'other';
}

/** "log 2 on acme": a bare number after a log verb is hours, "log 1:30 on acme" hours and minutes; null when there is none. */
function bareHours(u: Utterance): number | null {
  const hm = BARE_HOURS_MINUTES.exec(u.free);
  if (hm !== null) {
    const end = hm.index + hm[0].length; // the match ends with the "H:MM" (lookaheads take no room)
    u.claim({ start: end - `${hm[1]}:${hm[2]}`.length, end });
    return Number(hm[1]) * 3600 + Number(hm[2]) * 60;
  }
  const bare = BARE_HOURS.exec(u.free);
  if (bare === null) return null;
  const start = bare.index + bare[0].length - bare[1].length;
  u.claim({ start, end: start + bare[1].length });
  return Math.round(Number(bare[1].replace(',', '.')) * 3600);
}

/** Words of project names are never "corrected" into keywords. */
function protectedWords(ctx: ParseContext): Set<string> {
  const words = new Set<string>();
  for (const p of ctx.projects) for (const w of p.name.toLowerCase().split(/[^\p{L}\p{N}']+/u)) if (w) words.add(w);
  return words;
}

/**
 * Quoted text first (its digits are the user's words, not a duration), then
 * a clock range, then a duration, then a lone start time that only means
 * something next to a duration ("2h from 9am").
 */
function extractAmounts(u: Utterance): Amounts {
  const quoted = extractQuoted(u);
  const range = extractClockRange(u);
  const duration = extractDuration(u);
  const start = range === null && duration !== null ? extractStartTime(u) : null;
  return { quoted, range, durationSeconds: duration?.seconds ?? null, startAt: start?.time ?? null };
}

function logTime(u: Utterance, ctx: ParseContext, amounts: Amounts, named: readonly ExactMention[]): Intent {
  // "last week", "this month": a period, not the day to log on (a weekday of it, "monday last week", is a day).
  const period = mentionsWeekday(u.free) ? null : PERIOD_NOT_DAY.exec(u.free);
  if (period !== null) u.claim({ start: period.index, end: period.index + period[0].length });
  const dayMatch = extractDay(u, ctx);
  const day = dayMatch?.day ?? localToday(ctx);
  // "on Monday, Nov 23": a second name for the same day is not description.
  const again = dayMatch === null ? null : extractDay(u, ctx);
  if (again !== null && !again.day.hasSame(day, 'day')) u.release(again.span);
  // A date written out that names no existing day ("31.02.", "2026-02-30") was left unclaimed by extractDay.
  const invalidDate = dayMatch === null ? DATE_LIKE.exec(u.free) : null;
  if (invalidDate !== null) u.claim({ start: invalidDate.index, end: invalidDate.index + invalidDate[0].length });
  const unclear = period?.[0] ?? invalidDate?.[0].replace(/^on\s+/, '').trim();
  const project = resolveProject(u, ctx.projects, { expectProject: false }, named);
  const description = amounts.quoted ?? extractDescription(u);
  const base = {
    type: 'log_time' as const,
    project: project.ref,
    date: isoDate(day),
    description,
    ...(unclear !== undefined ? { unclearDay: unclear } : {}),
  };

  if (amounts.range !== null) {
    const minutes = (t: ClockTime): number => t.hour * 60 + t.minute;
    // An end before the start is on the next day ("22:00-01:00"); compared on the
    // wall clock, so a DST change inside the range cannot flip the decision.
    const place = (r: { start: ClockTime; end: ClockTime }): [DateTime, DateTime] => [
      at(day, r.start),
      minutes(r.end) < minutes(r.start) ? at(day.plus({ days: 1 }), r.end) : at(day, r.end),
    ];
    let [startTime, endTime] = place(amounts.range);
    // "worked 5-6" reads as the afternoon, unless that has not happened yet and the morning has.
    const morning = amounts.range.morning ? place(amounts.range.morning) : null;
    if (morning && endTime.toMillis() > ctx.now.getTime() && morning[1].toMillis() <= ctx.now.getTime()) [startTime, endTime] = morning;
    return {
      ...base,
      durationSeconds: Math.round(endTime.diff(startTime, 'seconds').seconds),
      startTime: startTime.toJSDate(),
      endTime: endTime.toJSDate(),
    };
  }
  if (amounts.startAt !== null && amounts.durationSeconds !== null) {
    const startTime = at(day, amounts.startAt);
    // Absolute arithmetic: two hours from 01:30 on a DST night are two real hours.
    const endTime = startTime.plus({ seconds: amounts.durationSeconds });
    return { ...base, durationSeconds: amounts.durationSeconds, startTime: startTime.toJSDate(), endTime: endTime.toJSDate() };
  }
  return { ...base, durationSeconds: amounts.durationSeconds ?? 0, startTime: null, endTime: null };
}

/** A wall-clock time on a local day; luxon moves times inside a DST gap forward. */
function at(day: LocalDay, time: ClockTime): DateTime {
  return DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour: time.hour, minute: time.minute }, { zone: day.zone });
}

function report(u: Utterance, ctx: ParseContext, named: readonly ExactMention[]): Intent {
  const whole = u.text;
  const groupBy = GROUP_BY_DAY.test(whole) ? 'day' : GROUP_BY_PROJECT.test(whole) ? 'project' : null;
  const today = isoDate(localToday(ctx));
  const period = extractPeriod(u, ctx) ?? { from: today, to: today, label: 'today' };
  const project = resolveProject(u, ctx.projects, { expectProject: false }, named);
  return { type: 'report', period, project: project.ref, groupBy };
}
