/**
 * The contract between the rule-based parser and the chat service that
 * executes intents. The parser only reports what the user said; the service
 * validates it (future days, zero or over-long durations, unknown projects…)
 * and asks for clarification instead of acting.
 */
export interface NluProject {
  id: string;
  name: string;
}

export interface ParseContext {
  /** Current instant. */
  now: Date;
  /** IANA zone of the user, e.g. 'Europe/Berlin'; all "today", clock times and weekdays are in this zone. */
  timeZone: string;
  /** Projects the user may log to. */
  projects: NluProject[];
}

export type ProjectRef =
  | { status: 'matched'; project: NluProject }
  /** The message names no project. */
  | { status: 'none' }
  /** Names something that matches no project. */
  | { status: 'unknown'; query: string }
  /** Several projects match equally well. */
  | { status: 'ambiguous'; query: string; candidates: NluProject[] };

/**
 * Inclusive local dates YYYY-MM-DD; label like 'today', 'yesterday', 'this week', 'last week', 'this month',
 * 'on Monday', '2026-03-02 – 2026-03-08'.
 */
export interface Period {
  from: string;
  to: string;
  label: string;
}

export type Intent =
  | {
      type: 'log_time';
      project: ProjectRef;
      /** Local day YYYY-MM-DD the time counts for (start's local date for ranges). */
      date: string;
      /** May be 0 or negative or > 86400 if the user said so; the caller validates. */
      durationSeconds: number;
      /** Both set for clock ranges ("9am to 12:30", "14:00-15:15"), both null for duration-only. */
      startTime: Date | null;
      endTime: Date | null;
      description: string | null;
      /**
       * What the user said for the day when it names no single existing day ("last week", "31.02.",
       * "2026-02-30"); `date` is then only a placeholder and the caller asks which day.
       */
      unclearDay?: string;
    }
  | { type: 'start_timer'; project: ProjectRef; description: string | null }
  | { type: 'stop_timer' }
  /** Questions about hours logged; project status 'none' = all projects. */
  | { type: 'report'; period: Period; project: ProjectRef; groupBy: 'project' | 'day' | null }
  /** "what am I working on?", "is a timer running?", "what's running". */
  | { type: 'status' }
  /** Not a time-tracking request. */
  | { type: 'smalltalk'; kind: 'greeting' | 'thanks' | 'help' | 'other' };
