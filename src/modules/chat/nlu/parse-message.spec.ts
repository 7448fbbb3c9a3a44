import {
  type CaseExpectation,
  DEFAULT_NOW,
  DEFAULT_TIME_ZONE,
  NLU_CASES,
  NLU_CASE_GROUPS,
  type NluCase,
  type ProjectExpectation,
  SAMPLE_CASES,
  SAMPLE_PROJECTS,
} from '../../../../test/fixtures/nlu-cases.js';
import { parseMessage } from './index.js';
import type { Intent, NluProject, ParseContext, ProjectRef } from './types.js';

const toProjects = (names: string[]): NluProject[] => names.map((name) => ({ id: `p-${name.toLowerCase().replace(/\W+/g, '-')}`, name }));

function contextOf(c: NluCase): ParseContext {
  return {
    now: new Date(c.now ?? DEFAULT_NOW),
    timeZone: c.timeZone ?? DEFAULT_TIME_ZONE,
    projects: toProjects(c.projects ?? SAMPLE_PROJECTS),
  };
}

function expectProject(actual: ProjectRef, expected: ProjectExpectation | undefined): void {
  if (expected === undefined) return;
  if (typeof expected === 'string') {
    expect(actual).toMatchObject({ status: 'matched', project: { name: expected } });
  } else if ('none' in expected) {
    expect(actual).toEqual({ status: 'none' });
  } else if ('unknown' in expected) {
    expect(actual.status).toBe('unknown');
    if (actual.status === 'unknown') expect(actual.query.toLowerCase()).toBe(expected.unknown.toLowerCase());
  } else {
    expect(actual.status).toBe('ambiguous');
    if (actual.status === 'ambiguous') expect(actual.candidates.map((p) => p.name)).toEqual(expected.ambiguous);
  }
}

function expectDescription(actual: string | null, expected: string | null | undefined): void {
  if (expected === undefined) return;
  if (expected === null) expect(actual).toBeNull();
  else expect(actual?.toLowerCase() ?? '').toContain(expected.toLowerCase());
}

function check(intent: Intent, e: CaseExpectation): void {
  expect(intent.type).toBe(e.type);
  if (intent.type === 'log_time' && e.type === 'log_time') {
    expectProject(intent.project, e.project);
    if (e.date !== undefined) expect(intent.date).toBe(e.date);
    if (e.seconds !== undefined) expect(intent.durationSeconds).toBe(e.seconds);
    // No start in the expectation means a duration-only entry.
    expect(intent.startTime?.toISOString() ?? null).toBe(e.start ?? null);
    expect(intent.endTime?.toISOString() ?? null).toBe(e.end ?? null);
    expectDescription(intent.description, e.description);
    expect(intent.unclearDay ?? null).toBe(e.unclearDay ?? null);
  } else if (intent.type === 'start_timer' && e.type === 'start_timer') {
    expectProject(intent.project, e.project);
    expectDescription(intent.description, e.description);
  } else if (intent.type === 'report' && e.type === 'report') {
    if (e.from !== undefined) expect(intent.period.from).toBe(e.from);
    if (e.to !== undefined) expect(intent.period.to).toBe(e.to);
    if (e.label !== undefined) expect(intent.period.label).toBe(e.label);
    expectProject(intent.project, e.project);
    if (e.groupBy !== undefined) expect(intent.groupBy).toBe(e.groupBy);
  } else if (intent.type === 'smalltalk' && e.type === 'smalltalk') {
    if (e.kind !== undefined) expect(intent.kind).toBe(e.kind);
  }
}

describe('parseMessage', () => {
  it('has at least 180 distinct phrasings', () => {
    const phrasings = new Set(NLU_CASES.map((c) => `${c.say}|${c.timeZone ?? ''}|${c.now ?? ''}|${c.projects?.join() ?? ''}`));
    expect(phrasings.size).toBe(NLU_CASES.length);
    expect(NLU_CASES.length).toBeGreaterThanOrEqual(180);
  });

  for (const [group, cases] of Object.entries(NLU_CASE_GROUPS)) {
    describe(group, () => {
      it.each(cases.map((c) => [c.say, c] as const))('%j', (_say, c) => {
        check(parseMessage(c.say, contextOf(c)), c.expect);
      });
    });
  }
});

describe('the sample conversations (test/fixtures/chat-cases.sample.json)', () => {
  const ctx = contextOf({ say: '', expect: { type: 'status' } });

  // The service turns these into clarifications; at the parser level each must
  // carry what makes the service ask instead of guess.
  it('asks which project when none is named', () => {
    const intent = parseMessage('log 2 hours', ctx);
    expect(intent).toMatchObject({ type: 'log_time', project: { status: 'none' }, durationSeconds: 7200 });
  });

  it('offers both candidates for a fragment that fits two projects', () => {
    const intent = parseMessage('log 1h on Web', ctx);
    expect(intent.type === 'log_time' && intent.project).toEqual({
      status: 'ambiguous',
      query: 'Web',
      candidates: toProjects(['Website Redesign', 'Webshop']),
    });
  });

  it('reports a project that does not exist as unknown, with the words used', () => {
    const intent = parseMessage('log 1h on Payroll Migration', ctx);
    expect(intent.type === 'log_time' && intent.project).toEqual({ status: 'unknown', query: 'Payroll Migration' });
  });

  it('never logs time from thanks', () => {
    expect(parseMessage('thanks!', ctx)).toEqual({ type: 'smalltalk', kind: 'thanks' });
  });

  it('sums the first scenario into a report of today that covers every logged day', () => {
    const logged = SAMPLE_CASES.slice(0, 3).map((c) => parseMessage(c.say, ctx));
    const question = parseMessage('how many hours did I log today?', ctx);
    expect(question.type).toBe('report');
    if (question.type !== 'report') return;
    const inPeriod = logged.filter((i) => i.type === 'log_time' && i.date >= question.period.from && i.date <= question.period.to);
    // Step b was yesterday, so only a and c count towards today's total.
    expect(inPeriod.map((i) => (i.type === 'log_time' ? i.durationSeconds : 0))).toEqual([7200, 5400]);
  });
});

describe('parseMessage is pure', () => {
  it('gives the same intent for the same input and leaves its arguments alone', () => {
    const ctx = contextOf({ say: '', expect: { type: 'status' } });
    const frozen = JSON.stringify(ctx);
    const a = parseMessage('yesterday 14:00-15:15 Website Redesign: sprint planning', ctx);
    const b = parseMessage('yesterday 14:00-15:15 Website Redesign: sprint planning', ctx);
    expect(a).toEqual(b);
    expect(JSON.stringify(ctx)).toBe(frozen);
  });

  it('returns the project objects it was given', () => {
    const ctx = contextOf({ say: '', expect: { type: 'status' } });
    const intent = parseMessage('log 2h on acme', ctx);
    expect(intent.type === 'log_time' && intent.project.status === 'matched' && intent.project.project).toBe(ctx.projects[1]);
  });

  it('works with no projects at all', () => {
    const ctx = { ...contextOf({ say: '', expect: { type: 'status' } }), projects: [] };
    expect(parseMessage('log 2h on acme', ctx)).toMatchObject({ type: 'log_time', project: { status: 'unknown', query: 'acme' } });
  });
});
