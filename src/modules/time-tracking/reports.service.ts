import { Injectable } from '@nestjs/common';
import { ChecksTenantActor } from '../../database/tenant-actor.js';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { DateTime } from 'luxon';
import { Clock } from '../../common/clock.js';
import { ForbiddenError, ValidationFailedError } from '../../common/errors.js';
import type { Actor } from './actor.js';
import { ClientUsersRepository, ClientUserRecord } from './client-users.repository.js';
import { isCalendarDay, localDay } from './dates.js';
import { ReportFilter, ReportGroupBy, ReportsRepository, REPORT_GROUP_BY } from './reports.repository.js';
import { policy } from './time-tracking.policy.js';

export interface ReportQuery {
  from?: string;
  to?: string;
  groupBy?: ReportGroupBy;
  userId?: string;
  projectId?: string;
  billable?: boolean;
}

export interface ReportGroup {
  key: string | null;
  label: string;
  totalSeconds: number;
  billableSeconds: number;
}

export interface ReportSummary {
  from: string;
  to: string;
  groupBy: ReportGroupBy;
  totalSeconds: number;
  billableSeconds: number;
  groups: ReportGroup[];
}

export const CSV_COLUMNS = ['date', 'user', 'project', 'task', 'description', 'start', 'end', 'duration_seconds', 'billable'] as const;

/**
 * Spreadsheet formula injection: a cell starting with one of these, also after leading white space or line
 * breaks (spreadsheets skip them) or in its full-width form, is prefixed with `'`.
 */
const FORMULA_START = /^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r]/;
function safeCell(v: string | null): string {
  if (v === null) return '';
  return FORMULA_START.test(v) ? `'${v}` : v;
}

function userLabel(u: ClientUserRecord | undefined, id: string): string {
  return u?.name?.trim() || u?.email || id;
}

/**
 * Reports over time entries, summed in SQL. Members (reports:read:own) get
 * their own time only; reports:read:all widens to everyone in the client.
 * Running timers are not counted (they have no duration yet).
 */
@Injectable()
@ChecksTenantActor()
export class ReportsService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly users: ClientUsersRepository,
    private readonly clock: Clock,
  ) {}

  async summary(actor: Actor, query: ReportQuery): Promise<ReportSummary> {
    const filter = this.filterFor(actor, query);
    const groupBy = query.groupBy ?? 'project';
    if (!REPORT_GROUP_BY.includes(groupBy))
      throw ValidationFailedError.field('groupBy', `groupBy must be one of ${REPORT_GROUP_BY.join(', ')}`);
    const rows = await this.reports.summary(groupBy, filter);
    const users =
      groupBy === 'user' ? await this.users.findManyInClient(actor.clientId, rows.groups.map((g) => g.key ?? '').filter(Boolean)) : null;
    const groups = rows.groups.map((g): ReportGroup => {
      let label: string;
      switch (groupBy) {
        case 'project':
          label = g.label ?? '';
          break;
        case 'task':
          label = g.key === null ? '(no task)' : (g.label ?? '');
          break;
        case 'user':
          label = userLabel(users?.get(g.key ?? ''), g.key ?? '');
          break;
        case 'day':
          label = g.key ?? '';
          break;
        case 'week':
          label = `Week of ${g.key}`;
          break;
      }
      return { key: g.key, label, totalSeconds: g.totalSeconds, billableSeconds: g.billableSeconds };
    });
    return { from: filter.from, to: filter.to, groupBy, totalSeconds: rows.totalSeconds, billableSeconds: rows.billableSeconds, groups };
  }

  /**
   * The CSV export as a stream: permissions and parameters are checked now
   * (so errors are ordinary error responses), rows are read from the
   * database in batches while the response is written.
   */
  exportCsv(actor: Actor, query: ReportQuery): { filter: ReportFilter; stream: Readable } {
    const filter = this.filterFor(actor, query);
    const rows = this.reports.exportRows(filter);
    const users = this.users;
    const clientId = actor.clientId;
    const cache = new Map<string, string>();
    const records = async function* () {
      for await (const r of rows) {
        let user = cache.get(r.userId);
        if (user === undefined) {
          const found = await users.findManyInClient(clientId, [r.userId]);
          user = userLabel(found.get(r.userId), r.userId);
          cache.set(r.userId, user);
        }
        yield [
          r.date,
          safeCell(user),
          safeCell(r.projectName),
          safeCell(r.taskTitle),
          safeCell(r.description),
          r.startTime ? r.startTime.toISOString() : '',
          r.endTime ? r.endTime.toISOString() : '',
          String(r.duration),
          r.billable ? 'true' : 'false',
        ];
      }
    };
    const source = Readable.from(records());
    const csv = stringify({ header: true, columns: [...CSV_COLUMNS] });
    // pipe() forwards neither errors nor teardown: a failed read must fail the
    // response (not leave it hanging), and a closed response stops the reads.
    source.once('error', (err) => csv.destroy(err));
    csv.once('close', () => source.destroy());
    source.pipe(csv);
    return { filter, stream: csv };
  }

  private filterFor(actor: Actor, query: ReportQuery): ReportFilter {
    policy.assertCanReadReports(actor);
    let userId = query.userId;
    if (userId && userId !== actor.userId && !policy.readsAllReports(actor)) {
      throw new ForbiddenError("Reports over another user's time need reports:read:all");
    }
    if (!policy.readsAllReports(actor)) userId = actor.userId;
    const { from, to } = this.range(actor, query);
    return { from, to, userId, projectId: query.projectId, billable: query.billable };
  }

  /** Missing bounds default to the ISO week (Monday–Sunday) of the other bound, or of the caller's today. */
  private range(actor: Actor, query: ReportQuery): { from: string; to: string } {
    for (const field of ['from', 'to'] as const) {
      const v = query[field];
      if (v !== undefined && !isCalendarDay(v)) throw ValidationFailedError.field(field, `${field} must be a date YYYY-MM-DD`);
    }
    const anchor = query.from ?? query.to ?? localDay(this.clock.now(), actor.timeZone);
    const week = DateTime.fromISO(anchor, { zone: 'UTC' });
    const from = query.from ?? week.startOf('week').toISODate()!;
    const to = query.to ?? week.endOf('week').toISODate()!;
    if (from > to) throw ValidationFailedError.field('to', 'to must not be before from');
    return { from, to };
  }
}
