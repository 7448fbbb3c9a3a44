import { allowedEdits, compact, editDistance, isSingleTransposition } from './fuzzy.js';
import { DETERMINERS, NON_NAME, NOT_GERUNDS, SLOT_PREPOSITIONS } from './lexicon.js';
import type { NluProject, ProjectRef } from './types.js';
import type { Span, Utterance, Word } from './utterance.js';

export interface ProjectResolution {
  ref: ProjectRef;
  /** The words that named the project (matched or not), so the description leaves them out. */
  span: Span | null;
}

/**
 * How strongly some words name a project, best first. The gaps matter more
 * than the numbers: any exact or near-exact name beats any fragment, so
 * "Webshop" is Webshop even though "Website Redesign" shares its prefix, while
 * a fragment that fits two names equally ("Web") stays ambiguous.
 */
const TIER = {
  exact: 100, // "acme api", "Acme-API"
  near: 90, // minus 5 per typo: "website redesing"
  words: 80, // several whole words of the name: "client portal" of "Big Client Portal"
  word: 70, // one whole word: "mobile", "redesign"
  nearWord: 60, // one word with a typo: "mobil"
  prefix: 50, // "web", "acm"
  infix: 40, // "shop"
} as const;

/** Fragments this weak count only where a project is expected: "log 1h on web", not "fixing the web form". */
const WEAK_BELOW = TIER.nearWord;

/** Bonus for words where a project is expected; it only ever breaks ties between tiers. */
const SLOT_BONUS = 4;
/** Words inside a clause opened by a gerund ("fixing the app crash") describe the work. */
const GERUND_PENALTY = 4;

type SlotKind = 'preposition' | 'initial' | 'label';

interface Slot {
  kind: SlotKind;
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

/**
 * Finds the project the unclaimed words name, and claims those words.
 * Runs after dates, durations and clock times are claimed, so "today" or
 * "2 hours" can never be taken for a project.
 */
export function resolveProject(u: Utterance, projects: NluProject[], options: ResolveOptions): ProjectResolution {
  const words = u.words();
  const phrases = phrasesOf(u, words);
  const names = projects.map((p) => ({ project: p, compact: compact(p.name), words: nameWords(p.name) }));
  const longest = Math.max(1, ...names.map((n) => n.words.length));

  const best = new Map<string, Candidate>();
  for (const phrase of phrases) {
    for (let i = 0; i < phrase.length; i++) {
      const slot = slotAt(words, phrase, i);
      const gerund = phrase.slice(0, i).some(isGerund);
      for (let j = i; j < Math.min(phrase.length, i + longest + 1); j++) {
        const gram = phrase.slice(i, j + 1);
        const loose = !NON_NAME.has(gram[0].text) && !NON_NAME.has(gram[gram.length - 1].text);
        const followedByLabel = j + 1 >= phrase.length && labelFollows(u, gram[gram.length - 1]);
        for (const name of names) {
          const tier = tierOf(gram, name, loose);
          if (tier === 0) continue;
          const inSlot = slot !== null || followedByLabel;
          if (tier < WEAK_BELOW && !inSlot) continue;
          const score = tier + (inSlot ? SLOT_BONUS : 0) - (gerund ? GERUND_PENALTY : 0);
          const current = best.get(name.project.id);
          if (current === undefined || score > current.score) {
            best.set(name.project.id, { project: name.project, score, span: { start: gram[0].start, end: gram[gram.length - 1].end } });
          }
        }
      }
    }
  }

  const ranked = [...best.values()].sort((a, b) => b.score - a.score);
  if (ranked.length > 0) {
    const top = ranked[0];
    const tied = ranked.filter((c) => c.score === top.score);
    u.claim(top.span);
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

  const unknown = unknownName(u, words, phrases, options);
  if (unknown !== null) {
    u.claim(unknown);
    return { ref: { status: 'unknown', query: u.source(unknown) }, span: unknown };
  }
  return { ref: { status: 'none' }, span: null };
}

/** Lower-case words of a project name: "Acme-API" → ["acme", "api"]. */
function nameWords(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

function tierOf(gram: Word[], name: { compact: string; words: string[] }, loose: boolean): number {
  const c = compact(gram.map((w) => w.text).join(' '));
  if (c.length === 0) return 0;
  if (c === name.compact) return TIER.exact;
  if (!loose) return 0;
  if (gram.length <= name.words.length + 1 && name.compact.length >= 5) {
    const limit = allowedEdits(name.compact.length);
    const d = editDistance(c, name.compact, limit);
    if (d <= limit) return TIER.near - 5 * d;
  }
  const texts = gram.map((w) => compact(w.text));
  if (gram.length > 1) {
    return isOrderedSubset(texts, name.words) ? TIER.words : gram.length <= name.words.length && name.compact.startsWith(c) ? TIER.prefix : 0;
  }
  const w = texts[0];
  if (name.words.includes(w)) return TIER.word;
  if (name.words.some((nw) => nearWord(w, nw))) return TIER.nearWord;
  if (w.length >= 3 && (name.compact.startsWith(w) || name.words.some((nw) => nw.startsWith(w)))) return TIER.prefix;
  if (w.length >= 4 && name.compact.includes(w)) return TIER.infix;
  return 0;
}

function nearWord(word: string, nameWord: string): boolean {
  if (nameWord.length <= 4) return nameWord.length === 4 && isSingleTransposition(word, nameWord);
  const limit = Math.min(allowedEdits(nameWord.length), allowedEdits(word.length) || 1);
  return editDistance(word, nameWord, limit) <= limit;
}

function isOrderedSubset(words: string[], of: string[]): boolean {
  let k = 0;
  for (const w of of) if (k < words.length && words[k] === w) k++;
  return k === words.length;
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
function slotAt(all: Word[], phrase: Word[], i: number): Slot | null {
  let k = i - 1;
  while (k >= 0 && DETERMINERS.has(phrase[k].text)) k--;
  if (k >= 0 && SLOT_PREPOSITIONS.has(phrase[k].text)) return { kind: 'preposition', preposition: phrase[k].text };
  const first = all.findIndex((w) => !NON_NAME.has(w.text));
  if (first >= 0 && all[first] === phrase[i]) return { kind: 'initial' };
  return null;
}

function labelFollows(u: Utterance, w: Word): boolean {
  return /^\s*(?::|-\s|–)/.test(u.text.slice(w.end));
}

/**
 * A name in a project slot that matched nothing: "log 1h on Payroll
 * Migration", "Payroll: 2h", "start Payroll". After "for" the words are more
 * often the description ("for code review"), so there they count as a name
 * only when capitalised or when nothing else could be the description.
 */
function unknownName(u: Utterance, all: Word[], phrases: Word[][], options: ResolveOptions): Span | null {
  const content = all.filter((w) => !NON_NAME.has(w.text));
  for (const phrase of phrases) {
    for (let i = 0; i < phrase.length; i++) {
      if (NON_NAME.has(phrase[i].text) || isGerund(phrase[i])) continue;
      const slot = slotAt(all, phrase, i);
      let j = i;
      while (j + 1 < phrase.length && !NON_NAME.has(phrase[j + 1].text) && !isGerund(phrase[j + 1])) j++;
      const words = phrase.slice(i, j + 1);
      const span = { start: words[0].start, end: words[words.length - 1].end };
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
