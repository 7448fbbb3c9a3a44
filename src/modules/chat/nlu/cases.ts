/**
 * Phrasings the parser must understand, as data, so that other suites (the
 * chat service, an LLM-backed parser) can replay them. Every case runs at
 * DEFAULT_NOW (Wednesday 2026-11-25, 11:00 in Berlin) in Europe/Berlin with
 * SAMPLE_PROJECTS unless it says otherwise.
 *
 * Expectations are partial: only the fields a case names are checked, except
 * that a log_time case without `start` expects a duration-only entry
 * (startTime and endTime null).
 */

export type ProjectExpectation =
  | string // matched, by project name
  | { none: true }
  | { unknown: string } // the query, compared case-insensitively
  | { ambiguous: string[] }; // candidate names, in project-list order

export type CaseExpectation =
  | {
      type: 'log_time';
      project?: ProjectExpectation;
      date?: string;
      seconds?: number;
      /** UTC instants, ISO 8601; omitted means a duration-only entry. */
      start?: string;
      end?: string;
      /** A string the description must contain (case-insensitive), or null for no description. */
      description?: string | null;
      /** What names no single day ("last week", "31.02."); omitted means the day was clear. */
      unclearDay?: string;
    }
  | { type: 'start_timer'; project?: ProjectExpectation; description?: string | null }
  | { type: 'stop_timer' }
  | {
      type: 'report';
      from?: string;
      to?: string;
      label?: string;
      project?: ProjectExpectation;
      groupBy?: 'project' | 'day' | null;
    }
  | { type: 'status' }
  | { type: 'smalltalk'; kind?: 'greeting' | 'thanks' | 'help' | 'other' };

export interface NluCase {
  say: string;
  expect: CaseExpectation;
  /** IANA zone; default Europe/Berlin. */
  timeZone?: string;
  /** ISO instant; default DEFAULT_NOW. */
  now?: string;
  /** Project names; default SAMPLE_PROJECTS. */
  projects?: string[];
  /** Why the case exists, where it is not obvious. */
  why?: string;
}

export const DEFAULT_NOW = '2026-11-25T10:00:00Z';
export const DEFAULT_TIME_ZONE = 'Europe/Berlin';
export const SAMPLE_PROJECTS = ['Website Redesign', 'Acme API', 'Mobile App', 'Webshop'];

const WR = 'Website Redesign';
const ACME = 'Acme API';
const MOB = 'Mobile App';
const SHOP = 'Webshop';
const NONE = { none: true } as const;

// Local days around DEFAULT_NOW in Berlin.
const TODAY = '2026-11-25';
const YESTERDAY = '2026-11-24';
const THIS_WEEK = { from: '2026-11-23', to: '2026-11-29', label: 'this week' };
const LAST_WEEK = { from: '2026-11-16', to: '2026-11-22', label: 'last week' };
const THIS_MONTH = { from: '2026-11-01', to: '2026-11-30', label: 'this month' };
const LAST_MONTH = { from: '2026-10-01', to: '2026-10-31', label: 'last month' };
const ON_TODAY = { from: TODAY, to: TODAY, label: 'today' };
const ON_YESTERDAY = { from: YESTERDAY, to: YESTERDAY, label: 'yesterday' };

/** The scenarios of test/fixtures/chat-cases.sample.json, step by step, at the parser level. */
export const SAMPLE_CASES: readonly NluCase[] = [
  // log durations
  { say: 'log 2h on Website Redesign', expect: { type: 'log_time', project: WR, seconds: 7200, date: TODAY, description: null } },
  {
    say: 'spent 45 minutes on acme api yesterday fixing the login bug',
    expect: { type: 'log_time', project: ACME, seconds: 2700, date: YESTERDAY, description: 'login bug' },
  },
  {
    say: 'Add 1h30m to Mobile App for code review',
    expect: { type: 'log_time', project: MOB, seconds: 5400, date: TODAY, description: 'code review' },
  },
  { say: 'how many hours did I log today?', expect: { type: 'report', ...ON_TODAY, project: NONE, groupBy: null } },
  // log ranges
  {
    say: 'worked from 9am to 12:30 on Acme API',
    expect: {
      type: 'log_time',
      project: ACME,
      date: TODAY,
      start: '2026-11-25T08:00:00.000Z',
      end: '2026-11-25T11:30:00.000Z',
      seconds: 12600,
    },
  },
  {
    say: 'yesterday 14:00-15:15 Website Redesign: sprint planning',
    expect: {
      type: 'log_time',
      project: WR,
      date: YESTERDAY,
      start: '2026-11-24T13:00:00.000Z',
      end: '2026-11-24T14:15:00.000Z',
      seconds: 4500,
      description: 'sprint planning',
    },
  },
  // timer
  { say: 'start a timer on Mobile App', expect: { type: 'start_timer', project: MOB, description: null } },
  { say: 'what am I working on?', expect: { type: 'status' } },
  { say: 'stop the timer', expect: { type: 'stop_timer' } },
  // ask instead of guessing
  { say: 'log 2 hours', expect: { type: 'log_time', project: NONE, seconds: 7200, date: TODAY } },
  { say: 'log 1h on Web', expect: { type: 'log_time', project: { ambiguous: [WR, SHOP] }, seconds: 3600 } },
  { say: 'log 1h on Payroll Migration', expect: { type: 'log_time', project: { unknown: 'Payroll Migration' }, seconds: 3600 } },
  { say: 'thanks!', expect: { type: 'smalltalk', kind: 'thanks' } },
];

const log = (
  say: string,
  project: ProjectExpectation,
  seconds: number,
  date = TODAY,
  extra: Partial<Extract<CaseExpectation, { type: 'log_time' }>> = {},
): NluCase => ({ say, expect: { type: 'log_time', project, seconds, date, ...extra } });

const range = (say: string, project: ProjectExpectation, date: string, start: string, end: string, seconds: number): NluCase => ({
  say,
  expect: { type: 'log_time', project, date, start, end, seconds },
});

/** Spoken durations, all exact seconds. */
const DURATIONS: NluCase[] = [
  log('2h acme api', ACME, 7200),
  log('2 hours on acme api', ACME, 7200),
  log('45 minutes on mobile app', MOB, 2700),
  log('45 min webshop', SHOP, 2700),
  log('log 1h30m to Acme API', ACME, 5400),
  log('log 1h 30 on acme api', ACME, 5400),
  log('1h30 on acme', ACME, 5400),
  log('1.5h acme api', ACME, 5400),
  log('1,5 hours on webshop', SHOP, 5400),
  log('an hour on mobile app', MOB, 3600),
  log('half an hour on acme api', ACME, 1800),
  log('log a half hour to acme', ACME, 1800),
  log('90m website redesign', WR, 5400),
  log('2 hrs on acme', ACME, 7200),
  log('1:30h acme', ACME, 5400),
  log('quarter of an hour on webshop', SHOP, 900),
  log('three quarters of an hour on mobile', MOB, 2700),
  log('two hours on acme api', ACME, 7200),
  log('ninety minutes on mobile app', MOB, 5400),
  log('log twenty five minutes on acme', ACME, 1500),
  log('log forty-five minutes on acme', ACME, 2700),
  log('an hour and a half on acme', ACME, 5400),
  log('Log two and a half hours to Mobile App', MOB, 9000),
  log('log 1½ hours on acme', ACME, 5400),
  log('log 1 1/2 hours on acme', ACME, 5400),
  log('1 hour and 15 minutes on webshop', SHOP, 4500),
  log('1 hr 15 min on webshop', SHOP, 4500),
  log('1h and 30m on webshop', SHOP, 5400),
  log('2 hours 30 minutes on acme', ACME, 9000),
  log('log 15m on acme', ACME, 900),
  log('log 3 mins on acme', ACME, 180),
  log('log 30 secs on acme', ACME, 30),
  log('log 1.25 hours on acme api', ACME, 4500),
  log('log a couple of hours on acme', ACME, 7200),
  log('log an hour to acme', ACME, 3600),
  { ...log('log 2 on acme', ACME, 7200), why: 'a bare number after a log verb is hours' },
  { ...log('log 0h on acme', ACME, 0), why: 'zero is reported as said; the caller refuses it' },
  log('log 0 minutes on webshop', SHOP, 0),
  { ...log('log -2h on acme', ACME, -7200), why: 'negative is reported as said; the caller refuses it' },
  log('log minus 2 hours on acme', ACME, -7200),
  { ...log('log 30h on acme', ACME, 108000), why: 'over 24 hours is reported as said; the caller refuses it' },
  log('log 25 hours on acme api', ACME, 90000),
  { ...log('log 2-3 hours on acme', ACME, 0), why: 'a vague span is no duration: 0 makes the caller ask' },
  log('log 2 or 3 hours on acme', ACME, 0),
];

/** Clock ranges in Berlin (UTC+1 in November). */
const RANGES: NluCase[] = [
  range('from 9-11 on acme', ACME, TODAY, '2026-11-25T08:00:00.000Z', '2026-11-25T10:00:00.000Z', 7200),
  range('9-11 acme api', ACME, TODAY, '2026-11-25T08:00:00.000Z', '2026-11-25T10:00:00.000Z', 7200),
  range('14:00-15:15 acme api', ACME, TODAY, '2026-11-25T13:00:00.000Z', '2026-11-25T14:15:00.000Z', 4500),
  range('14:00 – 15:15 webshop', SHOP, TODAY, '2026-11-25T13:00:00.000Z', '2026-11-25T14:15:00.000Z', 4500),
  range('between 2pm and 4pm on mobile app', MOB, TODAY, '2026-11-25T13:00:00.000Z', '2026-11-25T15:00:00.000Z', 7200),
  range('9:00 until 10:15 webshop', SHOP, TODAY, '2026-11-25T08:00:00.000Z', '2026-11-25T09:15:00.000Z', 4500),
  range('10 to 11am on acme', ACME, TODAY, '2026-11-25T09:00:00.000Z', '2026-11-25T10:00:00.000Z', 3600),
  range('from 11 to 1pm on acme', ACME, TODAY, '2026-11-25T10:00:00.000Z', '2026-11-25T12:00:00.000Z', 7200),
  range('I worked 9 to 5 on acme', ACME, TODAY, '2026-11-25T08:00:00.000Z', '2026-11-25T16:00:00.000Z', 28800),
  range('worked 8:30-12 on acme api', ACME, TODAY, '2026-11-25T07:30:00.000Z', '2026-11-25T11:00:00.000Z', 12600),
  {
    ...range('worked 1-3 on webshop', SHOP, TODAY, '2026-11-25T12:00:00.000Z', '2026-11-25T14:00:00.000Z', 7200),
    why: 'bare 1 to 6 are afternoon working hours',
  },
  range('9am-noon on acme', ACME, TODAY, '2026-11-25T08:00:00.000Z', '2026-11-25T11:00:00.000Z', 10800),
  range('from 14.00 to 15.30 on acme', ACME, TODAY, '2026-11-25T13:00:00.000Z', '2026-11-25T14:30:00.000Z', 5400),
  range('8 a.m. to 10 a.m. on webshop', SHOP, TODAY, '2026-11-25T07:00:00.000Z', '2026-11-25T09:00:00.000Z', 7200),
  range('from 2pm to 5 on mobile app', MOB, TODAY, '2026-11-25T13:00:00.000Z', '2026-11-25T16:00:00.000Z', 10800),
  range('log 9:15-9:45 on acme', ACME, TODAY, '2026-11-25T08:15:00.000Z', '2026-11-25T08:45:00.000Z', 1800),
  {
    ...range('from 10pm to 2am yesterday on acme', ACME, YESTERDAY, '2026-11-24T21:00:00.000Z', '2026-11-25T01:00:00.000Z', 14400),
    why: 'an end before the start crosses midnight; the date is the start day',
  },
  range('22:00-01:00 acme', ACME, TODAY, '2026-11-25T21:00:00.000Z', '2026-11-26T00:00:00.000Z', 10800),
  range('from 11pm till midnight on acme', ACME, TODAY, '2026-11-25T22:00:00.000Z', '2026-11-25T23:00:00.000Z', 3600),
  range('11pm-1am yesterday webshop', SHOP, YESTERDAY, '2026-11-24T22:00:00.000Z', '2026-11-25T00:00:00.000Z', 7200),
  {
    ...range('log 10:00-10:00 on acme', ACME, TODAY, '2026-11-25T09:00:00.000Z', '2026-11-25T09:00:00.000Z', 0),
    why: 'an empty range is 0 seconds, not 24 hours; the caller refuses it',
  },
  {
    ...range(
      'log 10:30-11:30 on acme, overlaps my 10-11 meeting',
      ACME,
      TODAY,
      '2026-11-25T09:30:00.000Z',
      '2026-11-25T10:30:00.000Z',
      3600,
    ),
    why: 'only the first range counts; overlap is checked by the caller',
  },
  range('log 2h from 9am on acme', ACME, TODAY, '2026-11-25T08:00:00.000Z', '2026-11-25T10:00:00.000Z', 7200),
  range('from 9am for 2 hours on acme', ACME, TODAY, '2026-11-25T08:00:00.000Z', '2026-11-25T10:00:00.000Z', 7200),
  range('worked 2h starting at 14:00 on webshop', SHOP, TODAY, '2026-11-25T13:00:00.000Z', '2026-11-25T15:00:00.000Z', 7200),
  range('log 45 min at 16:30 on mobile app', MOB, TODAY, '2026-11-25T15:30:00.000Z', '2026-11-25T16:15:00.000Z', 2700),
  {
    ...range('log 2 hours on acme between 9 and 11', ACME, TODAY, '2026-11-25T08:00:00.000Z', '2026-11-25T10:00:00.000Z', 7200),
    why: 'a range wins over a duration said alongside it',
  },
  range('monday 9-12 acme api', ACME, '2026-11-23', '2026-11-23T08:00:00.000Z', '2026-11-23T11:00:00.000Z', 10800),
];

/** Days: relative words, weekdays (today counts), calendar dates, future days (the caller refuses them). */
const DAYS: NluCase[] = [
  log('log 2h on acme yesterday', ACME, 7200, YESTERDAY),
  log('log 2h on acme today', ACME, 7200, TODAY),
  log('log 1h on acme the day before yesterday', ACME, 3600, '2026-11-23'),
  log('log 2h on acme 3 days ago', ACME, 7200, '2026-11-22'),
  log('2 days ago 1h webshop', SHOP, 3600, '2026-11-23'),
  log('log 1h on acme a week ago', ACME, 3600, '2026-11-18'),
  log('log 2h on acme 2 weeks ago', ACME, 7200, '2026-11-11'),
  log('log 1h on acme on monday', ACME, 3600, '2026-11-23'),
  log('monday 1h acme', ACME, 3600, '2026-11-23'),
  log('log 1h on acme last friday', ACME, 3600, '2026-11-20'),
  log('friday 2h webshop', SHOP, 7200, '2026-11-20'),
  { ...log('log 1h on acme wednesday', ACME, 3600, TODAY), why: 'today counts as the most recent Wednesday' },
  { ...log('log 1h on acme last wednesday', ACME, 3600, '2026-11-18'), why: '"last" skips today' },
  log('log 2 hours on acme on tuesday', ACME, 7200, YESTERDAY),
  log('log 2h on acme on sunday', ACME, 7200, '2026-11-22'),
  log('log 2h on acme on sat', ACME, 7200, '2026-11-21'),
  log('log 1h on acme on March 3', ACME, 3600, '2026-03-03'),
  log('log 1h on acme 2026-03-03', ACME, 3600, '2026-03-03'),
  log('log 1h on acme on 3/3', ACME, 3600, '2026-03-03'),
  log('log 1h on acme on 24.11.', ACME, 3600, YESTERDAY),
  log('log 1h on acme on 24.11.2026', ACME, 3600, YESTERDAY),
  log('log 1h on acme on the 20th', ACME, 3600, '2026-11-20'),
  log('log 2h on acme november 1st', ACME, 7200, '2026-11-01'),
  log('log 2h on acme 1st of november', ACME, 7200, '2026-11-01'),
  log('log 1h on acme last night', ACME, 3600, YESTERDAY),
  log('log 1h on acme this morning', ACME, 3600, TODAY),
  log('log 1 hour on the mobile app yesterday afternoon', MOB, 3600, YESTERDAY),
  { ...log('log 1h on webshop tomorrow', SHOP, 3600, '2026-11-26'), why: 'future days are reported; the caller refuses them' },
  log('log 1h on acme tmrw', ACME, 3600, '2026-11-26'),
  log('log 1h on acme next friday', ACME, 3600, '2026-11-27'),
  log('log 2h on acme this friday', ACME, 7200, '2026-11-27'),
  log('log 3h on acme on 2026-11-26', ACME, 10800, '2026-11-26'),
  { ...log('log 1h on acme on Nov 30', ACME, 3600, '2026-11-30'), why: 'a year-less date just ahead stays ahead' },
  log('log 1h on acme on Dec 20', ACME, 3600, '2026-12-20'),
  log('log 1h on acme the day after tomorrow', ACME, 3600, '2026-11-27'),
];

/** Projects: exact, fuzzy, fragments, ambiguity, unknown, none. */
const PROJECTS: NluCase[] = [
  log('log 2h on acme api', ACME, 7200),
  log('log 2h on Acme-API', ACME, 7200),
  log('log 2h on ACME API', ACME, 7200),
  log('log 2h on acmeapi', ACME, 7200),
  log('log 2h on acme', ACME, 7200),
  log('log 1h on api', ACME, 3600),
  log('log 2h on mobile', MOB, 7200),
  log('log 1h on app', MOB, 3600),
  log('log 2 hrs on website redesing yesterday', WR, 7200, YESTERDAY),
  log('log 2h on webiste redesign', WR, 7200),
  log('log 2h mobil app', MOB, 7200),
  log('log 2h on moble app', MOB, 7200),
  log('log 2h on Website-Redesign', WR, 7200),
  log('log 2h on websiteredesign', WR, 7200),
  log('log 1h on website', WR, 3600),
  log('log 1h on redesign', WR, 3600),
  { ...log('log 1h on Webshop', SHOP, 3600), why: 'an exact name beats a shared prefix' },
  log('log 1h on web shop', SHOP, 3600),
  log('log 1h on webshp', SHOP, 3600),
  log('log 1h on shop', SHOP, 3600),
  log('log 2h on the acme api project', ACME, 7200),
  log('log 2h on project acme', ACME, 7200),
  log('log 1h to web yesterday', { ambiguous: [WR, SHOP] }, 3600, YESTERDAY),
  log('log 1h on webs', { ambiguous: [WR, SHOP] }, 3600),
  log('web 2h', { ambiguous: [WR, SHOP] }, 7200),
  {
    ...log('log 1h on acme', { ambiguous: ['Acme API', 'Acme Web'] }, 3600),
    projects: ['Acme API', 'Acme Web', 'Mobile App'],
    why: 'a word shared by two names is ambiguous',
  },
  {
    ...log('log 1h on acme web', 'Acme Web', 3600),
    projects: ['Acme API', 'Acme Web', 'Mobile App'],
  },
  log('log 1h on Payroll', { unknown: 'Payroll' }, 3600),
  log('log 3h on payroll migration yesterday', { unknown: 'payroll migration' }, 10800, YESTERDAY),
  log('Payroll Migration: 2h', { unknown: 'Payroll Migration' }, 7200),
  log('log 2h to the Marketing Site', { unknown: 'Marketing Site' }, 7200),
  log('log 2h for Payroll', { unknown: 'Payroll' }, 7200),
  log('log 2h yesterday', NONE, 7200, YESTERDAY),
  log('2h', NONE, 7200),
  log('log 2 hours please', NONE, 7200),
  log('log 2 hours of work today', NONE, 7200),
  { ...log('log 2h on it', NONE, 7200), why: 'a pronoun names no project' },
  {
    ...log('log 2h on timer app', 'Timer App', 7200),
    projects: ['Timer App', 'Today Show'],
    why: 'keywords inside a real project name still match it',
  },
  {
    ...log('log 2h on today show yesterday', 'Today Show', 7200, YESTERDAY),
    projects: ['Timer App', 'Today Show'],
  },
  {
    ...log('log 2 hours on acme and 1 hour on mobile', { ambiguous: [ACME, MOB] }, 7200),
    why: 'two projects in one message: ask, do not guess',
  },
];

/** Descriptions after colons, dashes, "for", gerunds and in quotes; filler removed. */
const DESCRIPTIONS: NluCase[] = [
  log('Acme API: 2h yesterday code review', ACME, 7200, YESTERDAY, { description: 'code review' }),
  log('Acme API - fixing bugs 2h', ACME, 7200, TODAY, { description: 'fixing bugs' }),
  log('log 2h on acme for code review', ACME, 7200, TODAY, { description: 'code review' }),
  log('put 3 hours into webshop for the checkout redesign', SHOP, 10800, TODAY, { description: 'checkout redesign' }),
  log('2h on acme, fixing the login bug', ACME, 7200, TODAY, { description: 'fixing the login bug' }),
  log('add 45 mins to mobile app yesterday: push notifications', MOB, 2700, YESTERDAY, { description: 'push notifications' }),
  log('webshop 1h product photos', SHOP, 3600, TODAY, { description: 'product photos' }),
  log('log 2h on acme "Fix the login bug"', ACME, 7200, TODAY, { description: 'Fix the login bug' }),
  log("log 1h on acme for 'sprint planning'", ACME, 3600, TODAY, { description: 'sprint planning' }),
  log('yesterday acme api 2h "code review"', ACME, 7200, YESTERDAY, { description: 'code review' }),
  log('log 2h on acme: mob programming session', ACME, 7200, TODAY, { description: 'mob programming' }),
  log('2h acme api: updated the mobile app docs', ACME, 7200, TODAY, { description: 'mobile app docs' }),
  log('log 90 minutes on webshop - call with Acme', SHOP, 5400, TODAY, { description: 'call with Acme' }),
  log('I did 2h of code review on acme', ACME, 7200, TODAY, { description: 'code review' }),
  log('I spent 2 hours yesterday on acme api code review and testing', ACME, 7200, YESTERDAY, {
    description: 'code review and testing',
  }),
  log('Spent the morning on acme api, 3h, refactoring auth', ACME, 10800, TODAY, { description: 'refactoring auth' }),
  log('2.5 hrs acme api yesterday meeting with client', ACME, 9000, YESTERDAY, { description: 'meeting with client' }),
  log('12-1 lunch meeting acme', ACME, 3600, TODAY, {
    description: 'lunch meeting',
    start: '2026-11-25T11:00:00.000Z',
    end: '2026-11-25T12:00:00.000Z',
  }),
  log('log 1h on acme "fix 2 bugs in 3 days"', ACME, 3600, TODAY, { description: 'fix 2 bugs in 3 days' }),
  log('log 2h fixing the web checkout', NONE, 7200, TODAY, { description: 'web checkout' }),
  log('log 2h on Acme API: Add tests', ACME, 7200, TODAY, { description: 'Add tests' }),
  log('log 2h on the acme api project please', ACME, 7200, TODAY, { description: null }),
  log('please log 2h on acme api for me, thanks', ACME, 7200, TODAY, { description: null }),
];

/** Typos, casing, punctuation, word order, politeness. */
const ROBUSTNESS: NluCase[] = [
  log('lgo 2h on acme api', ACME, 7200),
  log('log 2h on acme yesterdy', ACME, 7200, YESTERDAY),
  log('log 2h on acme yesteday', ACME, 7200, YESTERDAY),
  log('yday 2h acme', ACME, 7200, YESTERDAY),
  log('log 2h acme tdy', ACME, 7200),
  log('log 2 hours on acme on thrusday', ACME, 7200, '2026-11-19'),
  log('log 2h on acme on wendesday', ACME, 7200, TODAY),
  log('log 2 huors on acme', ACME, 7200),
  log('log 45 minuts on webshop', SHOP, 2700),
  log('LOG 2H ON ACME API!!!', ACME, 7200),
  log('log 2h on acme api.', ACME, 7200),
  log('log  2h   on   acme    api', ACME, 7200),
  log('Log 2H On aCmE aPi', ACME, 7200),
  log('yesterday I worked 3 hours on mobile app', MOB, 10800, YESTERDAY, { description: null }),
  log('I worked on acme api for 2 hours yesterday', ACME, 7200, YESTERDAY),
  log('Acme API 2h yesterday', ACME, 7200, YESTERDAY),
  log('For acme api log 2 hours', ACME, 7200),
  log('please log 2h on acme api', ACME, 7200),
  log('can you add 1h to webshop', SHOP, 3600),
  log('Please, could you log 1.25 hours on acme api?', ACME, 4500),
  log('can you log 2h on acme?', ACME, 7200),
  log('hey there, log 2h on acme', ACME, 7200),
  log('I worked 2 hours on Acme-API', ACME, 7200),
  log('I spent 1h on mobile app today', MOB, 3600),
  log('track 2h on acme', ACME, 7200),
  log('book 1h on webshop', SHOP, 3600),
  log('record 30 min on acme api', ACME, 1800),
  log('logged 3h on webshop', SHOP, 10800),
  log('put in 2 hours on mobile app', MOB, 7200),
  log('I would like to log 2 hours for webshop', SHOP, 7200),
  log('log 2h on acme pls', ACME, 7200),
  log('2 HOURS!!', NONE, 7200),
  { ...log('log time on acme', ACME, 0), why: 'a log command without an amount: 0 makes the caller ask' },
  log('log acme api yesterday', ACME, 0, YESTERDAY),
];

const timer = (say: string, project: ProjectExpectation, description: string | null = null): NluCase => ({
  say,
  expect: { type: 'start_timer', project, description },
});
const stop = (say: string): NluCase => ({ say, expect: { type: 'stop_timer' } });

const TIMERS: NluCase[] = [
  timer('Start a new timer for mobile app', MOB),
  timer('start tracking Acme API', ACME),
  timer('clock in on webshop', SHOP),
  timer('begin working on acme api', ACME),
  timer('start acme', ACME),
  timer('start Payroll Migration', { unknown: 'Payroll Migration' }),
  timer('start', NONE),
  timer('start timer', NONE),
  timer('start the timer for website redesign: homepage mockups', WR, 'homepage mockups'),
  timer('can you start a timer for acme please', ACME),
  timer('switch to webshop', SHOP),
  timer("I'm working on mobile app now", MOB),
  timer('track acme api', ACME),
  timer('resume webshop', SHOP),
  timer('start timer acme api fixing bugs', ACME, 'fixing bugs'),
  timer('start working on mobile app: offline mode', MOB, 'offline mode'),
  timer('strat timer on acme', ACME),
  timer('Start a timer on Web', { ambiguous: [WR, SHOP] }),
  timer('start tracking website redesing', WR),
  stop('stop the clock'),
  stop('stop'),
  stop('Stop!'),
  stop('stop tracking'),
  stop('clock out'),
  stop("I'm done"),
  stop('im done for today'),
  stop('pause timer'),
  stop('please stop my timer'),
  stop('end timer'),
  stop('timer off'),
  stop("I'm finished"),
  stop('stop timer on acme'),
  stop('stpo the timer'),
];

const status = (say: string): NluCase => ({ say, expect: { type: 'status' } });

const STATUS: NluCase[] = [
  status('what am i working on right now'),
  status('is my timer running'),
  status("what's running?"),
  status('am I tracking anything'),
  status('is a timer running?'),
  status('any timer running?'),
  status('timer status'),
  status('What is running right now?'),
  status('is anything running'),
  status('which project is running?'),
  status('how long has the timer been running?'),
  status('do I have a timer running?'),
];

const report = (
  say: string,
  expect: Omit<Extract<CaseExpectation, { type: 'report' }>, 'type'>,
  extra: Partial<NluCase> = {},
): NluCase => ({
  say,
  expect: { type: 'report', ...expect },
  ...extra,
});

const REPORTS: NluCase[] = [
  report('How many hours have I logged today', { ...ON_TODAY, project: NONE, groupBy: null }),
  report('how much time did I track yesterday', { ...ON_YESTERDAY, project: NONE }),
  report('hours this week', { ...THIS_WEEK, project: NONE, groupBy: null }),
  report('what did I do last week', { ...LAST_WEEK, project: NONE }),
  report('total for acme api this month', { ...THIS_MONTH, project: ACME }),
  report('how much on Website Redesign last week?', { ...LAST_WEEK, project: WR }),
  report('time per project this week', { ...THIS_WEEK, project: NONE, groupBy: 'project' }),
  report('hours per day this week', { ...THIS_WEEK, project: NONE, groupBy: 'day' }),
  report('how many hours have I logged', { ...ON_TODAY, project: NONE }),
  report('how much did I work on acme yesterday', { ...ON_YESTERDAY, project: ACME }),
  report('show me my hours for last month', { ...LAST_MONTH, project: NONE }),
  report('report for this week', { ...THIS_WEEK }),
  report('summary of last week by project', { ...LAST_WEEK, groupBy: 'project' }),
  report('how many hours on payroll migration this week', { ...THIS_WEEK, project: { unknown: 'payroll migration' } }),
  report('hours since monday', { from: '2026-11-23', to: TODAY }),
  report('what did I work on on monday', { from: '2026-11-23', to: '2026-11-23', label: 'on Monday' }),
  report('hours from March 2 to March 8', { from: '2026-03-02', to: '2026-03-08', label: '2026-03-02 – 2026-03-08' }),
  report('how much time between 2026-03-02 and 2026-03-08', { from: '2026-03-02', to: '2026-03-08' }),
  report('how many hours in october', { from: '2026-10-01', to: '2026-10-31' }),
  report('how much time last 7 days', { from: '2026-11-19', to: TODAY }),
  report('did I log anything yesterday?', { ...ON_YESTERDAY }),
  report('my week', { ...THIS_WEEK }),
  report('how long did I work yesterday', { ...ON_YESTERDAY }),
  report('what have I logged this month', { ...THIS_MONTH }),
  report('whats my total for today', { ...ON_TODAY }),
  report('total hours last week per project', { ...LAST_WEEK, groupBy: 'project' }),
  report('show timesheet for last week', { ...LAST_WEEK, project: NONE }),
  report('breakdown by day last week', { ...LAST_WEEK, groupBy: 'day' }),
  report('How many hrs did i log on acme api last month?', { ...LAST_MONTH, project: ACME }),
  report('did I log 2h on acme yesterday?', { ...ON_YESTERDAY, project: ACME }),
  report('how much time did I spend on the webshop this week?', { ...THIS_WEEK, project: SHOP }),
  report('hours on mobile last week', { ...LAST_WEEK, project: MOB }),
  report('how many hours on Web this week', { ...THIS_WEEK, project: { ambiguous: [WR, SHOP] } }),
  report('how many hours did I log on monday', { from: '2026-11-23', to: '2026-11-23', label: 'on Monday' }),
  report('how many hours did i lgo yesterdy', { ...ON_YESTERDAY }),
  report('how much did I track last month per day', { ...LAST_MONTH, groupBy: 'day' }),
];

const chat = (say: string, kind: 'greeting' | 'thanks' | 'help' | 'other'): NluCase => ({
  say,
  expect: { type: 'smalltalk', kind },
});

const SMALLTALK: NluCase[] = [
  chat('thanks a lot!', 'thanks'),
  chat('thank you', 'thanks'),
  chat('thx', 'thanks'),
  chat('ok thanks', 'thanks'),
  chat('cheers mate', 'thanks'),
  chat('hi', 'greeting'),
  chat('hello', 'greeting'),
  chat('Hey!', 'greeting'),
  chat('good morning', 'greeting'),
  chat('help', 'help'),
  chat('what can you do?', 'help'),
  chat('how do I log time?', 'help'),
  chat('who are you', 'help'),
  chat("what's the weather like", 'other'),
  chat('tell me a joke', 'other'),
  chat('ok', 'other'),
  { ...chat('I have 2 cats', 'other'), why: 'a number without a unit is no duration' },
  chat('what time is it', 'other'),
  chat('I have a meeting at 3pm', 'other'),
  chat('', 'other'),
  chat('?!', 'other'),
];

/** Berlin across both DST changes of 2026, New York and Tokyo. */
const TIME_ZONES: NluCase[] = [
  {
    ...range('yesterday 1:00-4:00 on acme', ACME, '2026-03-29', '2026-03-29T00:00:00.000Z', '2026-03-29T02:00:00.000Z', 7200),
    now: '2026-03-30T10:00:00Z',
    why: 'on 2026-03-29 Berlin skips 02:00–03:00, so 1:00 to 4:00 is two real hours',
  },
  {
    ...range('yesterday from 1am to 5am on acme', ACME, '2026-03-29', '2026-03-29T00:00:00.000Z', '2026-03-29T03:00:00.000Z', 10800),
    now: '2026-03-30T10:00:00Z',
  },
  {
    ...range('on saturday from 23:00 to 04:00 on acme', ACME, '2026-03-28', '2026-03-28T22:00:00.000Z', '2026-03-29T02:00:00.000Z', 14400),
    now: '2026-03-30T10:00:00Z',
    why: 'crosses midnight and the spring-forward gap',
  },
  {
    ...range('log 2h from 1:30 yesterday on acme', ACME, '2026-03-29', '2026-03-29T00:30:00.000Z', '2026-03-29T02:30:00.000Z', 7200),
    now: '2026-03-30T10:00:00Z',
  },
  {
    ...range('today 9-17 webshop', SHOP, '2026-03-30', '2026-03-30T07:00:00.000Z', '2026-03-30T15:00:00.000Z', 28800),
    now: '2026-03-30T10:00:00Z',
  },
  {
    ...range('yesterday 1:00-4:00 acme', ACME, '2026-10-25', '2026-10-24T23:00:00.000Z', '2026-10-25T03:00:00.000Z', 14400),
    now: '2026-10-26T10:00:00Z',
    why: 'on 2026-10-25 Berlin repeats 02:00–03:00, so 1:00 to 4:00 is four real hours',
  },
  {
    ...range('on saturday 22:00-03:00 on acme', ACME, '2026-10-24', '2026-10-24T20:00:00.000Z', '2026-10-25T02:00:00.000Z', 21600),
    now: '2026-10-26T10:00:00Z',
  },
  {
    ...range('yesterday 9am to 5pm acme', ACME, '2026-10-25', '2026-10-25T08:00:00.000Z', '2026-10-25T16:00:00.000Z', 28800),
    now: '2026-10-26T10:00:00Z',
  },
  {
    ...report('hours last week', { from: '2026-03-23', to: '2026-03-29', label: 'last week' }),
    now: '2026-03-30T10:00:00Z',
  },
  {
    ...log('log 2h on acme', ACME, 7200, '2026-11-24'),
    timeZone: 'America/New_York',
    now: '2026-11-25T03:00:00Z',
    why: 'at 03:00 UTC it is still the 24th in New York',
  },
  {
    ...range('9-5 acme yesterday', ACME, '2026-11-23', '2026-11-23T14:00:00.000Z', '2026-11-23T22:00:00.000Z', 28800),
    timeZone: 'America/New_York',
    now: '2026-11-25T03:00:00Z',
  },
  {
    ...report('how many hours today', { from: '2026-11-24', to: '2026-11-24', label: 'today' }),
    timeZone: 'America/New_York',
    now: '2026-11-25T03:00:00Z',
  },
  {
    ...log('log 1h on acme on monday', ACME, 3600, '2026-11-23'),
    timeZone: 'America/New_York',
    now: '2026-11-25T03:00:00Z',
  },
  {
    ...range('yesterday 1:00-3:00 on acme', ACME, '2026-03-08', '2026-03-08T06:00:00.000Z', '2026-03-08T07:00:00.000Z', 3600),
    timeZone: 'America/New_York',
    now: '2026-03-09T15:00:00Z',
    why: 'New York springs forward on 2026-03-08',
  },
  {
    ...log('log 2h on acme', ACME, 7200, '2026-11-26'),
    timeZone: 'Asia/Tokyo',
    now: '2026-11-25T20:00:00Z',
    why: 'at 20:00 UTC it is already the 26th in Tokyo',
  },
  {
    ...range('9:00-10:00 acme', ACME, '2026-11-26', '2026-11-26T00:00:00.000Z', '2026-11-26T01:00:00.000Z', 3600),
    timeZone: 'Asia/Tokyo',
    now: '2026-11-25T20:00:00Z',
  },
  {
    ...report('what did I do yesterday', { from: '2026-11-25', to: '2026-11-25', label: 'yesterday' }),
    timeZone: 'Asia/Tokyo',
    now: '2026-11-25T20:00:00Z',
  },
  {
    ...log('log 1h on acme on monday', ACME, 3600, '2026-11-23'),
    timeZone: 'Asia/Tokyo',
    now: '2026-11-25T20:00:00Z',
  },
  {
    ...range('from 10pm to 2am yesterday on acme', ACME, '2026-11-25', '2026-11-25T13:00:00.000Z', '2026-11-25T17:00:00.000Z', 14400),
    timeZone: 'Asia/Tokyo',
    now: '2026-11-25T20:00:00Z',
  },
];

/** Longer, freer sentences of the kind real users type. */
const CONVERSATIONAL: NluCase[] = [
  log('Could you please record 3 hours for the Acme API project yesterday? Thanks!', ACME, 10800, YESTERDAY, { description: null }),
  log('hey, I just finished 2 hours of testing on mobile app', MOB, 7200, TODAY, { description: 'testing' }),
  log('put down 1.5 hrs against webshop', SHOP, 5400, TODAY, { description: null }),
  log('please enter 40 mins on website redesign for the kickoff call', WR, 2400, TODAY, { description: 'kickoff call' }),
  log("I've been working on the webshop for 3 hours", SHOP, 10800),
  log('Worked 4.5 hrs on Website Redesign today, mostly CSS cleanup', WR, 16200, TODAY, { description: 'CSS cleanup' }),
  log('Had a 30 minute call about the acme api', ACME, 1800, TODAY, { description: 'call' }),
  log('Log: Webshop, 1h, inventory sync', SHOP, 3600, TODAY, { description: 'inventory sync' }),
  log('please track forty minutes for Mobile App yesterday – QA pass', MOB, 2400, YESTERDAY, { description: 'QA pass' }),
  log('Could you book 3h to website redesign for last Friday?', WR, 10800, '2026-11-20'),
  log('I need to log 6 hours on the acme api project from yesterday', ACME, 21600, YESTERDAY),
  log('log 1 hr on mobile app (bug bash)', MOB, 3600, TODAY, { description: 'bug bash' }),
  log('acme api, 2h, yesterday, bug triage', ACME, 7200, YESTERDAY, { description: 'bug triage' }),
  log('Mobile App - 2 hrs - release prep - yesterday', MOB, 7200, YESTERDAY, { description: 'release prep' }),
  log('log 8 hours on website redesign on Monday, Nov 23', WR, 28800, '2026-11-23', { description: null }),
  log('log 2h on acme monday last week', ACME, 7200, '2026-11-16'),
  log('Log 2 h on Mob App', MOB, 7200),
  {
    ...range(
      'This morning from 8 to 10 I was on mobile app fixing crashes',
      MOB,
      TODAY,
      '2026-11-25T07:00:00.000Z',
      '2026-11-25T09:00:00.000Z',
      7200,
    ),
    why: 'a clock range, a project and a gerund description in free order',
  },
  range('0930-1130 acme', ACME, TODAY, '2026-11-25T08:30:00.000Z', '2026-11-25T10:30:00.000Z', 7200),
  { ...log('I slept 8 hours lol', NONE, 28800), why: 'a verb after "I" is no project name; the caller asks which project' },
  timer('kick off timer on webshop', SHOP),
  timer('timer start acme', ACME),
  status("what's the timer on"),
  report('acme api hours this week', { ...THIS_WEEK, project: ACME }),
  report('hours from monday to wednesday', { from: '2026-11-23', to: TODAY }),
  report('hours on monday last week', { from: '2026-11-16', to: '2026-11-16' }),
  report('show my hours by day for this week', { ...THIS_WEEK, groupBy: 'day' }),
  report("list today's entries", { ...ON_TODAY, project: NONE }),
  chat('bye', 'greeting'),
];

/** Days that are no single existing day: the parser says so and the assistant asks (found by a contract audit). */
const UNCLEAR_DAYS: NluCase[] = [
  log('log 1h on Webshop on 31.02.', SHOP, 3600, TODAY, { unclearDay: '31.02.', description: null }),
  log('log 2h on Webshop on 2026-02-30', SHOP, 7200, TODAY, { unclearDay: '2026-02-30', description: null }),
  log('log 2h on Webshop last week', SHOP, 7200, TODAY, { unclearDay: 'last week', description: null }),
  log('spent 3 hours on acme api this month', ACME, 10800, TODAY, { unclearDay: 'this month' }),
  log('log 2h on webshop on 24.11.', SHOP, 7200, YESTERDAY, { description: null }),
  log('log 2h on webshop on 2026-11-24', SHOP, 7200, YESTERDAY, { description: null }),
  log('log 1:30 on Webshop', SHOP, 5400, TODAY, { description: null }),
  log('add 0:45 to mobile app yesterday', MOB, 2700, YESTERDAY, { description: null }),
  {
    ...range('worked 5-6 on Acme API', ACME, '2026-11-26', '2026-11-25T16:00:00.000Z', '2026-11-25T17:00:00.000Z', 3600),
    timeZone: 'Pacific/Auckland',
    now: '2026-11-25T17:30:00Z',
    why: 'a bare "5-6" is the afternoon, but at 06:30 only the morning has happened',
  },
  {
    ...range('worked 5-6 on Acme API', ACME, TODAY, '2026-11-25T16:00:00.000Z', '2026-11-25T17:00:00.000Z', 3600),
    now: '2026-11-25T18:00:00Z',
    why: 'in the evening the afternoon reading stands',
  },
];

/** Every case, grouped by theme; at least 180 distinct phrasings. */
export const NLU_CASE_GROUPS: Readonly<Record<string, readonly NluCase[]>> = {
  sample: SAMPLE_CASES,
  durations: DURATIONS,
  ranges: RANGES,
  days: DAYS,
  projects: PROJECTS,
  descriptions: DESCRIPTIONS,
  robustness: ROBUSTNESS,
  timers: TIMERS,
  status: STATUS,
  reports: REPORTS,
  smalltalk: SMALLTALK,
  timeZones: TIME_ZONES,
  conversational: CONVERSATIONAL,
  unclearDays: UNCLEAR_DAYS,
};

export const NLU_CASES: readonly NluCase[] = Object.values(NLU_CASE_GROUPS).flat();
