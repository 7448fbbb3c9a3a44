export { parseMessage } from './intents.js';
export type { Intent, NluProject, ParseContext, Period, ProjectRef } from './types.js';
export { warmUp } from './warm-up.js';
