/**
 * Word lists the parser shares. Kept in one place so that "which words can
 * never be a project or a description" has one answer.
 */

/**
 * Words whose misspellings are corrected before parsing ("yesterdy",
 * "lgo", "minuts"). Only words that steer the parse belong here: correcting
 * arbitrary words would damage descriptions and project names.
 */
// prettier-ignore
export const KEYWORDS: readonly string[] = [
  // verbs
  'log', 'logged', 'track', 'tracked', 'tracking', 'record', 'recorded', 'book', 'booked', 'spent', 'worked',
  'working', 'start', 'started', 'stop', 'stopped', 'pause', 'timer', 'running', 'clock', 'begin',
  // days
  'yesterday', 'today', 'tomorrow', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'morning', 'afternoon', 'evening', 'before', 'ago', 'days',
  // units and periods
  'hour', 'hours', 'minute', 'minutes', 'seconds', 'week', 'month', 'last', 'this', 'from', 'until', 'between',
  // questions, courtesy
  'how', 'many', 'much', 'what', 'total', 'summary', 'report', 'please', 'thanks', 'thank', 'hello', 'help',
  'project',
];

/** Shorthand and typos too short for edit distance to catch safely. */
export const ALIASES: Readonly<Record<string, string>> = {
  yday: 'yesterday',
  yest: 'yesterday',
  ystd: 'yesterday',
  ystdy: 'yesterday',
  yda: 'yesterday',
  tdy: 'today',
  tday: 'today',
  tmr: 'tomorrow',
  tmrw: 'tomorrow',
  tmrow: 'tomorrow',
  tmw: 'tomorrow',
  tomo: 'tomorrow',
  thx: 'thanks',
  thnx: 'thanks',
  thanx: 'thanks',
  tnx: 'thanks',
  ty: 'thanks',
  pls: 'please',
  plz: 'please',
  plez: 'please',
  wk: 'week',
  hous: 'hours',
  hors: 'hours',
  hrz: 'hours',
  mnts: 'minutes',
  mns: 'minutes',
};

/**
 * Real words one edit away from a keyword that must stay as typed
 * ("smart" is not a misspelt "start", "times" not "timer").
 */
// prettier-ignore
export const NEVER_CORRECT: ReadonlySet<string> = new Set([
  'house', 'houses', 'ours', 'hourly', 'smart', 'stark', 'stars', 'think', 'thing', 'times', 'timed', 'tiler',
  'block', 'flock', 'click', 'cloak', 'protect', 'mouth', 'moth', 'resort', 'repost', 'stepped', 'shopped',
  'topped', 'traced', 'trucked', 'cracked', 'spend', 'spelt', 'worker', 'forked', 'corked', 'works', 'world',
  'words', 'stock', 'store', 'story', 'sport', 'starts', 'booking', 'looked', 'cooked', 'hooked', 'rooked', 'blog',
  'logs', 'clog', 'hells', 'cello', 'helps', 'halo', 'totals', 'minuet', 'reward', 'accord', 'months', 'weeks',
  'mans', 'reports', 'rapport', 'mourning', 'evenings', 'cunning', 'summery', 'betweens', 'form', 'forms',
  'thanked', 'pleased', 'pleases', 'projects', 'starter', 'stopper', 'tracker', 'trackers', 'second', 'recorder',
  'records', 'books', 'booker', 'logger', 'tracks', 'timers', 'clocks', 'clocked', 'starting', 'stopping',
  'todays', 'stops', 'pauses', 'paused', 'begins', 'begun', 'began', 'these', 'those', 'thus', 'his', 'lust',
  'past', 'least', 'list', 'lost', 'mint', 'day', 'dates', 'weekly', 'year', 'years',
]);

/**
 * Words that may sit at the edges of a description without carrying meaning
 * there: politeness, the user's own logging verbs, pronouns, prepositions and
 * articles. "for code review" → "code review"; "I worked" → nothing.
 */
// prettier-ignore
export const FILLER: ReadonlySet<string> = new Set([
  // courtesy and conversation
  'please', 'kindly', 'hey', 'hi', 'hello', 'ok', 'okay', 'so', 'um', 'uh', 'well', 'thanks', 'thank', 'just',
  'also', 'then', 'now', 'right', 'again', 'yes', 'yeah', 'sure', 'maybe', 'actually',
  // pronouns and auxiliaries
  'i', "i've", 'ive', "i'm", 'im', "i'd", "i'll", 'me', 'my', 'mine', 'we', 'our', 'us', 'you', 'u', 'your',
  'it', "it's", 'its', 'that', 'this', 'there', 'can', 'could', 'would', 'will', 'should', 'have', 'has', 'had',
  'was', 'were', 'been', 'be', 'is', 'am', 'are', 'do', 'did', 'does', 'need', 'want', 'wanna', "let's", 'lets',
  // the user's own logging verbs
  'log', 'logged', 'logging', 'add', 'added', 'track', 'tracked', 'tracking', 'record', 'recorded', 'book',
  'booked', 'put', 'spent', 'spend', 'worked', 'work', 'working', 'note', 'notes', 'description', 'desc',
  'comment', 'start', 'started', 'starting', 'begin', 'resume', 'timer', 'clock', 'clocked', 'entry',
  // prepositions, articles, conjunctions
  'on', 'to', 'for', 'in', 'at', 'of', 'with', 'about', 'into', 'onto', 'as', 'by', 'from', 'under', 'the', 'a',
  'an', 'and', 'or', 'some', 'another',
  // units that survive extraction ("log 2 hours of time")
  'hour', 'hours', 'hrs', 'hr', 'h', 'minute', 'minutes', 'mins', 'min', 'time', 'project',
  // times of day left over from "spent the morning on…"
  'morning', 'afternoon', 'evening', 'night', 'switch', 'switching', 'continue', 'restart',
  // hedges and particles: "for like 2 hours", "put down 1h against X"
  'like', 'around', 'roughly', 'approximately', 'approx', 'ca', 'circa', 'almost', 'nearly', 'over', 'down',
  'against', 'finished', 'been', 'enter', 'entered', 'today',
]);

/** All that is dropped from the front of a description written after a colon or dash: "Acme: add tests" keeps its verb. */
// prettier-ignore
export const ARTICLES_AND_PREPOSITIONS: ReadonlySet<string> = new Set([
  'on', 'to', 'for', 'in', 'at', 'of', 'with', 'about', 'the', 'a', 'an', 'and', 'please',
]);

/**
 * Words that never begin or end a loose project mention: everything in
 * FILLER plus question and calendar words. "show me my hours" must not find
 * a project "Showcase" by prefix. An exact full project name still matches.
 */
// prettier-ignore
export const NON_NAME: ReadonlySet<string> = new Set([
  ...FILLER,
  'how', 'many', 'much', 'long', 'what', "what's", 'whats', 'which', 'when', 'where', 'who', 'why', 'per',
  'each', 'every', 'all', 'show', 'tell', 'give', 'list', 'see', 'check', 'total', 'totals', 'sum', 'summary',
  'report', 'breakdown', 'overview', 'daily', 'weekly', 'monthly', 'far', 'up', 'till', 'until', 'since',
  'during', 'over', 'off', 'out', 'done', 'not', 'no', 'any', 'anything', 'something', 'stop',
  'stopped', 'pause', 'running', 'run', 'go', 'going', 'get', 'got', 'make', 'create', 'enter', 'day', 'days',
  'week', 'weeks', 'month', 'months', 'year', 'years', 'today', 'yesterday', 'tomorrow', 'tonight', 'morning',
  'afternoon', 'evening', 'night', 'ago', 'last', 'next', 'past', 'previous', 'before', 'after', 'between',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'seconds', 'second', 'secs',
  'sec', 'am', 'pm', 'noon', 'midnight', 'like', 'more', 'less', 'than', 'only', 'still', 'currently', 'very',
  'good', 'great', 'thx', 'cheers', 'help', 'dear', 'bot', 'assistant', 'guys', 'team', 'switch', 'switching',
  'continue', 'restart', 'kick', 'launch', 'commence', 'punch', 'stopwatch', 'tracker', 'session', 'status',
  'instead', 'please', 'pls', 'hi', 'hey', 'hello', 'everyone', 'folks', 'ty', 'thanks', 'task', 'job', 'stuff',
  'things', 'thing', 'hmm', 'oh', 'ah', 'btw', 'lol', 'yup', 'nope', 'right', 'exactly', 'approximately', 'about',
  'around', 'roughly', 'almost', 'nearly', 'over', 'under', 'least', 'most', 'first', 'another', 'one', 'two',
  'both', 'either', 'other', 'else', 'again', 'back', 'away', 'here', 'there', 'weekend', 'weekends',
  'timesheet', 'timesheets', 'entries', 'records', 'logs', 'numbers', 'stats', 'statistics', 'figures',
  'hours', 'worked', 'logged', 'tracked', 'booked', 'recorded', 'spent', 'altogether', 'overall', 'combined',
]);

/** Prepositions after which a project name is expected ("log 2h on X", "add 1h to X"). */
export const SLOT_PREPOSITIONS: ReadonlySet<string> = new Set(['on', 'to', 'for', 'in', 'at', 'into', 'onto', 'under', 'against']);

/** Words between a slot preposition and the project ("on the X", "for our X project"). */
export const DETERMINERS: ReadonlySet<string> = new Set(['the', 'my', 'our', 'a', 'an', 'this', 'that', 'project', 'client']);

/** Words ending in -ing that are nouns, not the gerund that opens a description ("fixing the bug"). */
// prettier-ignore
export const NOT_GERUNDS: ReadonlySet<string> = new Set([
  'morning', 'evening', 'meeting', 'meetings', 'thing', 'something', 'anything', 'nothing', 'everything',
  'during', 'ceiling', 'king', 'ring', 'spring', 'string', 'wing', 'building', 'ticketing', 'billing',
  'marketing', 'accounting', 'hosting', 'onboarding', 'booking', 'staging', 'pricing', 'branding', 'training',
  'planning', 'consulting', 'recruiting', 'shipping', 'tracking', 'timing', 'logging', 'working', 'starting',
]);

// prettier-ignore
const SMALL_NUMBERS = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen',
];
const TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** Regex source for a number written as words, "five" to "ninety-nine". */
export const WORD_NUMBER_SOURCE = `(?:(?:${TENS.join('|')})(?:[- ](?:${SMALL_NUMBERS.slice(1, 10).join('|')}))?|${SMALL_NUMBERS.join('|')})`;

/** The value of a number written as digits ("1,5" is one and a half) or words ("forty-five"). */
export function parseNumber(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (/^\d+(?:[.,]\d+)?$/.test(t)) return Number(t.replace(',', '.'));
  const small = SMALL_NUMBERS.indexOf(t);
  if (small >= 0) return small;
  const m = /^([a-z]+)(?:[- ]([a-z]+))?$/.exec(t);
  if (!m) return null;
  const tens = TENS.indexOf(m[1]);
  if (tens < 0) return null;
  const unit = m[2] === undefined ? 0 : SMALL_NUMBERS.indexOf(m[2]);
  return unit >= 0 && unit < 10 ? (tens + 2) * 10 + unit : null;
}
