import { AppConfigService } from '../../config/config.service.js';
import { ChecksTenantActor } from '../../database/tenant-actor.js';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../common/errors.js';
import { decodeCursor, isCreatedAtIdCursor, Page, toPage } from '../../common/pagination.js';
import type { Actor } from './actor.js';
import { ClientUsersRepository } from './client-users.repository.js';
import { ProjectsRepository } from './projects.repository.js';
import { TaskRecord, TasksRepository, TaskStatus, TaskWrite } from './tasks.repository.js';
import { ProjectArchivedError } from './time-tracking.errors.js';
import { policy } from './time-tracking.policy.js';

export interface ListTasksInput {
  projectId?: string;
  status?: TaskStatus;
  assigneeId?: string;
  limit?: number;
  cursor?: string;
}

export interface CreateTaskInput extends TaskWrite {
  projectId: string;
  title: string;
}

/**
 * Tasks of projects. tasks:read holders see the tasks of the projects they
 * belong to; tasks:manage (or projects:manage) holders see all of the
 * client's and change them. Tasks are hard-deleted; their time entries keep
 * the time and lose the task (ON DELETE SET NULL).
 */
@Injectable()
@ChecksTenantActor()
export class TasksService {
  constructor(
    private readonly tasks: TasksRepository,
    private readonly projects: ProjectsRepository,
    private readonly users: ClientUsersRepository,
    private readonly config: AppConfigService,
  ) {}

  async list(actor: Actor, input: ListTasksInput): Promise<Page<TaskRecord>> {
    policy.assertCanReadTasks(actor);
    const limit = input.limit ?? 50;
    const rows = await this.tasks.list({
      projectId: input.projectId,
      status: input.status,
      assigneeId: input.assigneeId,
      memberUserId: policy.seesAllTasks(actor) ? undefined : actor.userId,
      after: decodeCursor(input.cursor, isCreatedAtIdCursor),
      limit: limit + 1,
    });
    return toPage(
      rows,
      limit,
      (t) => t,
      (t) => ({ t: t.createdAt.toISOString(), id: t.id }),
    );
  }

  async get(actor: Actor, id: string): Promise<TaskRecord> {
    policy.assertCanReadTasks(actor);
    const task = await this.tasks.findById(id);
    if (!task || !(await this.canSee(actor, task))) throw new NotFoundError('Task');
    return task;
  }

  async create(actor: Actor, input: CreateTaskInput): Promise<TaskRecord> {
    policy.assertCanManageTasks(actor);
    const project = await this.projects.findById(input.projectId);
    if (!project) throw new NotFoundError('Project');
    if (project.archived) throw new ProjectArchivedError('The project is archived; restore it before adding tasks');
    await this.assertAssignee(actor, input.assigneeId);
    return this.tasks.create(input, this.config.get('QUOTA_TASKS'));
  }

  async update(actor: Actor, id: string, input: TaskWrite): Promise<TaskRecord> {
    policy.assertCanManageTasks(actor);
    if (!(await this.tasks.findById(id))) throw new NotFoundError('Task');
    await this.assertAssignee(actor, input.assigneeId);
    const task = await this.tasks.update(id, input);
    if (!task) throw new NotFoundError('Task');
    return task;
  }

  async delete(actor: Actor, id: string): Promise<void> {
    policy.assertCanManageTasks(actor);
    if (!(await this.tasks.delete(id))) throw new NotFoundError('Task');
  }

  private async canSee(actor: Actor, task: TaskRecord): Promise<boolean> {
    return policy.seesAllTasks(actor) || (await this.projects.isMember(task.projectId, actor.userId));
  }

  /** An assignee must be an active user of the actor's client (main database), else 404. */
  private async assertAssignee(actor: Actor, assigneeId: string | null | undefined): Promise<void> {
    if (!assigneeId) return;
    if (!(await this.users.findActiveInClient(actor.clientId, assigneeId))) throw new NotFoundError('Assignee (user)');
  }
}
