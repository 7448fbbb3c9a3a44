import fc from 'fast-check';
import { editDistance } from './fuzzy.js';
import { parseMessage } from './intents.js';
import type { NluProject, ParseContext } from './types.js';

/** The textbook edit distance with transpositions, every cell computed: the reference for the banded one. */
function fullDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

describe('editDistance with a limit (only the band around the diagonal is computed)', () => {
  it('agrees with the full computation up to the limit, and says limit + 1 beyond it', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 14 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 4 }), (a, b, limit) => {
        expect(editDistance(a, b, limit)).toBe(Math.min(fullDistance(a, b), limit + 1));
      }),
      { numRuns: 2000 },
    );
  });
});

const ctx = (projects: NluProject[]): ParseContext => ({ now: new Date('2026-11-25T14:00:00Z'), timeZone: 'Europe/Berlin', projects });

// More projects than the matcher scores in full: it picks candidates by the words they share with the message.
const many: NluProject[] = [
  ...Array.from({ length: 300 }, (_, i) => ({ id: `p${i}`, name: `Client ${i} Support` })),
  { id: 'wr', name: 'Website Redesign' },
  { id: 'shop', name: 'Webshop' },
  { id: 'mob', name: 'Mobile App' },
];

describe('project matching among many projects', () => {
  it.each([
    ['log 2h on Website Redesign', 'wr'],
    ['log 2h on websit redesing', 'wr'],
    ['log 2h on the mob app', 'mob'],
    ['2h shop', 'shop'],
    ['log 1h on client 217 support', 'p217'],
  ])('"%s" is %s', (say, id) => {
    const intent = parseMessage(say, ctx(many));
    expect(intent).toMatchObject({ type: 'log_time', project: { status: 'matched', project: { id } } });
  });

  it('still reports several equally good names as ambiguous', () => {
    const intent = parseMessage('log 2h on support', ctx(many));
    expect(intent).toMatchObject({ type: 'log_time', project: { status: 'ambiguous', query: 'support' } });
  });
});

describe('bounded work on hostile input', () => {
  // 200 names of 200 characters of one-letter words and a message of the same words: every word of the
  // message fits every name. The answer must still come, and be the honest one (ambiguous), not a guess.
  const names: NluProject[] = Array.from({ length: 200 }, (_, i) => ({
    id: `n${i}`,
    name: `${Array.from({ length: 100 }, (_, k) => (k >= 92 ? ((i >> (k - 92)) & 1 ? 'y' : 'x') : k % 2 ? 'c' : 'b')).join(' ')}.`,
  }));

  it('answers a 4,000-character message of one-letter words against 200 such names', () => {
    const intent = parseMessage(('log 2h on ' + 'b c '.repeat(1000)).slice(0, 4000), ctx(names));
    expect(intent).toMatchObject({ type: 'log_time', durationSeconds: 7200, project: { status: 'ambiguous' } });
  });

  it('still finds a long name said in full', () => {
    const intent = parseMessage(`log 2h on ${names[37].name}`, ctx(names));
    expect(intent).toMatchObject({ type: 'log_time', project: { status: 'matched', project: { id: 'n37' } } });
  });
});
