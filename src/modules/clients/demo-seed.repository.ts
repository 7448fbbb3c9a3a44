import { Injectable } from '@nestjs/common';
import type { TenantPrisma } from '../../database/tenant-connection-manager.js';
import { DemoConversation, DemoTimeEntry, DemoUser, MEMBERSHIPS, PROJECTS, ProjectKey, TASKS } from './demo-data.js';

export interface DemoCounts {
  projects: number;
  tasks: number;
  timeEntries: number;
}

/** The demo client's tenant tables; the caller hands in the tenant database it acquired. */
@Injectable()
export class DemoSeedRepository {
  async counts(tenant: TenantPrisma): Promise<DemoCounts> {
    return { projects: await tenant.project.count(), tasks: await tenant.task.count(), timeEntries: await tenant.timeEntry.count() };
  }

  /** Projects, memberships, tasks, time entries and one conversation, all in one transaction. */
  async write(
    tenant: TenantPrisma,
    ids: Record<DemoUser['key'], string>,
    entries: DemoTimeEntry[],
    conversation: { userId: string } & DemoConversation,
  ): Promise<void> {
    await tenant.$transaction(async (tx) => {
      const projectIds = {} as Record<ProjectKey, string>;
      for (const p of PROJECTS) {
        const row = await tx.project.create({
          data: { name: p.name, description: p.description, billable: p.billable, hourlyRate: p.rate, createdBy: ids.manager },
        });
        projectIds[p.key] = row.id;
      }
      for (const [user, projects] of Object.entries(MEMBERSHIPS) as [DemoUser['key'], ProjectKey[]][]) {
        await tx.projectMember.createMany({
          data: projects.map((p) => ({ projectId: projectIds[p], userId: ids[user], role: user === 'manager' ? 'lead' : 'member' })),
        });
      }
      const taskIds = new Map<string, string>();
      for (const t of TASKS) {
        const row = await tx.task.create({
          data: { projectId: projectIds[t.project], title: t.title, status: t.status, assigneeId: t.assignee ? ids[t.assignee] : null },
        });
        taskIds.set(`${t.project}:${t.title}`, row.id);
      }
      await tx.timeEntry.createMany({
        data: entries.map((e) => ({
          userId: e.userId,
          projectId: projectIds[e.project],
          taskId: e.task ? (taskIds.get(`${e.project}:${e.task}`) ?? null) : null,
          description: e.description,
          date: e.date,
          startTime: e.start,
          endTime: e.end,
          duration: e.duration,
          billable: PROJECTS.find((p) => p.key === e.project)!.billable,
        })),
      });
      const { userId, title, createdAt, updatedAt, messages } = conversation;
      const row = await tx.conversation.create({ data: { userId, title, createdAt, updatedAt } });
      for (const m of messages) {
        await tx.message.create({
          data: { conversationId: row.id, role: m.role, content: m.content, actions: [], createdAt: m.createdAt },
        });
      }
    });
  }
}
