import { isCalendarDay, ISO_INSTANT_WITH_OFFSET, localDay, mondayOf, truncateToSecond } from './dates.js';

describe('time-tracking dates', () => {
  // An entry's date is its owner's local day, whatever the UTC day is.
  it('gives the local day of an instant in a zone, across midnight and DST', () => {
    expect(localDay(new Date('2026-03-31T03:30:00Z'), 'America/New_York')).toBe('2026-03-30');
    expect(localDay(new Date('2026-03-29T00:30:00Z'), 'Europe/Berlin')).toBe('2026-03-29');
    expect(localDay(new Date('2026-03-28T22:59:59Z'), 'Europe/Berlin')).toBe('2026-03-28');
    expect(localDay(new Date('2026-10-24T22:15:00Z'), 'Europe/Berlin')).toBe('2026-10-25');
    expect(localDay(new Date('2026-10-24T22:15:00Z'), 'UTC')).toBe('2026-10-24');
  });

  it('truncates to whole seconds', () => {
    expect(truncateToSecond(new Date('2026-01-01T00:00:00.999Z')).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('finds the Monday of an ISO week', () => {
    expect(mondayOf('2026-03-29')).toBe('2026-03-23');
    expect(mondayOf('2026-03-30')).toBe('2026-03-30');
    expect(mondayOf('2027-01-01')).toBe('2026-12-28');
  });

  it('accepts only real calendar days and instants with an offset', () => {
    expect(isCalendarDay('2026-02-28')).toBe(true);
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2026-2-1')).toBe(false);
    expect(ISO_INSTANT_WITH_OFFSET.test('2026-03-01T09:00:00Z')).toBe(true);
    expect(ISO_INSTANT_WITH_OFFSET.test('2026-03-01T09:00:00.123+01:00')).toBe(true);
    expect(ISO_INSTANT_WITH_OFFSET.test('2026-03-01T09:00:00')).toBe(false);
  });
});
