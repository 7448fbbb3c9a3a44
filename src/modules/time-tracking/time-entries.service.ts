import { Injectable } from '@nestjs/common';
import { ChecksTenantActor } from '../../database/tenant-actor.js';
import { Clock } from '../../common/clock.js';
import { ForbiddenError, NotFoundError, ValidationFailedError } from '../../common/errors.js';
import { decodeCursor, Page, toPage } from '../../common/pagination.js';
import type { Actor } from './actor.js';
import { ClientUsersRepository } from './client-users.repository.js';
import { localDay, truncateToSecond } from './dates.js';
import { ProjectRecord, ProjectsRepository } from './projects.repository.js';
import { TasksRepository } from './tasks.repository.js';
import { cursorOf, isTimeEntryCursor, TimeEntriesRepository, TimeEntryRecord, TimeEntryWrite } from './time-entries.repository.js';
import { NoRunningTimerError, ProjectArchivedError, TimeEntryOverlapError, TimerAlreadyRunningError } from './time-tracking.errors.js';
import { policy } from './time-tracking.policy.js';
import { MAX_DURATION_SECONDS, resolveMergedTimes, resolveNewTimes, TimeFieldsInput } from './time-fields.js';

export type { TimeFieldsInput } from './time-fields.js';

/** How far past now a timer's start may be carried to follow an entry that ended within the current second or two. */
const MAX_TIMER_CARRY_MS = 5_000;

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
@ChecksTenantActor()
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
    const times = resolveNewTimes(input, timeZone, this.clock.now());
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
    const times = resolveMergedTimes(current, input, timeZone, this.clock.now());
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
}
