import { DateTime } from 'luxon';
import { extractClockRange } from './clock.js';
import { calendarDay, resolveWeekday } from './dates.js';
import { extractDuration } from './durations.js';
import { editDistance } from './fuzzy.js';
import { Utterance } from './utterance.js';

const zone = 'Europe/Berlin';
// Wednesday.
const today = DateTime.fromISO('2026-11-25', { zone }).startOf('day');

describe('editDistance', () => {
  it.each([
    ['log', 'log', 0],
    ['lgo', 'log', 1],
    ['redesing', 'redesign', 1],
    ['yesterdy', 'yesterday', 1],
    ['webshop', 'website', 3],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('stops counting past the limit', () => {
    expect(editDistance('abcdefgh', 'zyxwvuts', 2)).toBe(3);
  });
});

describe('Utterance', () => {
  it('corrects keyword typos but keeps the user spelling for descriptions', () => {
    const u = Utterance.of('Lgo 2h yesterdy: Fix LOGIN');
    expect(u.text).toBe('log 2h yesterday: fix login');
    expect(u.source({ start: 7, end: 16 })).toBe('yesterdy');
    expect(u.source({ start: 18, end: 27 })).toBe('Fix LOGIN');
  });

  it('never corrects the words of project names', () => {
    expect(Utterance.of('stpo motion', new Set(['stpo'])).text).toBe('stpo motion');
  });

  it('leaves real words that look like typos alone', () => {
    expect(Utterance.of('smart house times').text).toBe('smart house times');
  });
});

describe('extractDuration', () => {
  it.each([
    ['2h', 7200],
    ['1h30m', 5400],
    ['1h 30', 5400],
    ['1,5 hours', 5400],
    ['an hour and a half', 5400],
    ['half an hour', 1800],
    ['quarter of an hour', 900],
    ['1:30h', 5400],
    ['ninety minutes', 5400],
    ['forty-five minutes', 2700],
    ['-2h', -7200],
    ['2 hours 30 minutes 15 seconds', 9015],
  ])('%s is %i seconds', (text, seconds) => {
    expect(extractDuration(Utterance.of(text))?.seconds).toBe(seconds);
  });

  // These look like durations to a careless regex.
  it.each(['9am', 'at 12:30', '2026-03-03', '3 days ago', 'a meeting', 'Acme API - 2 things'])('finds none in %j', (text) => {
    expect(extractDuration(Utterance.of(text))).toBeNull();
  });
});

describe('extractClockRange', () => {
  const hm = (text: string): string | null => {
    const r = extractClockRange(Utterance.of(text));
    const f = (t: { hour: number; minute: number }): string => `${t.hour}:${String(t.minute).padStart(2, '0')}`;
    return r === null ? null : `${f(r.start)}-${f(r.end)}`;
  };

  it.each([
    ['9-11', '9:00-11:00'],
    ['1-3', '13:00-15:00'],
    ['9 to 5', '9:00-17:00'],
    ['10 to 11am', '10:00-11:00'],
    ['11 to 1pm', '11:00-13:00'],
    ['9am to 12:30', '9:00-12:30'],
    ['2pm to 5', '14:00-17:00'],
    ['22:00-01:00', '22:00-1:00'],
    ['11pm to midnight', '23:00-0:00'],
    ['noon to 2pm', '12:00-14:00'],
    ['0930-1130', '9:30-11:30'],
  ])('reads %s as %s', (text, expected) => {
    expect(hm(text)).toBe(expected);
  });

  it.each(['3-4 hours', '2026-03-03', '2 and 3', 'log 1-2 days'])('finds no range in %j', (text) => {
    expect(hm(text)).toBeNull();
  });
});

describe('resolveWeekday', () => {
  const iso = (d: DateTime): string | null => d.toISODate();

  it('takes the most recent such day, today included', () => {
    expect(iso(resolveWeekday(today, 3))).toBe('2026-11-25');
    expect(iso(resolveWeekday(today, 1))).toBe('2026-11-23');
    expect(iso(resolveWeekday(today, 5))).toBe('2026-11-20');
  });

  it('skips today for "last" and looks ahead for "next"', () => {
    expect(iso(resolveWeekday(today, 3, 'last'))).toBe('2026-11-18');
    expect(iso(resolveWeekday(today, 3, 'next'))).toBe('2026-12-02');
    expect(iso(resolveWeekday(today, 5, 'next'))).toBe('2026-11-27');
  });

  it('stays inside the current Monday–Sunday week for "this"', () => {
    expect(iso(resolveWeekday(today, 7, 'this'))).toBe('2026-11-29');
  });
});

describe('calendarDay without a year', () => {
  // A past date is the usual meaning; a date just ahead stays ahead so the caller can refuse it.
  it.each([
    [3, 3, '2026-03-03'],
    [11, 30, '2026-11-30'],
    [12, 20, '2026-12-20'],
  ])('%i/%i is %s', (month, day, expected) => {
    expect(calendarDay(today, month, day)?.toISODate()).toBe(expected);
  });

  it('finds no February 29 when no nearby year has one', () => {
    expect(calendarDay(today, 2, 29)).toBeNull();
  });
});
