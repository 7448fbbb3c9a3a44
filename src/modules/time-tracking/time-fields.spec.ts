import { ValidationFailedError } from '../../common/errors.js';
import { CurrentTimes, MAX_DURATION_SECONDS, resolveMergedTimes, resolveNewTimes, TimeFieldsInput } from './time-fields.js';

const NOW = new Date('2026-03-20T15:00:00.000Z');
const BERLIN = 'Europe/Berlin';

/** The field a ValidationFailedError names first, or 'ok' when the fields resolve. */
function outcome(resolve: () => unknown): string {
  try {
    resolve();
    return 'ok';
  } catch (err) {
    if (!(err instanceof ValidationFailedError)) throw err;
    return `invalid ${err.details?.[0]?.field}`;
  }
}

describe('resolveNewTimes', () => {
  it.each<[string, TimeFieldsInput, object]>([
    [
      '{startTime, endTime} is timed; its date is the local day of the start',
      { startTime: '2026-03-19T23:30:00Z', endTime: '2026-03-20T00:30:00Z' },
      { date: '2026-03-20', duration: 3600 },
    ],
    [
      '{startTime, duration} is timed, ending duration seconds later',
      { startTime: '2026-03-20T08:00:00Z', duration: 5400 },
      { date: '2026-03-20', endTime: new Date('2026-03-20T09:30:00Z'), duration: 5400 },
    ],
    ['{date, duration} is duration-only', { date: '2026-03-18', duration: 1800 }, { date: '2026-03-18', startTime: null, endTime: null }],
    [
      'fractions of a second are dropped',
      { startTime: '2026-03-20T08:00:00.900Z', endTime: '2026-03-20T09:00:00.400Z' },
      { startTime: new Date('2026-03-20T08:00:00Z'), endTime: new Date('2026-03-20T09:00:00Z'), duration: 3600 },
    ],
    [
      'the longest entry lasts MAX_DURATION_SECONDS',
      { date: '2026-03-18', duration: MAX_DURATION_SECONDS },
      { duration: MAX_DURATION_SECONDS },
    ],
  ])('%s', (_, input, expected) => {
    expect(resolveNewTimes(input, BERLIN, NOW)).toMatchObject(expected);
  });

  it.each<[string, TimeFieldsInput, string]>([
    [
      'endTime and duration together',
      { startTime: '2026-03-20T08:00:00Z', endTime: '2026-03-20T09:00:00Z', duration: 60 },
      'invalid duration',
    ],
    ['a date with clock times', { date: '2026-03-20', startTime: '2026-03-20T08:00:00Z', duration: 60 }, 'invalid date'],
    ['endTime without startTime', { endTime: '2026-03-20T09:00:00Z' }, 'invalid startTime'],
    ['startTime alone (a timer is started elsewhere)', { startTime: '2026-03-20T08:00:00Z' }, 'invalid endTime'],
    ['duration alone', { duration: 60 }, 'invalid date'],
    ['date alone', { date: '2026-03-20' }, 'invalid duration'],
    ['no time at all', {}, 'invalid startTime'],
    ['an end before the start', { startTime: '2026-03-20T09:00:00Z', endTime: '2026-03-20T08:00:00Z' }, 'invalid endTime'],
    ['a start that is not a date-time', { startTime: 'yesterday', duration: 60 }, 'invalid startTime'],
    ['a zero duration', { date: '2026-03-18', duration: 0 }, 'invalid duration'],
    ['a fractional duration', { date: '2026-03-18', duration: 1.5 }, 'invalid duration'],
    ['a duration over 24 hours', { date: '2026-03-18', duration: MAX_DURATION_SECONDS + 1 }, 'invalid duration'],
    ['an end in the future', { startTime: '2026-03-20T14:00:00Z', duration: 7200 }, 'invalid duration'],
    ['a start in the future', { startTime: '2026-03-20T16:00:00Z', endTime: '2026-03-20T17:00:00Z' }, 'invalid startTime'],
    ['a date after the owner’s today', { date: '2026-03-21', duration: 60 }, 'invalid date'],
    ['a date that does not exist', { date: '2026-02-30', duration: 60 }, 'invalid date'],
  ])('refuses %s', (_, input, expected) => {
    expect(outcome(() => resolveNewTimes(input, BERLIN, NOW))).toBe(expected);
  });

  // The owner's today decides, not UTC's: in Tokyo it is already the 21st at 15:00 UTC.
  it('accepts a duration-only entry on the owner’s local today', () => {
    expect(outcome(() => resolveNewTimes({ date: '2026-03-21', duration: 60 }, 'Asia/Tokyo', NOW))).toBe('ok');
  });
});

describe('resolveMergedTimes (PATCH)', () => {
  const timed: CurrentTimes = {
    date: '2026-03-20',
    startTime: new Date('2026-03-20T08:00:00Z'),
    endTime: new Date('2026-03-20T09:00:00Z'),
    duration: 3600,
  };
  const durationOnly: CurrentTimes = { date: '2026-03-18', startTime: null, endTime: null, duration: 1800 };
  const running: CurrentTimes = { date: '2026-03-20', startTime: new Date('2026-03-20T08:00:00Z'), endTime: null, duration: null };

  it.each<[string, CurrentTimes, TimeFieldsInput, object]>([
    ['no time fields keep the entry as it is', timed, {}, timed],
    ['a new endTime keeps the start', timed, { endTime: '2026-03-20T10:00:00Z' }, { startTime: timed.startTime, duration: 7200 }],
    ['a new duration keeps the start', timed, { duration: 600 }, { endTime: new Date('2026-03-20T08:10:00Z') }],
    ['a new startTime keeps the end', timed, { startTime: '2026-03-20T07:00:00Z' }, { endTime: timed.endTime, duration: 7200 }],
    ['a complete shape replaces it', timed, { date: '2026-03-17', duration: 60 }, { date: '2026-03-17', startTime: null, duration: 60 }],
    ['a duration-only entry keeps its date for a new duration', durationOnly, { duration: 60 }, { date: '2026-03-18', duration: 60 }],
    [
      'a duration-only entry keeps its duration for a new date',
      durationOnly,
      { date: '2026-03-17' },
      { date: '2026-03-17', duration: 1800 },
    ],
    ['a running entry stays running with a new start', running, { startTime: '2026-03-20T07:00:00Z' }, { endTime: null, duration: null }],
  ])('%s', (_, current, input, expected) => {
    expect(resolveMergedTimes(current, input, BERLIN, NOW)).toMatchObject(expected);
  });

  it.each<[string, CurrentTimes, TimeFieldsInput, string]>([
    ['a date on a timed entry', timed, { date: '2026-03-19' }, 'invalid date'],
    ['a startTime alone on a duration-only entry', durationOnly, { startTime: '2026-03-18T08:00:00Z' }, 'invalid endTime'],
    ['an endTime before the kept start', timed, { endTime: '2026-03-20T07:00:00Z' }, 'invalid endTime'],
  ])('refuses %s', (_, current, input, expected) => {
    expect(outcome(() => resolveMergedTimes(current, input, BERLIN, NOW))).toBe(expected);
  });
});
