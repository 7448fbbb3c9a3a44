import { DateTime } from 'luxon';

/** A `date` column value (UTC midnight) from `YYYY-MM-DD`. */
export function dateOnly(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** `YYYY-MM-DD` of a `date` column value. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The local calendar day of an instant in an IANA zone. */
export function localDay(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toISODate() ?? isoDay(instant);
}

/** Instants carry whole seconds only, so durations are exact integer seconds. */
export function truncateToSecond(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/** Monday (ISO week start) of the week containing `day`. */
export function mondayOf(day: string): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).startOf('week').toISODate()!;
}

export function isValidZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid;
}

export const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isCalendarDay(s: string): boolean {
  return ISO_DAY.test(s) && DateTime.fromISO(s, { zone: 'UTC' }).isValid;
}

/** ISO-8601 date-time with an explicit offset (`Z` or `±hh:mm`): a time without one is ambiguous. */
export const ISO_INSTANT_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
