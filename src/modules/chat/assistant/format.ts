import { DateTime } from 'luxon';

/** 7200 → "2h", 2700 → "45m", 5400 → "1h 30m", 45 → "45s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h === 0 && m === 0) return `${rest}s`;
  const parts = [];
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (!h && rest && m < 10) parts.push(`${rest}s`);
  return parts.join(' ');
}

/** A local day relative to today: "today", "yesterday", "on Monday", "on 3 March". */
export function formatDay(date: string, today: string): string {
  if (date === today) return 'today';
  const d = DateTime.fromISO(date);
  const t = DateTime.fromISO(today);
  const diff = Math.round(t.diff(d, 'days').days);
  if (diff === 1) return 'yesterday';
  if (diff === -1) return 'tomorrow';
  if (diff > 1 && diff < 7) return `on ${d.toFormat('cccc')}`;
  return d.year === t.year ? `on ${d.toFormat('d LLLL')}` : `on ${d.toFormat('d LLLL yyyy')}`;
}

/** Local clock time "09:30" of an instant in a zone. */
export function formatClock(instant: Date | string, zone: string): string {
  return DateTime.fromJSDate(new Date(instant)).setZone(zone).toFormat('HH:mm');
}

/** "today" / "yesterday" / "this week" … with the dates when useful. */
export function formatPeriod(label: string, from: string, to: string): string {
  if (/^(today|yesterday|this week|last week|this month|last month)$/i.test(label)) return label;
  if (from === to) return `on ${from}`;
  return `from ${from} to ${to}`;
}

export function listNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
