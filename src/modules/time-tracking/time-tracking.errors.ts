import { ConflictError, DomainError, ErrorDetail } from '../../common/errors.js';

/** Timed entries of one user may not overlap (exclusion constraint `time_entries_no_overlap`). */
export class TimeEntryOverlapError extends ConflictError {
  constructor(
    message = 'This entry overlaps another time entry of the same user',
    details?: ErrorDetail[],
    /** The entry overlapped, when known (the chat names it in the user's words). */
    readonly other?: { projectId: string; startTime: Date; endTime: Date | null },
  ) {
    super(message, 'TIME_ENTRY_OVERLAP', details);
  }
}

/** One running timer per user (partial unique index `time_entries_one_running_timer_key`). */
export class TimerAlreadyRunningError extends ConflictError {
  constructor(message = 'A timer is already running; stop it first') {
    super(message, 'TIMER_ALREADY_RUNNING');
  }
}

export class NoRunningTimerError extends DomainError {
  constructor(message = 'No timer is running') {
    super(404, 'NO_RUNNING_TIMER', message);
  }
}

export class ProjectArchivedError extends ConflictError {
  constructor(message = 'The project is archived') {
    super(message, 'PROJECT_ARCHIVED');
  }
}

export class ProjectNameTakenError extends ConflictError {
  constructor(name: string) {
    super(`A project named "${name}" already exists`, 'CONFLICT', [
      { field: 'name', message: 'a project with this name already exists (names are case-insensitive)' },
    ]);
  }
}

/** One user's entries of one local day sum to at most 24 h (trigger `time_entries_daily_limit`). */
export class DailyLimitExceededError extends ConflictError {
  constructor() {
    super("This would put more than 24 hours on one day of the user's time", 'DAILY_LIMIT_EXCEEDED');
  }
}
