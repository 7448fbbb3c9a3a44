import { Injectable } from '@nestjs/common';
import { TenantPrismaProvider } from '../../database/tenant-prisma.provider.js';
import { Prisma } from '../../generated/prisma-client/client.js';
import type { TenantPrisma } from '../../database/tenant-connection-manager.js';

export type ReportGroupBy = 'project' | 'task' | 'user' | 'day' | 'week';
export const REPORT_GROUP_BY: readonly ReportGroupBy[] = ['project', 'task', 'user', 'day', 'week'];

export interface ReportFilter {
  from: string;
  to: string;
  userId?: string;
  projectId?: string;
  billable?: boolean;
}

export interface ReportGroupRow {
  key: string | null;
  /** Project name or task title; null for user/day/week (labelled by the service). */
  label: string | null;
  totalSeconds: number;
  billableSeconds: number;
}

export interface ReportSummaryRows {
  totalSeconds: number;
  billableSeconds: number;
  groups: ReportGroupRow[];
}

export interface ExportRow {
  id: string;
  userId: string;
  date: string;
  projectName: string;
  taskTitle: string | null;
  description: string | null;
  startTime: Date | null;
  endTime: Date | null;
  duration: number;
  billable: boolean;
}

/**
 * Group key and label per groupBy: fixed SQL fragments chosen from a
 * whitelist (never text from the request). `week` is the Monday of the ISO
 * week of the entry's local `date` (date_trunc('week') starts on Monday).
 */
const GROUPINGS: Record<ReportGroupBy, { key: Prisma.Sql; label: Prisma.Sql }> = {
  project: { key: Prisma.sql`te.project_id::text`, label: Prisma.sql`p.name` },
  task: { key: Prisma.sql`te.task_id::text`, label: Prisma.sql`t.title` },
  user: { key: Prisma.sql`te.user_id::text`, label: Prisma.sql`NULL::text` },
  day: { key: Prisma.sql`to_char(te.date, 'YYYY-MM-DD')`, label: Prisma.sql`NULL::text` },
  week: { key: Prisma.sql`to_char(date_trunc('week', te.date)::date, 'YYYY-MM-DD')`, label: Prisma.sql`NULL::text` },
};

/** Running timers have no duration yet: reports count finished and duration-only entries only. */
function whereOf(f: ReportFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [
    Prisma.sql`te.date >= ${f.from}::date`,
    Prisma.sql`te.date <= ${f.to}::date`,
    Prisma.sql`te.duration IS NOT NULL`,
  ];
  if (f.userId) parts.push(Prisma.sql`te.user_id = ${f.userId}::uuid`);
  if (f.projectId) parts.push(Prisma.sql`te.project_id = ${f.projectId}::uuid`);
  if (f.billable !== undefined) parts.push(Prisma.sql`te.billable = ${f.billable}`);
  return Prisma.join(parts, ' AND ');
}

interface RawGroup {
  key: string | null;
  label: string | null;
  is_total: number;
  total_seconds: bigint | number | null;
  billable_seconds: bigint | number | null;
}

interface RawExport {
  id: string;
  user_id: string;
  date: string;
  project_name: string;
  task_title: string | null;
  description: string | null;
  start_time: Date | null;
  end_time: Date | null;
  duration: number;
  billable: boolean;
}

const EXPORT_BATCH = 500;

/** Aggregates and exports computed in SQL on the request's tenant database. */
@Injectable()
export class ReportsRepository {
  constructor(private readonly tenant: TenantPrismaProvider) {}

  /** Per-group sums and the grand total in one statement (GROUPING SETS); groups by total desc, day/week by date. */
  async summary(groupBy: ReportGroupBy, filter: ReportFilter): Promise<ReportSummaryRows> {
    const g = GROUPINGS[groupBy];
    const order =
      groupBy === 'day' || groupBy === 'week'
        ? Prisma.sql`key ASC`
        : Prisma.sql`total_seconds DESC, label ASC NULLS LAST, key ASC NULLS LAST`;
    const rows = await this.tenant.client.$queryRaw<RawGroup[]>(Prisma.sql`
      WITH e AS (
        SELECT ${g.key} AS key, ${g.label} AS label, te.duration, te.billable
        FROM time_entries te
        JOIN projects p ON p.id = te.project_id
        LEFT JOIN tasks t ON t.id = te.task_id
        WHERE ${whereOf(filter)}
      )
      SELECT key, label, GROUPING(key, label)::int AS is_total,
             COALESCE(SUM(duration), 0)::bigint AS total_seconds,
             COALESCE(SUM(duration) FILTER (WHERE billable), 0)::bigint AS billable_seconds
      FROM e
      GROUP BY GROUPING SETS ((key, label), ())
      ORDER BY is_total DESC, ${order}`);
    const total = rows.find((r) => Number(r.is_total) !== 0);
    return {
      totalSeconds: Number(total?.total_seconds ?? 0),
      billableSeconds: Number(total?.billable_seconds ?? 0),
      groups: rows
        .filter((r) => Number(r.is_total) === 0)
        .map((r) => ({
          key: r.key,
          label: r.label,
          totalSeconds: Number(r.total_seconds ?? 0),
          billableSeconds: Number(r.billable_seconds ?? 0),
        })),
    };
  }

  /**
   * Entries for an export in chronological order, read in keyset batches so
   * memory stays flat however long the range. The tenant client is captured
   * now: the generator is pulled later by the response stream, outside the
   * request's async context.
   */
  exportRows(filter: ReportFilter): AsyncGenerator<ExportRow> {
    const db: TenantPrisma = this.tenant.client;
    return (async function* () {
      let after: { d: string; s: string; id: string } | null = null;
      for (;;) {
        const keyset: Prisma.Sql = after
          ? Prisma.sql`AND (te.date, COALESCE(te.start_time, 'infinity'::timestamptz), te.id) > (${after.d}::date, ${after.s}::timestamptz, ${after.id}::uuid)`
          : Prisma.empty;
        const rows: RawExport[] = await db.$queryRaw<RawExport[]>(Prisma.sql`
          SELECT te.id, te.user_id::text AS user_id, to_char(te.date, 'YYYY-MM-DD') AS date, p.name AS project_name,
                 t.title AS task_title, te.description, te.start_time, te.end_time, te.duration, te.billable
          FROM time_entries te
          JOIN projects p ON p.id = te.project_id
          LEFT JOIN tasks t ON t.id = te.task_id
          WHERE ${whereOf(filter)} ${keyset}
          ORDER BY te.date, COALESCE(te.start_time, 'infinity'::timestamptz), te.id
          LIMIT ${EXPORT_BATCH}`);
        for (const r of rows) {
          yield {
            id: r.id,
            userId: r.user_id,
            date: r.date,
            projectName: r.project_name,
            taskTitle: r.task_title,
            description: r.description,
            startTime: r.start_time ? new Date(r.start_time) : null,
            endTime: r.end_time ? new Date(r.end_time) : null,
            duration: Number(r.duration),
            billable: r.billable,
          };
        }
        if (rows.length < EXPORT_BATCH) return;
        const last = rows[rows.length - 1];
        after = { d: last.date, s: last.start_time ? new Date(last.start_time).toISOString() : 'infinity', id: last.id };
      }
    })();
  }
}
