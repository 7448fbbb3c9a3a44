import { DateTime } from 'luxon';
import { DomainError, MissingCapabilityError } from '../../../common/errors.js';
import {
  type Actor,
  DailyLimitExceededError,
  ProjectArchivedError,
  type ProjectName,
  TimeEntryOverlapError,
  type TimeEntryRecord,
  toTimeEntryDto,
} from '../../time-tracking/index.js';
import type { ProjectRef } from '../nlu/types.js';
import type { AssistantAnswer, TimeEntryWithProject } from './actions.js';
import { formatClock, formatDay, listNames } from './format.js';

/**
 * The assistant's words: questions it asks instead of guessing (which
 * project, what to do about a refusal), small talk and help. Pure functions
 * of the parsed message, the caller's projects and the clock.
 */

const MAX_CANDIDATES = 20;

const HELP_TEXT =
  'I can log time ("log 2h on Website Redesign yesterday", "worked 9-12:30 on Acme API: code review"), ' +
  'start and stop timers ("start a timer on Mobile App", "stop the timer") and answer questions about your hours ' +
  '("how many hours did I log this week?", "time per project last week").';

export type Resolution = { project: ProjectName } | { answer: AssistantAnswer };

/** Greetings, thanks, help and what the assistant did not understand. */
export function smalltalk(kind: 'greeting' | 'thanks' | 'help' | 'other'): AssistantAnswer {
  switch (kind) {
    case 'thanks':
      return { reply: "You're welcome! Anything else to log?", actions: [] };
    case 'greeting':
      return { reply: `Hi! ${HELP_TEXT}`, actions: [] };
    case 'help':
      return { reply: HELP_TEXT, actions: [] };
    default:
      return { reply: `I'm not sure what you mean. ${HELP_TEXT}`, actions: [] };
  }
}

/** A matched, usable project, or the question to ask instead. */
export function resolveProject(
  ref: ProjectRef,
  projects: ProjectName[],
  purpose: string,
  opts: { allowArchived?: boolean } = {},
): Resolution {
  const active = projects.filter((p) => !p.archived).map((p) => p.name);
  const candidates = active.slice(0, MAX_CANDIDATES);
  switch (ref.status) {
    case 'none':
      if (active.length === 0)
        return {
          answer: clarify("You don't belong to any project yet, so there's nowhere to log time. Ask a manager to add you to one."),
        };
      return { answer: clarify(`Which project should I ${purpose}? ${listNames(candidates)}?`, candidates) };
    case 'unknown':
      return {
        answer: clarify(
          active.length
            ? `I couldn't find a project called "${ref.query}". Which one did you mean: ${listNames(candidates)}?`
            : `I couldn't find a project called "${ref.query}".`,
          candidates,
        ),
      };
    case 'ambiguous': {
      const names = ref.candidates.map((c) => c.name);
      return { answer: clarify(`"${ref.query}" matches several projects: ${listNames(names)}. Which one?`, names) };
    }
    case 'matched': {
      const project = projects.find((p) => p.id === ref.project.id);
      if (!project) return { answer: clarify(`I couldn't find a project called "${ref.project.name}".`, candidates) };
      if (project.archived && !opts.allowArchived) {
        return {
          answer: clarify(`${project.name} is archived, so I can't log time to it. Which project should I use instead?`, candidates),
        };
      }
      return { project };
    }
  }
}

/** A service refusal as a question (nothing was changed), or null when the error is not one the user can act on. */
export function refusalAnswer(
  err: unknown,
  project: ProjectName,
  actor: Actor,
  projects: ProjectName[],
  now: Date,
): AssistantAnswer | null {
  if (err instanceof TimeEntryOverlapError) {
    // In the user's words: the other entry's project and local times, not its id and UTC instants.
    const other = err.other;
    const what = other
      ? `your ${projects.find((p) => p.id === other.projectId)?.name ?? 'other'} entry ${formatClock(other.startTime, actor.timeZone)}–` +
        (other.endTime ? formatClock(other.endTime, actor.timeZone) : 'now, a running timer') +
        ` ${formatDay(DateTime.fromJSDate(other.startTime).setZone(actor.timeZone).toISODate()!, localToday(actor, now))}`
      : 'time you already logged';
    return clarify(`That would overlap ${what}. Nothing was logged. Which time should I use instead?`);
  }
  if (err instanceof DailyLimitExceededError) {
    return clarify('That would put more than 24 hours on that day. Nothing was logged. Which day or duration should I use instead?');
  }
  if (err instanceof ProjectArchivedError) return clarify(`${project.name} is archived, so I can't log time to it.`);
  if (err instanceof MissingCapabilityError) throw err; // answered in respond
  if (err instanceof DomainError && (err.status === 403 || err.status === 404)) {
    return clarify(`You can't log time to ${project.name} (you're not a member of it). Which project should I use?`);
  }
  if (err instanceof DomainError && err.status === 400) {
    return clarify(`I couldn't log that: ${err.details?.[0]?.message ?? err.message}.`);
  }
  return null;
}

/** The caller's local calendar day at `now`. */
export function localToday(actor: Actor, now: Date): string {
  return DateTime.fromJSDate(now).setZone(actor.timeZone).toISODate()!;
}

export function clarify(question: string, candidates?: string[]): AssistantAnswer {
  return { reply: question, actions: [{ type: 'clarification', question, ...(candidates && candidates.length ? { candidates } : {}) }] };
}

export function withProject(entry: TimeEntryRecord, project: ProjectName | undefined): TimeEntryWithProject {
  return { ...(toTimeEntryDto(entry) as unknown as Record<string, unknown>), projectName: project?.name ?? '' } as TimeEntryWithProject;
}
