import { allowedEdits, compact, editDistance, isSingleTransposition } from './fuzzy.js';
import type { NluProject } from './types.js';
import type { Word } from './utterance.js';

/**
 * Comparing words of a message with project names: how strongly a gram names
 * a project (its tier), and which names are worth comparing at all. Where in
 * the message a project is expected, and what counts as one, is projects.ts.
 */

/**
 * How strongly some words name a project, best first. The gaps matter more
 * than the numbers: any exact or near-exact name beats any fragment, so
 * "Webshop" is Webshop even though "Website Redesign" shares its prefix, while
 * a fragment that fits two names equally ("Web") stays ambiguous.
 */
export const TIER = {
  exact: 100, // "acme api", "Acme-API"
  near: 90, // minus 5 per typo: "website redesing"
  words: 80, // several whole words of the name: "client portal" of "Big Client Portal"
  wordPrefixes: 75, // each word starts a name word, in order: "mob app", "web redes"
  word: 70, // one whole word: "mobile", "redesign"
  nearWord: 60, // one word with a typo: "mobil"
  prefix: 50, // "web", "acm"
  infix: 40, // "shop"
} as const;

/** At most this many names are scored per message (see the bounds in projects.ts). */
const CANDIDATE_LIMIT = 24;

/** Consecutive words of the message, as the matcher compares them with names. */
export interface Gram {
  /** Each word compacted. */
  parts: string[];
  /** All words compacted together. */
  joined: string;
  /** Neither first nor last word is filler: only then may the gram match loosely. */
  loose: boolean;
}

/** A project name as the matcher compares it, prepared once per message. */
export interface Name {
  project: NluProject;
  /** Position in the caller's list: candidates tie in that order. */
  order: number;
  compact: string;
  words: string[];
  wordSet: ReadonlySet<string>;
}

/** Per list of projects (one parse reads the same list several times). */
const prepared = new WeakMap<NluProject[], Name[]>();

export function prepare(projects: NluProject[]): Name[] {
  let names = prepared.get(projects);
  if (names === undefined) {
    names = projects.map((project, order) => {
      const words = nameWords(project.name);
      return { project, order, compact: compact(project.name), words, wordSet: new Set(words) };
    });
    prepared.set(projects, names);
  }
  return names;
}

/**
 * The names worth scoring against these words: all of them when there are
 * few, else the CANDIDATE_LIMIT that share the most with the message through
 * an index of their words, word starts and three-letter pieces (so a typo
 * like "websit redesing" or a fragment like "shop" still finds its name),
 * plus every name mentioned in full. A name that shares none of these with
 * the message could only match through a typo in its first letters.
 */
export function candidates(names: Name[], words: Word[], exact: readonly { project: NluProject }[]): Name[] {
  if (names.length <= CANDIDATE_LIMIT) return names;
  // What the message offers: whole words, their first two letters, their three-letter pieces.
  const said = new Set<string>();
  const starts = new Set<number>();
  const pieces = new Set<number>();
  for (const word of words) {
    const c = compact(word.text);
    if (c.length === 0 || said.has(c)) continue;
    said.add(c);
    starts.add(pair(c));
    for (let k = 0; k + 3 <= c.length; k++) pieces.add(triple(c, k));
  }
  const scored: [Name, number][] = [];
  for (const name of names) {
    let score = 0;
    for (const w of name.wordSet) {
      if (said.has(w)) score += 4;
      if (starts.has(pair(w))) score += 1;
      for (let k = 0; k + 3 <= w.length; k++) if (pieces.has(triple(w, k))) score += 1;
    }
    if (score > 0) scored.push([name, score]);
  }
  const chosen = scored
    .sort(([a, x], [b, y]) => y - x || a.order - b.order)
    .slice(0, CANDIDATE_LIMIT)
    .map(([name]) => name);
  for (const m of exact) if (!chosen.some((n) => n.project === m.project)) chosen.push(names.find((n) => n.project === m.project)!);
  return chosen.sort((a, b) => a.order - b.order);
}

/** The first two UTF-16 units of a word as one number (one unit for a one-letter word). */
const pair = (w: string): number => w.charCodeAt(0) * 65_536 + (w.length > 1 ? w.charCodeAt(1) : 0);
/** Three UTF-16 units from `k` as one number. */
const triple = (w: string, k: number): number => (w.charCodeAt(k) * 65_536 + w.charCodeAt(k + 1)) * 65_536 + w.charCodeAt(k + 2);

/** Lower-case words of a project name: "Acme-API" → ["acme", "api"]. */
function nameWords(name: string): string[] {
  return name
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** How strongly a gram names the project (a TIER value), or 0. */
export function tierOf(gram: Gram, name: Name): number {
  const c = gram.joined;
  if (c.length === 0) return 0;
  if (c === name.compact) return TIER.exact;
  if (!gram.loose) return 0;
  const n = gram.parts.length;
  if (n <= name.words.length + 1 && name.compact.length >= 5) {
    const limit = allowedEdits(name.compact.length);
    const d = editDistance(c, name.compact, limit);
    if (d <= limit) return TIER.near - 5 * d;
  }
  if (n > 1) {
    if (isOrderedSubset(gram.parts, name.words)) return TIER.words;
    if (isWordwisePrefix(gram.parts, name.words)) return TIER.wordPrefixes;
    return n <= name.words.length && name.compact.startsWith(c) ? TIER.prefix : 0;
  }
  if (name.wordSet.has(c)) return TIER.word;
  if (name.words.some((nw) => nearWord(c, nw))) return TIER.nearWord;
  if (c.length >= 3 && (name.compact.startsWith(c) || name.words.some((nw) => nw.startsWith(c)))) return TIER.prefix;
  if (c.length >= 4 && name.compact.includes(c)) return TIER.infix;
  return 0;
}

function nearWord(word: string, nameWord: string): boolean {
  if (nameWord.length <= 4) return nameWord.length === 4 && isSingleTransposition(word, nameWord);
  const limit = Math.min(allowedEdits(nameWord.length), allowedEdits(word.length) || 1);
  return editDistance(word, nameWord, limit) <= limit;
}

/** "mob app" against "mobile app": every word begins the next name word (three letters at least). */
function isWordwisePrefix(parts: string[], of: string[]): boolean {
  if (parts.length > of.length) return false;
  return parts.every((p, k) => p === of[k] || (p.length >= 3 && of[k].startsWith(p)));
}

function isOrderedSubset(words: string[], of: string[]): boolean {
  let k = 0;
  for (const w of of) if (k < words.length && words[k] === w) k++;
  return k === words.length;
}

/** A gram in the trie of a message's grams: its tiers against the candidates, once computed, and where it was offered. */
export interface GramNode {
  next: Map<string, GramNode>;
  strict: [Name, number][] | null;
  loose: [Name, number][] | null;
  offered: Set<number>;
}

export const gramNode = (): GramNode => ({ next: new Map(), strict: null, loose: null, offered: new Set() });
