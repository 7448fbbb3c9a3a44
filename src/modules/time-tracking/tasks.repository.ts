import { Injectable } from '@nestjs/common';
import { TenantPrismaProvider } from '../../database/tenant-prisma.provider.js';
import type { Prisma } from '../../generated/prisma-client/client.js';
import { dateOnly, isoDay } from './dates.js';
import { assertUnderQuota } from '../../database/quota.js';

export type TaskStatus = 'todo' | 'in_progress' | 'done';
export const TASK_STATUSES: readonly TaskStatus[] = ['todo', 'in_progress', 'done'];

export interface TaskRecord {
  id: string;
  projectId: string;
  title: string;
  description: string | null;
  status: TaskStatus;
  assigneeId: string | null;
  /** `YYYY-MM-DD` or null. */
  dueDate: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TaskListFilter {
  projectId?: string;
  status?: TaskStatus;
  assigneeId?: string;
  /** Only tasks of projects this user belongs to. */
  memberUserId?: string;
  after?: { t: string; id: string } | null;
  limit: number;
}

export interface TaskWrite {
  title?: string;
  description?: string | null;
  status?: TaskStatus;
  assigneeId?: string | null;
  dueDate?: string | null;
}

function toRecord(row: Prisma.TaskModel): TaskRecord {
  return {
    id: row.id,
    projectId: row.projectId,
    title: row.title,
    description: row.description,
    status: row.status as TaskStatus,
    assigneeId: row.assigneeId,
    dueDate: row.dueDate ? isoDay(row.dueDate) : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function writeData(data: TaskWrite): Prisma.TaskUncheckedUpdateInput {
  return {
    ...(data.title !== undefined ? { title: data.title } : {}),
    ...(data.description !== undefined ? { description: data.description } : {}),
    ...(data.status !== undefined ? { status: data.status } : {}),
    ...(data.assigneeId !== undefined ? { assigneeId: data.assigneeId } : {}),
    ...(data.dueDate !== undefined ? { dueDate: data.dueDate === null ? null : dateOnly(data.dueDate) } : {}),
  };
}

/** Tasks in the request's tenant database. */
@Injectable()
export class TasksRepository {
  constructor(private readonly tenant: TenantPrismaProvider) {}

  private get db() {
    return this.tenant.client;
  }

  async findById(id: string): Promise<TaskRecord | null> {
    const row = await this.db.task.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  /** Oldest first, then id (keyset pagination). */
  async list(filter: TaskListFilter): Promise<TaskRecord[]> {
    const and: Prisma.TaskWhereInput[] = [];
    if (filter.projectId) and.push({ projectId: filter.projectId });
    if (filter.status) and.push({ status: filter.status });
    if (filter.assigneeId) and.push({ assigneeId: filter.assigneeId });
    if (filter.memberUserId) and.push({ project: { members: { some: { userId: filter.memberUserId } } } });
    if (filter.after) {
      const t = new Date(filter.after.t);
      and.push({ OR: [{ createdAt: { gt: t } }, { createdAt: t, id: { gt: filter.after.id } }] });
    }
    const rows = await this.db.task.findMany({ where: { AND: and }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], take: filter.limit });
    return rows.map(toRecord);
  }

  /** Creates a task unless the client holds `quota` tasks already. */
  async create(data: TaskWrite & { projectId: string; title: string }, quota: number): Promise<TaskRecord> {
    const row = await this.db.$transaction(async (tx) => {
      await assertUnderQuota(tx, 'tasks', quota, () => tx.task.count());
      return tx.task.create({
        data: {
          projectId: data.projectId,
          title: data.title,
          description: data.description ?? null,
          status: data.status ?? 'todo',
          assigneeId: data.assigneeId ?? null,
          dueDate: data.dueDate ? dateOnly(data.dueDate) : null,
        },
      });
    });
    return toRecord(row);
  }

  async update(id: string, data: TaskWrite): Promise<TaskRecord | null> {
    const { count } = await this.db.task.updateMany({ where: { id }, data: writeData(data) as Prisma.TaskUncheckedUpdateManyInput });
    return count === 0 ? null : this.findById(id);
  }

  /** True when the task existed. */
  async delete(id: string): Promise<boolean> {
    const { count } = await this.db.task.deleteMany({ where: { id } });
    return count > 0;
  }
}
