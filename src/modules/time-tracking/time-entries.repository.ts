import { Injectable } from '@nestjs/common';
import { TenantPrismaProvider } from '../../database/tenant-prisma.provider.js';
import { ValidationFailedError } from '../../common/errors.js';
import { isIsoDay, isIsoInstant } from '../../common/pagination.js';
import { isUuid } from '../../common/uuid.js';
import type { Prisma } from '../../generated/prisma-client/client.js';
import { constraintViolation } from '../../common/prisma-errors.js';
import { dateOnly, isoDay } from './dates.js';
import { DailyLimitExceededError, TimeEntryOverlapError, TimerAlreadyRunningError } from './time-tracking.errors.js';

export interface TimeEntryRecord {
  id: string;
  userId: string;
  projectId: string;
  taskId: string | null;
  description: string | null;
  /** `YYYY-MM-DD`: the owner's local day the time counts for. */
  date: string;
  startTime: Date | null;
  endTime: Date | null;
  duration: number | null;
  billable: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The full state of an entry as written (times already validated and truncated). */
export interface TimeEntryWrite {
  userId: string;
  projectId: string;
  taskId: string | null;
  description: string | null;
  date: string;
  startTime: Date | null;
  endTime: Date | null;
  duration: number | null;
  billable: boolean;
}

export interface TimeEntryFilter {
  userId?: string;
  from?: string;
  to?: string;
  projectId?: string;
  taskId?: string;
  billable?: boolean;
}

/** Keyset of the list order: date desc, start desc (duration-only last), id desc. */
export interface TimeEntryCursor {
  d: string;
  s: string | null;
  id: string;
}

export function isTimeEntryCursor(v: Record<string, unknown>): v is TimeEntryCursor & Record<string, unknown> {
  return isIsoDay(v.d) && (v.s === null || isIsoInstant(v.s)) && isUuid(v.id);
}

export function cursorOf(e: TimeEntryRecord): TimeEntryCursor {
  return { d: e.date, s: e.startTime ? e.startTime.toISOString() : null, id: e.id };
}

/** An entry with the names an export prints. */
export interface TimeEntryExportRow extends TimeEntryRecord {
  projectName: string;
  taskTitle: string | null;
}

type Row = Prisma.TimeEntryModel;

export function toTimeEntryRecord(row: Row): TimeEntryRecord {
  return {
    id: row.id,
    userId: row.userId,
    projectId: row.projectId,
    taskId: row.taskId,
    description: row.description,
    date: isoDay(row.date),
    startTime: row.startTime,
    endTime: row.endTime,
    duration: row.duration,
    billable: row.billable,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * The database holds the time-entry invariants; this turns their violations
 * into domain errors. A running timer is both a unique-index row and an
 * infinite range, so a second start can trip either constraint: the service
 * decides which answer fits (see TimeEntriesService.start).
 */
function mapConstraint(err: unknown): never {
  const v = constraintViolation(err);
  if (v?.sqlState === '23P01') throw new TimeEntryOverlapError();
  // The only unique rule an insert can break besides a (random) primary key.
  if (v?.sqlState === '23505' && v.constraint !== 'time_entries_pkey') throw new TimerAlreadyRunningError();
  if (v?.sqlState === '23514' && v.constraint === 'time_entries_daily_limit') throw new DailyLimitExceededError();
  if (v?.sqlState === '23514') throw new ValidationFailedError('The entry breaks a time-entry rule (shape or duration)');
  if (v?.sqlState === '23503') throw new ValidationFailedError('The project or task no longer exists');
  throw err;
}

function filterWhere(filter: TimeEntryFilter): Prisma.TimeEntryWhereInput[] {
  const and: Prisma.TimeEntryWhereInput[] = [];
  if (filter.userId) and.push({ userId: filter.userId });
  if (filter.from) and.push({ date: { gte: dateOnly(filter.from) } });
  if (filter.to) and.push({ date: { lte: dateOnly(filter.to) } });
  if (filter.projectId) and.push({ projectId: filter.projectId });
  if (filter.taskId) and.push({ taskId: filter.taskId });
  if (filter.billable !== undefined) and.push({ billable: filter.billable });
  return and;
}

function toData(w: TimeEntryWrite) {
  return {
    userId: w.userId,
    projectId: w.projectId,
    taskId: w.taskId,
    description: w.description,
    date: dateOnly(w.date),
    startTime: w.startTime,
    endTime: w.endTime,
    duration: w.duration,
    billable: w.billable,
  };
}

/** Time entries (and timers) in the request's tenant database. */
@Injectable()
export class TimeEntriesRepository {
  constructor(private readonly tenant: TenantPrismaProvider) {}

  private get db() {
    return this.tenant.client;
  }

  async findById(id: string): Promise<TimeEntryRecord | null> {
    const row = await this.db.timeEntry.findUnique({ where: { id } });
    return row ? toTimeEntryRecord(row) : null;
  }

  async findRunningByUser(userId: string): Promise<TimeEntryRecord | null> {
    const row = await this.db.timeEntry.findFirst({ where: { userId, startTime: { not: null }, endTime: null } });
    return row ? toTimeEntryRecord(row) : null;
  }

  /** The latest end of this user's entries that end after `t` (a timer stopped within its first second ends just after now), else null. */
  async latestEndAfter(userId: string, t: Date): Promise<Date | null> {
    const row = await this.db.timeEntry.findFirst({
      where: { userId, endTime: { gt: t } },
      orderBy: { endTime: 'desc' },
      select: { endTime: true },
    });
    return row?.endTime ?? null;
  }

  /** A timed entry (or running timer) of this user overlapping [start, end), for a friendlier message. */
  async findOverlapping(userId: string, start: Date, end: Date | null, exceptId?: string): Promise<TimeEntryRecord | null> {
    const row = await this.db.timeEntry.findFirst({
      where: {
        userId,
        startTime: end ? { not: null, lt: end } : { not: null },
        OR: [{ endTime: null }, { endTime: { gt: start } }],
        ...(exceptId ? { id: { not: exceptId } } : {}),
      },
      orderBy: { startTime: 'asc' },
    });
    return row ? toTimeEntryRecord(row) : null;
  }

  /** Newest first: date desc, start desc (duration-only entries last within a day), id desc. */
  async list(filter: TimeEntryFilter, after: TimeEntryCursor | null, limit: number): Promise<TimeEntryRecord[]> {
    const and = filterWhere(filter);
    if (after) {
      const d = dateOnly(after.d);
      const sameDay: Prisma.TimeEntryWhereInput[] =
        after.s !== null
          ? [{ startTime: { lt: new Date(after.s) } }, { startTime: null }, { startTime: new Date(after.s), id: { lt: after.id } }]
          : [{ startTime: null, id: { lt: after.id } }];
      and.push({ OR: [{ date: { lt: d } }, { date: d, OR: sameDay }] });
    }
    const rows = await this.db.timeEntry.findMany({
      where: { AND: and },
      orderBy: [{ date: 'desc' }, { startTime: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
      take: limit,
    });
    return rows.map(toTimeEntryRecord);
  }

  async create(w: TimeEntryWrite): Promise<TimeEntryRecord> {
    try {
      return toTimeEntryRecord(await this.db.timeEntry.create({ data: toData(w) }));
    } catch (err) {
      mapConstraint(err);
    }
  }

  /** Replaces the entry's state; null when it no longer exists. */
  async update(id: string, w: TimeEntryWrite): Promise<TimeEntryRecord | null> {
    try {
      const { count } = await this.db.timeEntry.updateMany({ where: { id }, data: toData(w) });
      return count === 0 ? null : this.findById(id);
    } catch (err) {
      mapConstraint(err);
    }
  }

  /** Ends the running timer `id` unless someone else stopped it first (then null). */
  async stopRunning(id: string, endTime: Date, duration: number): Promise<TimeEntryRecord | null> {
    try {
      const { count } = await this.db.timeEntry.updateMany({
        where: { id, startTime: { not: null }, endTime: null },
        data: { endTime, duration },
      });
      return count === 0 ? null : this.findById(id);
    } catch (err) {
      mapConstraint(err);
    }
  }

  async delete(id: string): Promise<boolean> {
    const { count } = await this.db.timeEntry.deleteMany({ where: { id } });
    return count > 0;
  }
}
