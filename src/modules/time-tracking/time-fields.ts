import { ErrorDetail, ValidationFailedError } from '../../common/errors.js';
import { isCalendarDay, localDay, truncateToSecond } from './dates.js';

/**
 * How an entry's time fields become a stored shape, as pure functions of the
 * request, the owner's time zone and now: timed ({startTime, endTime} or
 * {startTime, duration}), duration-only ({date, duration}) or a running timer
 * (startTime alone, only by PATCHing a running entry). No entry lasts longer
 * than MAX_DURATION_SECONDS, none ends in the future, and a duration-only
 * entry's date is never after the owner's today.
 */

/** The longest entry (24 hours): the DTOs, the services and the chat assistant all check against it. */
export const MAX_DURATION_SECONDS = 86_400;

/** Time fields of a request: one of {startTime, endTime}, {startTime, duration} or {date, duration}. */
export interface TimeFieldsInput {
  startTime?: string | Date;
  endTime?: string | Date;
  duration?: number;
  date?: string;
}

export interface ResolvedTimes {
  date: string;
  startTime: Date | null;
  endTime: Date | null;
  duration: number | null;
}

/** An existing entry's time fields (what a PATCH is merged with). */
export type CurrentTimes = ResolvedTimes;

type Shape = 'timed' | 'duration' | 'running';

function shapeOf(e: { startTime: Date | null; endTime: Date | null }): Shape {
  if (!e.startTime) return 'duration';
  return e.endTime ? 'timed' : 'running';
}

const SHAPE_HELP = 'give one of {startTime, endTime}, {startTime, duration} or {date, duration}';

export function resolveNewTimes(input: TimeFieldsInput, timeZone: string, now: Date): ResolvedTimes {
  const has = {
    startTime: input.startTime !== undefined && input.startTime !== null,
    endTime: input.endTime !== undefined && input.endTime !== null,
    duration: input.duration !== undefined && input.duration !== null,
    date: input.date !== undefined && input.date !== null,
  };
  const details: ErrorDetail[] = [];
  if (has.endTime && has.duration) details.push({ field: 'duration', message: 'give either endTime or duration, not both' });
  if (has.date && (has.startTime || has.endTime)) {
    details.push({
      field: 'date',
      message: "date goes only with duration (a duration-only entry); a timed entry's date is the local day of its startTime",
    });
  }
  if (has.endTime && !has.startTime) details.push({ field: 'startTime', message: 'startTime is required with endTime' });
  if (details.length === 0) {
    if (has.startTime && has.endTime) return timed(input.startTime!, { endTime: input.endTime! }, timeZone, now);
    if (has.startTime && has.duration) return timed(input.startTime!, { duration: input.duration! }, timeZone, now);
    if (has.date && has.duration) return durationOnly(input.date!, input.duration!, timeZone, now);
    if (has.startTime)
      details.push({
        field: 'endTime',
        message: `endTime or duration is required with startTime (${SHAPE_HELP}; POST /time-entries/start runs a timer)`,
      });
    else if (has.duration) details.push({ field: 'date', message: `date or startTime is required with duration (${SHAPE_HELP})` });
    else if (has.date) details.push({ field: 'duration', message: 'duration is required with date' });
    else details.push({ field: 'startTime', message: `the entry has no time: ${SHAPE_HELP}` });
  }
  throw new ValidationFailedError(`Invalid time fields: ${SHAPE_HELP}`, details);
}

/**
 * A PATCH's time fields merged with the entry's current shape: a complete
 * shape replaces it; otherwise the given fields replace their counterparts
 * and the rest is kept (a timed entry keeps its start; a duration-only one
 * its date or duration). Mixing a date with clock times is refused.
 */
export function resolveMergedTimes(current: CurrentTimes, input: TimeFieldsInput, timeZone: string, now: Date): ResolvedTimes {
  const given = (['startTime', 'endTime', 'duration', 'date'] as const).filter((k) => input[k] !== undefined && input[k] !== null);
  if (given.length === 0) {
    return { date: current.date, startTime: current.startTime, endTime: current.endTime, duration: current.duration };
  }
  const set = new Set<string>(given);
  const complete = (set.has('startTime') && (set.has('endTime') || set.has('duration'))) || (set.has('date') && set.has('duration'));
  if (complete || (set.has('endTime') && set.has('duration')) || (set.has('date') && (set.has('startTime') || set.has('endTime')))) {
    return resolveNewTimes(input, timeZone, now);
  }
  const shape = shapeOf(current);
  if (shape === 'duration') {
    if (set.has('date')) return durationOnly(input.date!, current.duration!, timeZone, now);
    if (set.has('duration')) return durationOnly(current.date, input.duration!, timeZone, now);
    // startTime or endTime alone on a duration-only entry: not enough to place it in time.
    return resolveNewTimes(input, timeZone, now);
  }
  if (set.has('date')) {
    throw ValidationFailedError.field(
      'date',
      "a timed entry's date is the local day of its startTime; give {date, duration} to make it duration-only",
    );
  }
  const start = current.startTime!;
  if (set.has('startTime')) {
    if (shape === 'running') return runningFrom(input.startTime!, timeZone, now);
    return timed(input.startTime!, { endTime: current.endTime! }, timeZone, now);
  }
  if (set.has('endTime')) return timed(start, { endTime: input.endTime! }, timeZone, now);
  return timed(start, { duration: input.duration! }, timeZone, now);
}

function parseInstant(value: string | Date, field: string): Date {
  const d = value instanceof Date ? new Date(value.getTime()) : new Date(value);
  if (Number.isNaN(d.getTime())) throw ValidationFailedError.field(field, `${field} must be an ISO-8601 date-time`);
  return truncateToSecond(d);
}

function checkDuration(duration: number, field: string): void {
  if (!Number.isInteger(duration) || duration < 1 || duration > MAX_DURATION_SECONDS) {
    throw ValidationFailedError.field(field, `an entry lasts 1 second to 24 hours (${MAX_DURATION_SECONDS} s)`);
  }
}

function timed(
  startValue: string | Date,
  end: { endTime: string | Date } | { duration: number },
  timeZone: string,
  now: Date,
): ResolvedTimes {
  const startTime = parseInstant(startValue, 'startTime');
  let endTime: Date;
  let endField: string;
  if ('endTime' in end) {
    endTime = parseInstant(end.endTime, 'endTime');
    endField = 'endTime';
    if (endTime.getTime() <= startTime.getTime()) throw ValidationFailedError.field('endTime', 'endTime must be after startTime');
  } else {
    checkDuration(end.duration, 'duration');
    endTime = new Date(startTime.getTime() + end.duration * 1000);
    endField = 'duration';
  }
  const duration = Math.round((endTime.getTime() - startTime.getTime()) / 1000);
  checkDuration(duration, endField);
  if (startTime.getTime() > now.getTime()) throw ValidationFailedError.field('startTime', 'startTime must not be in the future');
  if (endTime.getTime() > now.getTime()) throw ValidationFailedError.field(endField, 'the entry must not end in the future');
  return { date: localDay(startTime, timeZone), startTime, endTime, duration };
}

function runningFrom(startValue: string | Date, timeZone: string, now: Date): ResolvedTimes {
  const startTime = parseInstant(startValue, 'startTime');
  if (startTime.getTime() > now.getTime()) throw ValidationFailedError.field('startTime', 'startTime must not be in the future');
  return { date: localDay(startTime, timeZone), startTime, endTime: null, duration: null };
}

function durationOnly(date: string, duration: number, timeZone: string, now: Date): ResolvedTimes {
  if (!isCalendarDay(date)) throw ValidationFailedError.field('date', 'date must be a valid date YYYY-MM-DD');
  checkDuration(duration, 'duration');
  const today = localDay(now, timeZone);
  if (date > today) throw ValidationFailedError.field('date', `date must not be after the user's today (${today}, ${timeZone})`);
  return { date, startTime: null, endTime: null, duration };
}
