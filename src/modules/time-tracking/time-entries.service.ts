import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { ErrorDetail, ForbiddenError, NotFoundError, ValidationFailedError } from '../../common/errors.js';
import { decodeCursor, Page, toPage } from '../../common/pagination.js';
import type { Actor } from './actor.js';
import { ClientUsersRepository } from './client-users.repository.js';
import { isCalendarDay, localDay, truncateToSecond } from './dates.js';
import { ProjectRecord, ProjectsRepository } from './projects.repository.js';
import { TasksRepository } from './tasks.repository.js';
import { cursorOf, isTimeEntryCursor, TimeEntriesRepository, TimeEntryRecord, TimeEntryWrite } from './time-entries.repository.js';
import { NoRunningTimerError, ProjectArchivedError, TimeEntryOverlapError, TimerAlreadyRunningError } from './time-tracking.errors.js';
import { policy } from './time-tracking.policy.js';

export const MAX_DURATION_SECONDS = 86_400;
/** How far past now a timer's start may be carried to follow an entry that ended within the current second or two. */
const MAX_TIMER_CARRY_MS = 5_000;

/** Time fields of a request: one of {startTime, endTime}, {startTime, duration} or {date, duration}. */
export interface TimeFieldsInput {
  startTime?: string | Date;
  endTime?: string | Date;
  duration?: number;
  date?: string;
}

export interface CreateTimeEntryInput extends TimeFieldsInput {
  projectId: string;
  taskId?: string | null;
  description?: string | null;
  billable?: boolean;
  /** Log for another user of the client (needs time-entries:write:all). */
  userId?: string;
}

export interface UpdateTimeEntryInput extends TimeFieldsInput {
  projectId?: string;
  taskId?: string | null;
  description?: string | null;
  billable?: boolean;
}

export interface StartTimerInput {
  projectId: string;
  taskId?: string | null;
  description?: string | null;
}

export interface ListTimeEntriesInput {
  from?: string;
  to?: string;
  projectId?: string;
  taskId?: string;
  userId?: string;
  billable?: boolean;
  limit?: number;
  cursor?: string;
}

interface ResolvedTimes {
  date: string;
  startTime: Date | null;
  endTime: Date | null;
  duration: number | null;
}

type Shape = 'timed' | 'duration' | 'running';

function shapeOf(e: { startTime: Date | null; endTime: Date | null }): Shape {
  if (!e.startTime) return 'duration';
  return e.endTime ? 'timed' : 'running';
}

const SHAPE_HELP = 'give one of {startTime, endTime}, {startTime, duration} or {date, duration}';

/**
 * Time entries and timers, with every rule of the contract. The database
 * holds the invariants that concurrency could break (one running timer per
 * user, no overlapping timed entries); this service validates the rest and
 * maps constraint violations to TIMER_ALREADY_RUNNING / TIME_ENTRY_OVERLAP.
 *
 * Visibility: a member (read:own / write:own) sees and changes only their own
 * entries (others' answer 404); read:all / write:all widen that to the whole
 * client. Logging to a project needs the project to exist and be visible to
 * the actor (else 404: members see only their projects; projects:manage and
 * write:all holders see all), not archived (409 PROJECT_ARCHIVED), and the
 * entry's owner to be a member of it unless the actor holds write:all
 * (403 FORBIDDEN).
 */
@Injectable()
export class TimeEntriesService {
  constructor(
    private readonly entries: TimeEntriesRepository,
    private readonly projects: ProjectsRepository,
    private readonly tasks: TasksRepository,
    private readonly users: ClientUsersRepository,
    private readonly clock: Clock,
  ) {}

  async list(actor: Actor, input: ListTimeEntriesInput): Promise<Page<TimeEntryRecord>> {
    policy.assertCanReadEntries(actor);
    let userId = input.userId;
    if (userId && userId !== actor.userId && !policy.readsAllEntries(actor)) {
      throw new ForbiddenError("Reading another user's time entries needs time-entries:read:all");
    }
    if (!policy.readsAllEntries(actor)) userId = actor.userId;
    if (input.from && input.to && input.from > input.to) throw ValidationFailedError.field('to', 'to must not be before from');
    const limit = input.limit ?? 50;
    const rows = await this.entries.list(
      { userId, from: input.from, to: input.to, projectId: input.projectId, taskId: input.taskId, billable: input.billable },
      decodeCursor(input.cursor, isTimeEntryCursor),
      limit + 1,
    );
    return toPage(
      rows,
      limit,
      (e) => e,
      (e) => ({ ...cursorOf(e) }),
    );
  }

  async get(actor: Actor, id: string): Promise<TimeEntryRecord> {
    const entry = await this.entries.findById(id);
    if (!entry || !policy.canReadEntriesOf(actor, entry.userId)) throw new NotFoundError('Time entry');
    return entry;
  }

  async create(actor: Actor, input: CreateTimeEntryInput): Promise<TimeEntryRecord> {
    const ownerId = input.userId ?? actor.userId;
    policy.assertCanWriteEntriesOf(actor, ownerId);
    const timeZone = await this.timeZoneOf(actor, ownerId, { mustBeActive: true });
    const project = await this.projectForEntry(actor, input.projectId, ownerId);
    const taskId = await this.checkTask(input.taskId ?? null, project.id);
    const times = this.resolveNew(input, timeZone);
    return this.write(null, {
      userId: ownerId,
      projectId: project.id,
      taskId,
      description: input.description ?? null,
      billable: input.billable ?? project.billable,
      ...times,
    });
  }

  /** Checks every rule again on the merged result (see UpdateTimeEntryDto for how time fields merge). */
  async update(actor: Actor, id: string, input: UpdateTimeEntryInput): Promise<TimeEntryRecord> {
    const current = await this.get(actor, id);
    policy.assertCanWriteEntriesOf(actor, current.userId);
    const timeZone = await this.timeZoneOf(actor, current.userId, { mustBeActive: false });
    const projectChanged = input.projectId !== undefined && input.projectId !== current.projectId;
    const project = await this.projectForEntry(actor, input.projectId ?? current.projectId, current.userId);
    const taskId = await this.checkTask(input.taskId !== undefined ? input.taskId : current.taskId, project.id);
    const times = this.resolveMerged(current, input, timeZone);
    return this.write(current.id, {
      userId: current.userId,
      projectId: project.id,
      taskId,
      description: input.description !== undefined ? input.description : current.description,
      // Moving to another project takes that project's default unless given.
      billable: input.billable ?? (projectChanged ? project.billable : current.billable),
      ...times,
    });
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const current = await this.get(actor, id);
    policy.assertCanWriteEntriesOf(actor, current.userId);
    if (!(await this.entries.delete(id))) throw new NotFoundError('Time entry');
  }

  /** Starts the actor's timer now. A second running timer is refused by the database (partial unique index). */
  async start(actor: Actor, input: StartTimerInput): Promise<TimeEntryRecord> {
    policy.assertCanWriteEntriesOf(actor, actor.userId);
    const project = await this.projectForEntry(actor, input.projectId, actor.userId);
    const taskId = await this.checkTask(input.taskId ?? null, project.id);
    const now = truncateToSecond(this.clock.now());
    const at = (startTime: Date): TimeEntryWrite => ({
      userId: actor.userId,
      projectId: project.id,
      taskId,
      description: input.description ?? null,
      billable: project.billable,
      date: localDay(startTime, actor.timeZone),
      startTime,
      endTime: null,
      duration: null,
    });
    const row = at(now);
    try {
      return await this.entries.create(row);
    } catch (err) {
      if (!(err instanceof TimeEntryOverlapError)) throw err;
      // A running timer is also an infinite range, so a concurrent second start
      // may trip the exclusion constraint instead of the unique index.
      if (await this.entries.findRunningByUser(actor.userId)) throw new TimerAlreadyRunningError();
      // An entry is at least 1 s, so a timer stopped within its first second ends up to a second after now:
      // the next timer starts where it ended (a few seconds past now at most), not a 409 overlap.
      const lastEnd = await this.entries.latestEndAfter(actor.userId, now);
      if (lastEnd && lastEnd.getTime() - now.getTime() <= MAX_TIMER_CARRY_MS) {
        return this.write(null, at(lastEnd)).catch(async (again: unknown) => {
          if (again instanceof TimeEntryOverlapError && (await this.entries.findRunningByUser(actor.userId)))
            throw new TimerAlreadyRunningError();
          throw again;
        });
      }
      throw await this.describeOverlap(err, row, null);
    }
  }

  /**
   * Stops the actor's running timer now (truncated to whole seconds). At
   * least 1 s is recorded (an entry is 1 s to 24 h); a timer left running
   * longer than 24 h is stopped at start + 24 h, the longest an entry may be.
   */
  async stop(actor: Actor): Promise<TimeEntryRecord> {
    policy.assertCanWriteEntriesOf(actor, actor.userId);
    const running = await this.entries.findRunningByUser(actor.userId);
    if (!running || !running.startTime) throw new NoRunningTimerError();
    const now = truncateToSecond(this.clock.now());
    const elapsed = Math.round((now.getTime() - running.startTime.getTime()) / 1000);
    const duration = Math.min(MAX_DURATION_SECONDS, Math.max(1, elapsed));
    const stopped = await this.entries.stopRunning(running.id, new Date(running.startTime.getTime() + duration * 1000), duration);
    // Stopped by a concurrent request meanwhile.
    if (!stopped) throw new NoRunningTimerError();
    return stopped;
  }

  async running(actor: Actor): Promise<TimeEntryRecord | null> {
    policy.assertCanReadEntries(actor);
    return this.entries.findRunningByUser(actor.userId);
  }

  // ---------------------------------------------------------------------------

  private async write(id: string | null, row: TimeEntryWrite): Promise<TimeEntryRecord> {
    try {
      if (id === null) return await this.entries.create(row);
      const updated = await this.entries.update(id, row);
      if (!updated) throw new NotFoundError('Time entry');
      return updated;
    } catch (err) {
      if (err instanceof TimeEntryOverlapError) throw await this.describeOverlap(err, row, id);
      throw err;
    }
  }

  /** The constraint said "overlap"; name the entry it overlaps when it can be found. */
  private async describeOverlap(err: TimeEntryOverlapError, row: TimeEntryWrite, exceptId: string | null): Promise<TimeEntryOverlapError> {
    if (!row.startTime) return err;
    const other = await this.entries.findOverlapping(row.userId, row.startTime, row.endTime, exceptId ?? undefined).catch(() => null);
    if (!other?.startTime) return err;
    const until = other.endTime ? other.endTime.toISOString() : 'now (running timer)';
    return new TimeEntryOverlapError(
      `This entry overlaps time entry ${other.id} (${other.startTime.toISOString()} – ${until})`,
      [{ field: 'startTime', message: `overlaps time entry ${other.id}` }],
      { projectId: other.projectId, startTime: other.startTime, endTime: other.endTime },
    );
  }

  private async timeZoneOf(actor: Actor, userId: string, opts: { mustBeActive: boolean }): Promise<string> {
    if (userId === actor.userId) return actor.timeZone;
    const found = await this.users.findManyInClient(actor.clientId, [userId]);
    const user = found.get(userId);
    if (!user || (opts.mustBeActive && !user.isActive)) throw new NotFoundError('User');
    return user.timeZone || 'UTC';
  }

  /** The project rules for writing an entry of `ownerId` (see the class comment for the order of answers). */
  private async projectForEntry(actor: Actor, projectId: string, ownerId: string): Promise<ProjectRecord> {
    const project = await this.projects.findById(projectId);
    if (!project) throw new NotFoundError('Project');
    const writesAll = policy.writesAllEntries(actor);
    const ownerIsMember = await this.projects.isMember(project.id, ownerId);
    const actorSees =
      writesAll ||
      policy.seesAllProjects(actor) ||
      (ownerId === actor.userId ? ownerIsMember : await this.projects.isMember(project.id, actor.userId));
    if (!actorSees) throw new NotFoundError('Project');
    if (project.archived) throw new ProjectArchivedError();
    if (!ownerIsMember && !writesAll) throw new ForbiddenError('Time can only be logged to projects the user is a member of');
    return project;
  }

  private async checkTask(taskId: string | null, projectId: string): Promise<string | null> {
    if (!taskId) return null;
    const task = await this.tasks.findById(taskId);
    if (!task || task.projectId !== projectId) throw ValidationFailedError.field('taskId', "taskId must be a task of the entry's project");
    return task.id;
  }

  private resolveNew(input: TimeFieldsInput, timeZone: string): ResolvedTimes {
    const has = {
      startTime: input.startTime !== undefined && input.startTime !== null,
      endTime: input.endTime !== undefined && input.endTime !== null,
      duration: input.duration !== undefined && input.duration !== null,
      date: input.date !== undefined && input.date !== null,
    };
    const details: ErrorDetail[] = [];
    if (has.endTime && has.duration) details.push({ field: 'duration', message: 'give either endTime or duration, not both' });
    if (has.date && (has.startTime || has.endTime)) {
      details.push({
        field: 'date',
        message: "date goes only with duration (a duration-only entry); a timed entry's date is the local day of its startTime",
      });
    }
    if (has.endTime && !has.startTime) details.push({ field: 'startTime', message: 'startTime is required with endTime' });
    if (details.length === 0) {
      if (has.startTime && has.endTime) return this.timed(input.startTime!, { endTime: input.endTime! }, timeZone);
      if (has.startTime && has.duration) return this.timed(input.startTime!, { duration: input.duration! }, timeZone);
      if (has.date && has.duration) return this.durationOnly(input.date!, input.duration!, timeZone);
      if (has.startTime)
        details.push({
          field: 'endTime',
          message: `endTime or duration is required with startTime (${SHAPE_HELP}; POST /time-entries/start runs a timer)`,
        });
      else if (has.duration) details.push({ field: 'date', message: `date or startTime is required with duration (${SHAPE_HELP})` });
      else if (has.date) details.push({ field: 'duration', message: 'duration is required with date' });
      else details.push({ field: 'startTime', message: `the entry has no time: ${SHAPE_HELP}` });
    }
    throw new ValidationFailedError(`Invalid time fields: ${SHAPE_HELP}`, details);
  }

  /**
   * A PATCH's time fields merged with the entry's current shape: a complete
   * shape replaces it; otherwise the given fields replace their counterparts
   * and the rest is kept (a timed entry keeps its start; a duration-only one
   * its date or duration). Mixing a date with clock times is refused.
   */
  private resolveMerged(current: TimeEntryRecord, input: TimeFieldsInput, timeZone: string): ResolvedTimes {
    const given = (['startTime', 'endTime', 'duration', 'date'] as const).filter((k) => input[k] !== undefined && input[k] !== null);
    if (given.length === 0) {
      return { date: current.date, startTime: current.startTime, endTime: current.endTime, duration: current.duration };
    }
    const set = new Set<string>(given);
    const complete = (set.has('startTime') && (set.has('endTime') || set.has('duration'))) || (set.has('date') && set.has('duration'));
    if (complete || (set.has('endTime') && set.has('duration')) || (set.has('date') && (set.has('startTime') || set.has('endTime')))) {
      return this.resolveNew(input, timeZone);
    }
    const shape = shapeOf(current);
    if (shape === 'duration') {
      if (set.has('date')) return this.durationOnly(input.date!, current.duration!, timeZone);
      if (set.has('duration')) return this.durationOnly(current.date, input.duration!, timeZone);
      // startTime or endTime alone on a duration-only entry: not enough to place it in time.
      return this.resolveNew(input, timeZone);
    }
    if (set.has('date')) {
      throw ValidationFailedError.field(
        'date',
        "a timed entry's date is the local day of its startTime; give {date, duration} to make it duration-only",
      );
    }
    const start = current.startTime!;
    if (set.has('startTime')) {
      if (shape === 'running') return this.runningFrom(input.startTime!, timeZone);
      return this.timed(input.startTime!, { endTime: current.endTime! }, timeZone);
    }
    if (set.has('endTime')) return this.timed(start, { endTime: input.endTime! }, timeZone);
    return this.timed(start, { duration: input.duration! }, timeZone);
  }

  private parseInstant(value: string | Date, field: string): Date {
    const d = value instanceof Date ? new Date(value.getTime()) : new Date(value);
    if (Number.isNaN(d.getTime())) throw ValidationFailedError.field(field, `${field} must be an ISO-8601 date-time`);
    return truncateToSecond(d);
  }

  private checkDuration(duration: number, field: string): void {
    if (!Number.isInteger(duration) || duration < 1 || duration > MAX_DURATION_SECONDS) {
      throw ValidationFailedError.field(field, `an entry lasts 1 second to 24 hours (${MAX_DURATION_SECONDS} s)`);
    }
  }

  private timed(startValue: string | Date, end: { endTime: string | Date } | { duration: number }, timeZone: string): ResolvedTimes {
    const now = this.clock.now();
    const startTime = this.parseInstant(startValue, 'startTime');
    let endTime: Date;
    let endField: string;
    if ('endTime' in end) {
      endTime = this.parseInstant(end.endTime, 'endTime');
      endField = 'endTime';
      if (endTime.getTime() <= startTime.getTime()) throw ValidationFailedError.field('endTime', 'endTime must be after startTime');
    } else {
      this.checkDuration(end.duration, 'duration');
      endTime = new Date(startTime.getTime() + end.duration * 1000);
      endField = 'duration';
    }
    const duration = Math.round((endTime.getTime() - startTime.getTime()) / 1000);
    this.checkDuration(duration, endField);
    if (startTime.getTime() > now.getTime()) throw ValidationFailedError.field('startTime', 'startTime must not be in the future');
    if (endTime.getTime() > now.getTime()) throw ValidationFailedError.field(endField, 'the entry must not end in the future');
    return { date: localDay(startTime, timeZone), startTime, endTime, duration };
  }

  private runningFrom(startValue: string | Date, timeZone: string): ResolvedTimes {
    const startTime = this.parseInstant(startValue, 'startTime');
    if (startTime.getTime() > this.clock.now().getTime())
      throw ValidationFailedError.field('startTime', 'startTime must not be in the future');
    return { date: localDay(startTime, timeZone), startTime, endTime: null, duration: null };
  }

  private durationOnly(date: string, duration: number, timeZone: string): ResolvedTimes {
    if (!isCalendarDay(date)) throw ValidationFailedError.field('date', 'date must be a valid date YYYY-MM-DD');
    this.checkDuration(duration, 'duration');
    const today = localDay(this.clock.now(), timeZone);
    if (date > today) throw ValidationFailedError.field('date', `date must not be after the user's today (${today}, ${timeZone})`);
    return { date, startTime: null, endTime: null, duration };
  }
}
