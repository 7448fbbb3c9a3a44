import { compact } from './fuzzy.js';
import { candidates, Gram, gramNode, prepare, TIER, tierOf } from './project-names.js';
import { DETERMINERS, NON_NAME, NOT_GERUNDS, SLOT_PREPOSITIONS } from './lexicon.js';
import type { NluProject, ProjectRef } from './types.js';
import type { Span, Utterance, Word } from './utterance.js';

export interface ProjectResolution {
  ref: ProjectRef;
  /** The words that named the project (matched or not), so the description leaves them out. */
  span: Span | null;
}

/** Fragments this weak count only where a project is expected: "log 1h on web", not "fixing the web form". */
const WEAK_BELOW = TIER.nearWord;

/** Bonus for words where a project is expected; it only ever breaks ties between tiers. */
const SLOT_BONUS = 4;
/** Words inside a clause opened by a gerund ("fixing the app crash") describe the work. */
const GERUND_PENALTY = 4;
/** So do words after a colon or dash ("Acme API: updated the Mobile App docs"). */
const LABEL_PENALTY = 4;

/** After these comes a verb ("I slept 8 hours"), not a project. */
const SUBJECTS: ReadonlySet<string> = new Set(['i', 'we', "i've", "we've", "i'd", 'ive', 'you', 'they', 'he', 'she']);

/**
 * Bounds on the matcher's work, so that no message costs the server more than
 * some tens of milliseconds however long the message and the project names
 * are and however many projects there are (spec: a 4,000-character message against
 * 200 names of 200 characters answers within 1 s, other clients unharmed).
 * Each bound is far above what a real request needs:
 * - only the projects that share a word, a word's start or a three-letter piece
 *   with the message are scored, at most CANDIDATE_LIMIT of them, best first;
 * - a phrase is read in pieces of at most GRAM_WORDS words (longer names are
 *   still found word for word by `claimExactNames`, and by their words);
 * - at most TIER_BUDGET name words are compared in all; repeated phrases
 *   are scored once; once the budget is spent the rest of the message is not
 *   searched for projects.
 */
const GRAM_WORDS = 8;
const TIER_BUDGET = 200_000;
/** At most this many full names are looked for, longest first, and this many mentions kept. */
const EXACT_LIMIT = 24;
const MENTION_LIMIT = 64;

/** A colon or a spaced dash, not the colon of "14:00" or the dash of "9-11". */
const LABEL_ANYWHERE = /:(?!\d)|\s[-–]\s/;
/** A slot preposition, possibly with determiners, right before a mention (SLOT_PREPOSITIONS, DETERMINERS). */
const SLOT_BEFORE = /\b(?:on|to|for|in|at|into|onto|under|against)\s+(?:(?:the|my|our|a|an|this|that|project|client)\s+)*$/;

interface Slot {
  kind: 'preposition' | 'initial';
  preposition?: string;
}

interface Candidate {
  project: NluProject;
  score: number;
  span: Span;
}

export interface ResolveOptions {
  /** For "start X": a lone unknown phrase right after the command is a project name. */
  expectProject: boolean;
}

/** A project named word for word, claimed before anything else reads the message. */
export interface ExactMention {
  project: NluProject;
  span: Span;
}

/**
 * Claims every project named in full ("Today Show", "Timer App") before
 * dates, durations and commands are read, so that a keyword inside a real
 * project name is not taken for the keyword. A one-word name that is also a
 * common word ("Time") is left to the normal matching.
 */
export function claimExactNames(u: Utterance, projects: NluProject[]): ExactMention[] {
  // A name can only be mentioned in full if its letters and digits appear in a row in the message: a cheap
  // test (no regular expression per project) that leaves the few names worth looking for.
  const letters = compact(u.free);
  const wanted = prepare(projects)
    .filter((n) => n.compact.length > 0 && !(n.words.length === 1 && NON_NAME.has(n.words[0])) && letters.includes(n.compact))
    .sort((a, b) => b.compact.length - a.compact.length)
    .slice(0, EXACT_LIMIT);
  const mentions: ExactMention[] = [];
  for (const { project, words } of wanted) {
    // Name words are letters and digits only, so they need no escaping.
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${words.join('[\\s_.-]*')}(?![\\p{L}\\p{N}])`, 'gu');
    for (const m of u.free.matchAll(re)) {
      if (mentions.length >= MENTION_LIMIT) break;
      mentions.push({ project, span: { start: m.index, end: m.index + m[0].length } });
    }
  }
  for (const m of mentions) u.claim(m.span);
  return mentions;
}

/**
 * Finds the project the unclaimed words name, and claims those words.
 * Runs after dates, durations and clock times are claimed, so "today" or
 * "2 hours" can never be taken for a project.
 */
export function resolveProject(
  u: Utterance,
  projects: NluProject[],
  options: ResolveOptions,
  exact: readonly ExactMention[] = [],
): ProjectResolution {
  const scan = scanOf(u);
  const names = candidates(prepare(projects), scan.words, exact);
  const longest = Math.max(1, ...names.map((n) => n.words.length));
  const gramWords = Math.min(GRAM_WORDS, longest + 1);
  // Grams share their first words, so they are read along a trie of words: each distinct gram is scored
  // against the candidates once, and offered once per kind of place ("b c b c …" repeats the same few grams).
  const root = gramNode();
  let budget = TIER_BUDGET;
  const best = new Map<string, Candidate>();
  const offer = (project: NluProject, score: number, span: Span): void => {
    const current = best.get(project.id);
    if (current === undefined || score > current.score) best.set(project.id, { project, score, span });
  };
  for (const m of exact) {
    const inSlot =
      SLOT_BEFORE.test(u.text.slice(0, m.span.start)) ||
      scan.firstContent === undefined ||
      scan.firstContent.start > m.span.start ||
      labelFollows(u, m.span);
    offer(m.project, TIER.exact + (inSlot ? SLOT_BONUS : 0) - (m.span.start > scan.labelAt ? LABEL_PENALTY : 0), m.span);
  }
  scanning: for (const phrase of scan.phrases) {
    const parts = phrase.map((w) => compact(w.text));
    let gerund = false;
    for (let i = 0; i < phrase.length; i++) {
      const slot = slotAt(scan, phrase, i);
      gerund ||= i > 0 && isGerund(phrase[i - 1]);
      const afterLabel = phrase[i].start > scan.labelAt;
      let node = root;
      let joined = '';
      for (let j = i; j < Math.min(phrase.length, i + gramWords); j++) {
        joined += parts[j];
        node = node.next.get(parts[j]) ?? node.next.set(parts[j], gramNode()).get(parts[j])!;
        const loose = !NON_NAME.has(phrase[i].text) && !NON_NAME.has(phrase[j].text);
        let hits = loose ? node.loose : node.strict;
        if (hits === null) {
          if (budget <= 0) break scanning;
          const gram: Gram = { parts: parts.slice(i, j + 1), joined, loose };
          hits = [];
          for (const name of names) {
            budget -= name.words.length + 1;
            const tier = tierOf(gram, name);
            if (tier > 0) hits.push([name, tier]);
          }
          if (loose) node.loose = hits;
          else node.strict = hits;
        }
        if (hits.length === 0) continue;
        const inSlot = slot !== null || (j + 1 >= phrase.length && labelFollows(u, phrase[j]));
        const adjust = (inSlot ? SLOT_BONUS : 0) - (gerund ? GERUND_PENALTY : 0) - (afterLabel ? LABEL_PENALTY : 0);
        // The same words in the same kind of place score the same, and only a higher score replaces a candidate.
        const place = (loose ? 1000 : 0) + (inSlot ? 100 : 0) + adjust;
        if (node.offered.has(place)) continue;
        node.offered.add(place);
        for (const [name, tier] of hits) {
          if (tier < WEAK_BELOW && !inSlot) continue;
          offer(name.project, tier + adjust, { start: phrase[i].start, end: phrase[j].end });
        }
      }
    }
  }

  const ranked = [...best.values()].sort((a, b) => b.score - a.score);
  const tied = ranked.filter((c) => c.score === ranked[0].score);
  // Full names mentioned but not chosen are part of the description again ("updated the Mobile App docs").
  for (const m of exact) if (!tied.some((c) => c.span === m.span)) u.release(m.span);
  if (ranked.length > 0) {
    const top = ranked[0];
    for (const c of tied) u.claim(c.span);
    if (tied.length === 1) return { ref: { status: 'matched', project: top.project }, span: top.span };
    const order = (p: NluProject): number => projects.indexOf(p);
    return {
      ref: {
        status: 'ambiguous',
        query: u.source(top.span),
        candidates: tied.map((c) => c.project).sort((a, b) => order(a) - order(b)),
      },
      span: top.span,
    };
  }

  const unknown = unknownName(scan, options);
  if (unknown !== null) {
    u.claim(unknown);
    return { ref: { status: 'unknown', query: u.source(unknown) }, span: unknown };
  }
  return { ref: { status: 'none' }, span: null };
}

/** What every candidate needs to know about the message, computed once. */
interface Scan {
  u: Utterance;
  words: Word[];
  phrases: Word[][];
  /** The first word that could be a name; "Acme API 2h" and "start X" put the project there. */
  firstContent: Word | undefined;
  /** Offset of the first colon or spaced dash; words after it describe the work. */
  labelAt: number;
}

function scanOf(u: Utterance): Scan {
  const words = u.words();
  const label = LABEL_ANYWHERE.exec(u.text);
  return {
    u,
    words,
    phrases: phrasesOf(u, words),
    firstContent: words.find((w) => !NON_NAME.has(w.text)),
    labelAt: label === null ? Number.MAX_SAFE_INTEGER : label.index,
  };
}

function isGerund(w: Word): boolean {
  return /^\p{L}{2,}ing$/u.test(w.text) && !NOT_GERUNDS.has(w.text) && !NON_NAME.has(w.text);
}

/** Runs of words not separated by claimed text or punctuation. */
function phrasesOf(u: Utterance, words: Word[]): Word[][] {
  const phrases: Word[][] = [];
  for (const w of words) {
    const last = phrases[phrases.length - 1];
    if (last !== undefined && !u.separated(last[last.length - 1], w)) last.push(w);
    else phrases.push([w]);
  }
  return phrases;
}

/**
 * Where a project is expected: after a preposition ("on the X", "to X"), as
 * the first meaningful words of the message ("Acme API 2h", "start X"), or
 * before a colon or dash ("X: sprint planning").
 */
function slotAt(scan: Scan, phrase: Word[], i: number): Slot | null {
  let k = i - 1;
  while (k >= 0 && DETERMINERS.has(phrase[k].text)) k--;
  if (k >= 0 && SLOT_PREPOSITIONS.has(phrase[k].text)) return { kind: 'preposition', preposition: phrase[k].text };
  if (scan.firstContent === phrase[i]) return { kind: 'initial' };
  return null;
}

const LABEL_AFTER = /\s*(?::|-\s|–)/y;

function labelFollows(u: Utterance, w: Span): boolean {
  LABEL_AFTER.lastIndex = w.end;
  return LABEL_AFTER.test(u.text);
}

/**
 * A name in a project slot that matched nothing: "log 1h on Payroll
 * Migration", "Payroll: 2h", "start Payroll". After "for" the words are more
 * often the description ("for code review"), so there they count as a name
 * only when capitalised or when nothing else could be the description.
 */
function unknownName(scan: Scan, options: ResolveOptions): Span | null {
  const { u } = scan;
  const content = scan.words.filter((w) => !NON_NAME.has(w.text));
  for (const phrase of scan.phrases) {
    for (let i = 0; i < phrase.length; i++) {
      if (NON_NAME.has(phrase[i].text) || isGerund(phrase[i])) continue;
      if (i > 0 && SUBJECTS.has(phrase[i - 1].text)) continue;
      const slot = slotAt(scan, phrase, i);
      let j = i;
      while (j + 1 < phrase.length && !NON_NAME.has(phrase[j + 1].text) && !isGerund(phrase[j + 1])) j++;
      const words = phrase.slice(i, j + 1);
      const span = { start: words[0].start, end: words[words.length - 1].end };
      if (compact(u.source(span)).length < 2) continue;
      const onlyContent = words.length === content.length;
      const labelled = j + 1 >= phrase.length && labelFollows(u, phrase[j]);
      const capitalised = /^\p{Lu}/u.test(u.source(span));
      if (slot?.kind === 'preposition') {
        if (slot.preposition !== 'for' || capitalised || onlyContent) return span;
      } else if (slot?.kind === 'initial') {
        if (labelled || onlyContent || options.expectProject) return span;
      } else if (labelled && i === 0) {
        return span;
      }
      i = j;
    }
  }
  return null;
}
