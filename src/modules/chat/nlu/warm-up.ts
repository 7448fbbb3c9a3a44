import { parseMessage } from './intents.js';

let warm = false;

/**
 * Runs the parser once on long messages, at boot. V8 compiles a regular
 * expression to machine code the first time it runs on a long text, and
 * chrono-node has hundreds: done by the first long chat message instead, that
 * blocks the event loop for 120–290 ms (measured), delaying every tenant.
 * The messages name a calendar date and no relative day, so that chrono runs.
 * Once per process: the compiled code is the process's, shared by every
 * application in it.
 */
export function warmUp(): void {
  if (warm) return;
  warm = true;
  const ctx = { now: new Date(), timeZone: 'UTC', projects: [{ id: 'warm-up', name: 'Warm Up' }] };
  parseMessage('log 2h on Warm Up on March 3 for the review of the quarterly plan, '.repeat(20), ctx);
  parseMessage('how much did I log on Warm Up from March 2 to March 8 for the review? '.repeat(20), ctx);
}
