/**
 * The phrases that decide what kind of request a message is. They run on the
 * normalised, typo-corrected text (lower case, "lgo" already "log").
 * Which cue wins when several fire is decided in intents.ts.
 */

/** Politeness and preamble before the request proper: "please", "can you", "hey bot, could you please". */
export const COURTESY =
  /^(?:(?:please|kindly|hey|hi|hello|ok(?:ay)?|so|um+|uh+|well|yo|assistant|bot|and|also|now|then|quick(?:ly)?|just|alright|right)\b[\s,!.:;-]*|(?:can|could|would|will|may)\s+(?:you|u|i)\s+(?:please\s+|kindly\s+|just\s+)?|i\s+(?:want|need|would\s+like|wanna)\s+(?:you\s+)?to\s+|i'd\s+like\s+(?:you\s+)?to\s+|(?:let's|lets|let\s+me)\s+)+/;

export const STATUS: readonly RegExp[] = [
  /\bwhat(?:'s|s|\s+is|\s+am\s+i|\s+are\s+we)\s+(?:i\s+)?(?:currently\s+|now\s+|right\s+now\s+|still\s+)?(?:working\s+on|running|tracking|timing|doing(?:\s+right)?\s*(?:now)?\s*\??$|on\s+the\s+clock|being\s+tracked)/,
  /\b(?:is|are)\s+(?:there\s+)?(?:my\s+|a\s+|the\s+|any\s+|an\s+)?(?:timers?|clock|tracker|tracking|anything|something|stopwatch)\s+(?:still\s+|currently\s+)?(?:running|on|active|going|ticking|started)\b/,
  /\bam\s+i\s+(?:currently\s+|still\s+)?(?:tracking|timing|clocked\s+in|on\s+the\s+clock|logging|recording|working\s+on\s+(?:anything|something))\b/,
  /\b(?:what|which)\s+(?:project|task|timer)\s+(?:is|am\s+i)\s+(?:running|active|on|tracking|working\s+on)\b/,
  /\b(?:current|running|active)\s+(?:timer|tracking|task|entry|session)\b/,
  /^(?:timer\s+)?status\b|\btimer\s+status\b|\bstatus\s+of\s+(?:my\s+|the\s+)?timer\b/,
  /\bhow\s+long\s+(?:have\s+i\s+been|has\s+(?:the|my)\s+timer\s+been|is\s+(?:the|my)\s+timer)\b/,
  /\bdo\s+i\s+have\s+(?:a|any)\s+(?:timers?|clock)\b/,
  /^(?:anything|something|any\s+timers?|a\s+timer)\s+(?:running|active|on|going)\b/,
  /^(?:(?:my|the)\s+)?timer\s*\?+$|^running\s*\?+$/,
  /\bwhat(?:'s|s|\s+is)\s+(?:the|my)\s+timer\s+(?:on|for|doing|at)\b|\bare\s+you\s+(?:running|tracking|timing)\b/,
];

/** Everyday questions that merely contain a time word. */
export const NOT_TIME_TRACKING: readonly RegExp[] = [
  /\bwhat\s+time\s+is\s+it\b|\bwhat'?s\s+the\s+(?:time|date|weather)\b|\bwhat\s+(?:day|date)\s+is\s+(?:it|today)\b/,
  /\bwhat\s+is\s+the\s+(?:time|date|weather)\b/,
];

/** Questions about the assistant itself. Only consulted when the message carries no duration or clock time. */
export const HELP: readonly RegExp[] = [
  /\bwhat\s+(?:can|could)\s+(?:you|u|i)\s+(?:do|say|ask|type)\b/,
  /\bwhat\s+(?:do|can)\s+you\s+(?:do|understand|know)\b/,
  /\bhow\s+(?:do|can|should|would)\s+i\s+(?:use|log|track|start|stop|add|record|book|enter|get|see|ask|talk|work\s+with)\b/,
  /\bhow\s+does\s+(?:this|it|that|the\s+bot|the\s+assistant)\s+work\b/,
  /\bhow\s+(?:to|do\s+you)\s+(?:use|log|track|start|stop)\b/,
  /\b(?:what|who)\s+are\s+you\b/,
  /\b(?:what|which|list|show)\s+(?:me\s+)?(?:the\s+|your\s+)?commands?\b/,
  /^(?:help|usage|commands?|examples?|instructions?|menu|\?+)\s*(?:me|please)?\s*[?!.]*$/,
  /^help\b/,
];

/** A message that opens as a question or a request to see something. */
export const QUESTION_START =
  /^(?:how\s+(?:many|much|long)|what|which|when|did\s+i|have\s+i|do\s+i|show|list|give|tell|display|get\s+me|summar|sum\b|total|report|overview|breakdown|can\s+i\s+see|may\s+i\s+see|let\s+me\s+see)/;

/** Words that make a question one about logged time. */
export const TIME_TOPIC =
  /\b(?:hours?|hrs|time|minutes|log|logged|track|tracked|work|worked|spent|spend|done|do|entries|entry|timesheet|total|report|summary|week|month|today|yesterday|day|projects?)\b/;

export const REPORT: readonly RegExp[] = [
  /\bhow\s+(?:many|much)\b/,
  /\bhow\s+long\s+did\s+i\b/,
  /\btotals?\b/,
  /\b(?:summary|summari[sz]e|report|overview|breakdown|timesheet|time\s+sheet|recap)\b/,
  /\b(?:per|by|each|for\s+each|for\s+every)\s+(?:projects?|days?)\b/,
  /\bwhat\s+(?:did|have)\s+i\s+(?:do|done|work|worked|log|logged|track|tracked|spend|spent|book|booked)\b/,
  /\b(?:did|have)\s+i\s+(?:log|logged|track|tracked|work|worked|record|recorded|spend|spent|book|booked|do|done)\b/,
  /\b(?:show|list|display|give|get)\s+(?:me\s+)?(?:all\s+)?(?:my\s+|the\s+)?(?:hours|time|entries|week|month|day|report|summary|logged|tracked|totals?|timesheet|work)\b/,
];

/** "acme api hours this week", "I'd like to see my hours for this month": what to show, and when. */
export const TIME_NOUN = /\b(?:hours|hrs|time|entries|timesheet|totals?|logged|tracked)\b/;
export const PERIOD_WORD =
  /\b(?:today|yesterday|(?:this|last|previous|past|current)\s+(?:week|month|year)|monday|tuesday|wednesday|thursday|friday|saturday|sunday|since)\b/;

/** "hours this week", "time per project", "my hours today": a report asked by naming what to show. */
export const REPORT_NOUN_START =
  /^(?:my\s+|total\s+|the\s+)?(?:hours|hrs|time|logged\s+time|tracked\s+time|entries|timesheet|totals?|week|month)\b/;

export const STOP: readonly RegExp[] = [
  /^(?:stop|end|finish|halt|pause|kill|terminate|quit)\b/,
  /\b(?:stop|end|finish|halt|pause|kill)(?:ped)?\s+(?:the\s+|my\s+|this\s+|that\s+|current\s+|running\s+|active\s+)*(?:timers?|tracking|clock|stopwatch|session|tracker)\b/,
  /\bstop\s+(?:tracking|timing|working|logging|recording|the\s+clock)\b/,
  /\bclock(?:ing)?\s+(?:out|off)\b|\bpunch(?:ing)?\s+out\b|\bsign(?:ing)?\s+off\b|\bcheck(?:ing)?\s+out\b/,
  /^(?:i'?m|i\s+am|im|i'm\s+all|all|i've|i\s+have)\s+(?:done|finished|through)\b|^(?:done|finished)\b/,
  /\bdone\s+for\s+(?:today|the\s+day|now|tonight)\b|\bcall(?:ing)?\s+it\s+a\s+day\b|\bthat'?s\s+it\s+for\s+(?:today|now)\b/,
  /\b(?:timer|tracking)\s+(?:off|stop)\b|\bturn\s+off\s+(?:the\s+|my\s+)?timer\b/,
  /^(?:i'?m|i\s+am|im)\s+off(?:\s+now|\s+for\s+(?:today|the\s+day))?\s*[.!]*$/,
];

/** The words of a timer command, claimed so they stay out of the timer's description. */
export const TIMER_COMMAND =
  /\b(?:(?:start|begin|resume|restart|kick\s+off|turn\s+on|fire\s+up)(?:ing)?\s+)?(?:(?:a|the|my|new|another)\s+)*(?:timers?|stopwatch|tracker)(?:\s+(?:start|on))?\b|\b(?:start|begin|resume|restart)(?:ing)?\s+(?:tracking|timing|the\s+clock)\b|\bkick\s+off\b/g;

export const START: readonly RegExp[] = [
  /^(?:start|begin|resume|restart|continue|kick\s+off|launch|commence)\b/,
  /\b(?:start|begin|resume|restart)(?:ing)?\s+(?:a\s+|the\s+|my\s+|new\s+|another\s+)*(?:timers?|tracking|clock|timing|session|stopwatch|tracker)\b/,
  /\bclock(?:ing)?\s+(?:in|on)\b|\bpunch(?:ing)?\s+in\b|\bcheck(?:ing)?\s+in\b/,
  /^(?:i'?m|i\s+am|im)\s+(?:now\s+)?(?:starting|beginning|working|going\s+to\s+work)\s+on\b/,
  /^(?:now\s+)?work(?:ing)?\s+on\b.*\bnow\b|^now\s+working\b/,
  /^work\s+on\b/,
  /\bswitch(?:ing)?\s+(?:over\s+)?to\b/,
  /^(?:a\s+|new\s+)?timer\s+(?:on|for|start)\b|^new\s+timer\b/,
  /\b(?:turn|switch)\s+on\s+(?:the\s+|my\s+|a\s+)?timer\b|\bfire\s+up\s+(?:the\s+|a\s+)?timer\b/,
  /^track(?:ing)?\b/,
];

/** A command to log that carries no amount yet ("log acme api yesterday"): the caller asks for the duration. */
export const LOG_START = /^(?:log|add|record|book|enter|put|register|bill)\b|\b(?:worked|spent)\s+(?:on|for|at|in)\b/;

/** "log 2 on acme": a bare number right after a log verb means hours. */
export const BARE_HOURS =
  /\b(?:log|add|book|track|record|put(?:\s+in)?|enter)\s+(-?\d+(?:[.,]\d+)?)(?![\d:./-])(?!\s*(?:am|pm|a\.m|p\.m|days?|weeks?|months?|of\b|x\b|times?\b|min|hou|hr|sec))/;

/** "log 1:30 on acme": hours and minutes after a log verb, as a duration (a clock time needs "at", "from" or a range). */
export const BARE_HOURS_MINUTES =
  /\b(?:log|add|book|track|record|put(?:\s+in)?|enter)\s+(\d{1,2}):([0-5]\d)(?![\d:./-])(?!\s*(?:am|pm|a\.m|p\.m|o'?clock)\b)/;

export const THANKS = /\b(?:thanks?|thank\s+(?:you|u)|cheers|appreciated?|appreciate\s+it|much\s+obliged|merci|danke|gracias|kudos)\b/;

export const GREETING =
  /^(?:hi|hello|hey|heya|hiya|howdy|yo|hallo|hola|greetings|moin|servus|good\s+(?:morning|afternoon|evening|day|night)|morning|evening|sup|what'?s\s+up|bye|goodbye|good\s*bye|see\s+you|see\s+ya|cya|ciao)\b/;

export const GROUP_BY_PROJECT =
  /\b(?:per|by|each|every|for\s+each|for\s+every|across|split\s+by)\s+projects?\b|\bprojects?\s+(?:breakdown|split)\b|\bbreak(?:down|\s+(?:it\s+)?down)(?:\s+by\s+projects?)?\b|\bgrouped\s+by\s+projects?\b|\bwhich\s+projects\b/;

export const GROUP_BY_DAY =
  /\b(?:per|by|each|every|for\s+each|for\s+every|split\s+by)\s+days?\b|\bdaily\b|\bday\s+by\s+day\b|\bbreak(?:down|\s+(?:it\s+)?down)\s+by\s+days?\b|\bgrouped\s+by\s+days?\b/;
