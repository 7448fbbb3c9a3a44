import { AppConfigService } from '../../config/config.service.js';
import { ChecksTenantActor } from '../../database/tenant-actor.js';
import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { NotFoundError } from '../../common/errors.js';
import { decodeCursor, isCreatedAtIdCursor, Page, toPage } from '../../common/pagination.js';
import { isUuid } from '../../common/uuid.js';
import { UNSTORABLE } from '../../common/validation.js';
import type { Actor } from './actor.js';
import { ClientUsersRepository } from './client-users.repository.js';
import { ProjectMemberRecord, ProjectName, ProjectRecord, ProjectsRepository, ProjectWrite } from './projects.repository.js';
import { policy } from './time-tracking.policy.js';

export interface ListProjectsInput {
  archived?: boolean;
  search?: string;
  limit?: number;
  cursor?: string;
}

export interface CreateProjectInput {
  name: string;
  description?: string | null;
  billable?: boolean;
  hourlyRate?: number | null;
}

export type UpdateProjectInput = ProjectWrite;

function isNameIdCursor(v: Record<string, unknown>): v is { n: string; id: string } {
  return typeof v.n === 'string' && v.n.length <= 1000 && !UNSTORABLE.test(v.n) && isUuid(v.id);
}

/**
 * Projects and their members. Holders of projects:manage see and change
 * every project of their client; projects:read holders see only the projects
 * they belong to (others answer 404).
 */
@Injectable()
@ChecksTenantActor()
export class ProjectsService {
  constructor(
    private readonly projects: ProjectsRepository,
    private readonly users: ClientUsersRepository,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
  ) {}

  async list(actor: Actor, input: ListProjectsInput): Promise<Page<ProjectRecord>> {
    policy.assertCanReadProjects(actor);
    const limit = input.limit ?? 50;
    const rows = await this.projects.list({
      archived: input.archived ?? false,
      search: input.search?.trim() || undefined,
      memberUserId: policy.seesAllProjects(actor) ? undefined : actor.userId,
      after: decodeCursor(input.cursor, isNameIdCursor),
      limit: limit + 1,
    });
    return toPage(
      rows,
      limit,
      (p) => p,
      (p) => ({ n: p.name, id: p.id }),
    );
  }

  /** Ids and names of every project the actor may see (active ones unless asked), unpaginated: for the chat's name matching. */
  async listVisible(actor: Actor, options: { includeArchived?: boolean } = {}): Promise<ProjectName[]> {
    policy.assertCanReadProjects(actor);
    return this.projects.listNames({
      memberUserId: policy.seesAllProjects(actor) ? undefined : actor.userId,
      includeArchived: options.includeArchived ?? false,
    });
  }

  /** The project if the actor may see it, else null (callers answer 404). No capability check. */
  async findVisible(actor: Actor, id: string): Promise<ProjectRecord | null> {
    return policy.seesAllProjects(actor) ? this.projects.findById(id) : this.projects.findByIdForMember(id, actor.userId);
  }

  async get(actor: Actor, id: string): Promise<ProjectRecord> {
    policy.assertCanReadProjects(actor);
    const project = await this.findVisible(actor, id);
    if (!project) throw new NotFoundError('Project');
    return project;
  }

  async create(actor: Actor, input: CreateProjectInput): Promise<ProjectRecord> {
    policy.assertCanManageProjects(actor);
    return this.projects.create({ ...input, createdBy: actor.userId }, this.config.get('QUOTA_PROJECTS'));
  }

  async update(actor: Actor, id: string, input: UpdateProjectInput): Promise<ProjectRecord> {
    policy.assertCanManageProjects(actor);
    if (!(await this.projects.findById(id))) throw new NotFoundError('Project');
    return this.projects.update(id, input, this.clock.now());
  }

  /** DELETE archives (idempotent): time entries keep pointing at the project. */
  async archive(actor: Actor, id: string): Promise<void> {
    policy.assertCanManageProjects(actor);
    if (!(await this.projects.findById(id))) throw new NotFoundError('Project');
    await this.projects.archive(id, this.clock.now());
  }

  async listMembers(actor: Actor, projectId: string, input: { limit?: number; cursor?: string }): Promise<Page<ProjectMemberRecord>> {
    await this.get(actor, projectId);
    const limit = input.limit ?? 50;
    const rows = await this.projects.listMembers(projectId, decodeCursor(input.cursor, isCreatedAtIdCursor), limit + 1);
    return toPage(
      rows,
      limit,
      (m) => m,
      (m) => ({ t: m.createdAt.toISOString(), id: m.userId }),
    );
  }

  /** The user must be an active user of the actor's own client (checked in the main database), else 404. */
  async putMember(actor: Actor, projectId: string, userId: string, role?: 'member' | 'lead'): Promise<ProjectMemberRecord> {
    policy.assertCanManageProjects(actor);
    if (!(await this.projects.findById(projectId))) throw new NotFoundError('Project');
    if (!(await this.users.findActiveInClient(actor.clientId, userId))) throw new NotFoundError('User');
    return this.projects.upsertMember(projectId, userId, role);
  }

  async removeMember(actor: Actor, projectId: string, userId: string): Promise<void> {
    policy.assertCanManageProjects(actor);
    if (!(await this.projects.findById(projectId))) throw new NotFoundError('Project');
    if (!(await this.projects.removeMember(projectId, userId))) throw new NotFoundError('Project member');
  }
}
