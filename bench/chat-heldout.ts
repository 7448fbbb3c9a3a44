import { parseMessage } from '../src/modules/chat/nlu/index.js';
import type { Intent, ProjectRef } from '../src/modules/chat/nlu/index.js';
import { DEFAULT_NOW, DEFAULT_TIME_ZONE, SAMPLE_PROJECTS } from '../test/fixtures/nlu-cases.js';

/**
 * Held-out phrasings for the built-in chat parser: written for this bench,
 * none of them in test/fixtures/nlu-cases.ts, with the intent and project
 * a person would expect, written down before the parser was run on them and
 * not adjusted afterwards. The parser was not changed for them either: this
 * measures how well it generalises, not how well it fits its own table.
 *
 * Context as in test/fixtures/nlu-cases.ts: Wednesday 2026-11-25, 11:00 in Europe/Berlin, the
 * projects Website Redesign, Acme API, Mobile App and Webshop.
 *
 * A case is an exact match when the intent type is the expected one and, for
 * intents that name a project (log_time, start_timer, report), the project
 * resolution is the expected one: the same project; none; unknown (the
 * query contains the expected text, case-insensitively); ambiguous between
 * the expected projects. Amounts and days, where given, are a second,
 * stricter count.
 */
type P = string | { none: true } | { unknown: string } | { ambiguous: string[] };

export interface HeldoutCase {
  say: string;
  type: Intent['type'];
  project?: P;
  /** log_time only: seconds and local day, for the stricter count. */
  seconds?: number;
  date?: string;
}

const WR = 'Website Redesign';
const ACME = 'Acme API';
const MOB = 'Mobile App';
const SHOP = 'Webshop';
const NONE = { none: true } as const;
const TODAY = '2026-11-25';
const YESTERDAY = '2026-11-24';

const log = (say: string, project: P, seconds?: number, date: string = TODAY): HeldoutCase => ({
  say,
  type: 'log_time',
  project,
  seconds,
  date,
});

export const HELDOUT_CASES: readonly HeldoutCase[] = [
  // logging time, durations
  log('put 2h against acme api', ACME, 7200),
  log('logged 45m on the webshop this morning', SHOP, 2700),
  log('mobile app 3 hours', MOB, 10800),
  log('add 20 minutes to website redesign', WR, 1200),
  log('record 1h15 for acme api yesterday', ACME, 4500, YESTERDAY),
  log('I put in three hours on the mobile app on tuesday', MOB, 10800, YESTERDAY),
  log('2.5h webshop yesterday', SHOP, 9000, YESTERDAY),
  log('book 50 minutes to acme', ACME, 3000),
  log('spent an hour and a half on website redesign', WR, 5400),
  log('please add 4 hours to Acme API for the migration work', ACME, 14400),
  log('log 10 minutes on mobile app standup', MOB, 600),
  log('webshop: 2 hours, payment provider integration', SHOP, 7200),
  log('log 1 hour for website redesign on friday', WR, 3600, '2026-11-20'),
  log('I did 35 minutes of webshop support', SHOP, 2100),
  log('acme 1h', ACME, 3600),
  log('log 3h on Payroll System', { unknown: 'Payroll System' }, 10800),
  log('log 2h on the intranet project', { unknown: 'intranet' }, 7200),
  log('log 90 mins on web', { ambiguous: [WR, SHOP] }, 5400),
  log('log 1h', NONE, 3600),
  log('enter 25 min on acme api for the retro', ACME, 1500),
  log('I spent two hours on the website redesign today', WR, 7200),
  log('spent 15 minutes on webshop emails yesterday', SHOP, 900, YESTERDAY),
  log('half hour mobile app', MOB, 1800),
  log('track 3.5 hours on acme api', ACME, 12600),
  log('log 6h on acme api on 2026-11-20', ACME, 21600, '2026-11-20'),
  log('log 1h on Acme yesterday evening', ACME, 3600, YESTERDAY),
  log('please record 2 hrs for webshop on monday', SHOP, 7200, '2026-11-23'),
  log('log 2h on mob', MOB, 7200),
  log('20 mins of email on website redesign', WR, 1200),
  log('add 3 hours for the acme api onboarding yesterday', ACME, 10800, YESTERDAY),
  // logging time, clock ranges
  log('from 8 to 9:30 on webshop', SHOP, 5400),
  log('yesterday 10:00-12:00 mobile app', MOB, 7200, YESTERDAY),
  log('worked on acme api from 1pm to 3pm', ACME, 7200),
  log('website redesign 13:30 to 14:00', WR, 1800),
  // timers
  { say: 'start working on webshop', type: 'start_timer', project: SHOP },
  { say: 'begin a timer for acme api', type: 'start_timer', project: ACME },
  { say: 'start the clock on website redesign', type: 'start_timer', project: WR },
  { say: 'kick off a timer for mobile app', type: 'start_timer', project: MOB },
  { say: 'start a timer', type: 'start_timer', project: NONE },
  { say: 'start timer for Payroll', type: 'start_timer', project: { unknown: 'Payroll' } },
  { say: 'stop my timer please', type: 'stop_timer' },
  { say: 'stop the running timer', type: 'stop_timer' },
  { say: 'end the timer now', type: 'stop_timer' },
  { say: 'clock off', type: 'stop_timer' },
  // status
  { say: 'is there a timer going?', type: 'status' },
  { say: 'what am I tracking right now?', type: 'status' },
  { say: "what's my timer doing", type: 'status' },
  // reports
  { say: 'how many hours did I work this week?', type: 'report', project: NONE },
  { say: 'how much time have I spent on acme api this week', type: 'report', project: ACME },
  { say: 'hours on webshop yesterday', type: 'report', project: SHOP },
  { say: 'what did I log yesterday?', type: 'report', project: NONE },
  { say: 'show me last month by project', type: 'report', project: NONE },
  { say: 'total time on mobile app last month', type: 'report', project: MOB },
  { say: 'how many hours on website redesign today?', type: 'report', project: WR },
  { say: 'how much did I log this month', type: 'report', project: NONE },
  { say: 'give me a summary for this week', type: 'report', project: NONE },
  // small talk
  { say: 'good evening', type: 'smalltalk' },
  { say: 'thank you so much', type: 'smalltalk' },
  { say: 'what can I ask you?', type: 'smalltalk' },
  { say: 'nice weather today', type: 'smalltalk' },
  { say: 'hello there', type: 'smalltalk' },
  { say: 'cool, thanks', type: 'smalltalk' },
  { say: 'how does this work?', type: 'smalltalk' },
];

function projectMatches(actual: ProjectRef, expected: P): boolean {
  if (typeof expected === 'string') return actual.status === 'matched' && actual.project.name === expected;
  if ('none' in expected) return actual.status === 'none';
  if ('unknown' in expected) return actual.status === 'unknown' && actual.query.toLowerCase().includes(expected.unknown.toLowerCase());
  return (
    actual.status === 'ambiguous' &&
    actual.candidates.length === expected.ambiguous.length &&
    expected.ambiguous.every((n) => actual.candidates.some((c) => c.name === n))
  );
}

export interface HeldoutScore {
  cases: number;
  exact: number;
  share: number;
  /** log_time cases with seconds/date given whose intent, project, seconds and day all match. */
  amountsChecked: number;
  amountsExact: number;
  misses: { say: string; expected: string; got: string }[];
}

/** Runs the built-in parser over the held-out list. */
export function scoreHeldout(cases: readonly HeldoutCase[] = HELDOUT_CASES): HeldoutScore {
  const projects = SAMPLE_PROJECTS.map((name, i) => ({ id: `00000000-0000-4000-8000-00000000000${i + 1}`, name }));
  const ctx = { now: new Date(DEFAULT_NOW), timeZone: DEFAULT_TIME_ZONE, projects };
  let exact = 0;
  let amountsChecked = 0;
  let amountsExact = 0;
  const misses: HeldoutScore['misses'] = [];
  for (const c of cases) {
    const got = parseMessage(c.say, ctx);
    const ok = got.type === c.type && (c.project === undefined || ('project' in got && projectMatches(got.project, c.project)));
    if (ok) exact++;
    else misses.push({ say: c.say, expected: `${c.type} ${JSON.stringify(c.project ?? '')}`, got: describe(got) });
    if (c.type === 'log_time' && c.seconds !== undefined) {
      amountsChecked++;
      if (ok && got.type === 'log_time' && got.durationSeconds === c.seconds && (c.date === undefined || got.date === c.date))
        amountsExact++;
    }
  }
  return { cases: cases.length, exact, share: Math.round((exact / cases.length) * 1000) / 1000, amountsChecked, amountsExact, misses };
}

function describe(i: Intent): string {
  const project = 'project' in i ? i.project : undefined;
  const p =
    project === undefined
      ? ''
      : project.status === 'matched'
        ? project.project.name
        : project.status === 'unknown'
          ? `unknown "${project.query}"`
          : project.status === 'ambiguous'
            ? `ambiguous ${project.candidates.map((c) => c.name).join('/')}`
            : 'none';
  const extra = i.type === 'log_time' ? ` ${i.durationSeconds}s ${i.date}` : i.type === 'smalltalk' ? ` ${i.kind}` : '';
  return `${i.type} ${p}${extra}`.trim();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(scoreHeldout(), null, 2));
}
