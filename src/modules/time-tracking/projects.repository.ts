import { Injectable } from '@nestjs/common';
import { TenantPrismaProvider } from '../../database/tenant-prisma.provider.js';
import { constraintViolation } from '../../common/prisma-errors.js';
import { Prisma } from '../../generated/prisma-client/client.js';
import { ProjectNameTakenError } from './time-tracking.errors.js';
import { assertUnderQuota } from '../../database/quota.js';
import { escapeLike } from '../../common/like.js';

export interface ProjectRecord {
  id: string;
  name: string;
  description: string | null;
  billable: boolean;
  hourlyRate: number | null;
  archived: boolean;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What the chat matches names against: no descriptions, rates or dates. */
export type ProjectName = Pick<ProjectRecord, 'id' | 'name' | 'archived'>;

export interface ProjectMemberRecord {
  projectId: string;
  userId: string;
  role: 'member' | 'lead';
  createdAt: Date;
}

export interface ProjectListFilter {
  archived: boolean;
  search?: string;
  /** Only projects this user belongs to (members without projects:manage). */
  memberUserId?: string;
  after?: { n: string; id: string } | null;
  limit: number;
}

export interface ProjectWrite {
  name?: string;
  description?: string | null;
  billable?: boolean;
  hourlyRate?: number | null;
  archived?: boolean;
}

type ProjectRow = Prisma.ProjectModel;

function toRecord(row: ProjectRow): ProjectRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    billable: row.billable,
    hourlyRate: row.hourlyRate === null ? null : Number(row.hourlyRate.toString()),
    archived: row.archived,
    archivedAt: row.archivedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toMember(row: Prisma.ProjectMemberModel): ProjectMemberRecord {
  return { projectId: row.projectId, userId: row.userId, role: row.role === 'lead' ? 'lead' : 'member', createdAt: row.createdAt };
}

/** The case-insensitive unique name (`projects_name_lower_key`) is the guarantee; this maps its violation. */
function mapNameConflict(err: unknown, name: string | undefined): never {
  const v = constraintViolation(err);
  if (v?.sqlState === '23505' && v.constraint !== 'projects_pkey' && name !== undefined) throw new ProjectNameTakenError(name);
  throw err;
}

/** Projects and their members in the request's tenant database. */
@Injectable()
export class ProjectsRepository {
  constructor(private readonly tenant: TenantPrismaProvider) {}

  private get db() {
    return this.tenant.client;
  }

  async findById(id: string): Promise<ProjectRecord | null> {
    const row = await this.db.project.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  async findByIdForMember(id: string, userId: string): Promise<ProjectRecord | null> {
    const row = await this.db.project.findFirst({ where: { id, members: { some: { userId } } } });
    return row ? toRecord(row) : null;
  }

  /** Sorted by name, then id (keyset pagination). */
  async list(filter: ProjectListFilter): Promise<ProjectRecord[]> {
    const and: Prisma.ProjectWhereInput[] = [{ archived: filter.archived }];
    if (filter.search) and.push({ name: { contains: escapeLike(filter.search), mode: 'insensitive' } });
    if (filter.memberUserId) and.push({ members: { some: { userId: filter.memberUserId } } });
    if (filter.after) {
      and.push({ OR: [{ name: { gt: filter.after.n } }, { name: filter.after.n, id: { gt: filter.after.id } }] });
    }
    const rows = await this.db.project.findMany({ where: { AND: and }, orderBy: [{ name: 'asc' }, { id: 'asc' }], take: filter.limit });
    return rows.map(toRecord);
  }

  /** Every project of the client, or those of one member, unpaginated (for name matching in chat). */
  /** Ids and names of every project (active ones unless asked), in name order: only the columns the chat reads. */
  async listNames(options: { memberUserId?: string; includeArchived: boolean }): Promise<ProjectName[]> {
    return this.db.project.findMany({
      select: { id: true, name: true, archived: true },
      where: {
        ...(options.includeArchived ? {} : { archived: false }),
        ...(options.memberUserId ? { members: { some: { userId: options.memberUserId } } } : {}),
      },
      orderBy: [{ name: 'asc' }, { id: 'asc' }],
    });
  }

  /** Creates a project unless the client holds `quota` projects already (archived ones count: they keep their rows). */
  async create(data: ProjectWrite & { name: string; createdBy: string }, quota: number): Promise<ProjectRecord> {
    try {
      const row = await this.db.$transaction(async (tx) => {
        await assertUnderQuota(tx, 'projects', quota, () => tx.project.count());
        return tx.project.create({
          data: {
            name: data.name,
            description: data.description ?? null,
            billable: data.billable ?? true,
            hourlyRate: data.hourlyRate ?? null,
            createdBy: data.createdBy,
          },
        });
      });
      return toRecord(row);
    } catch (err) {
      mapNameConflict(err, data.name);
    }
  }

  async update(id: string, data: ProjectWrite, now: Date): Promise<ProjectRecord> {
    try {
      const row = await this.db.project.update({
        where: { id },
        data: {
          ...(data.name !== undefined ? { name: data.name } : {}),
          ...(data.description !== undefined ? { description: data.description } : {}),
          ...(data.billable !== undefined ? { billable: data.billable } : {}),
          ...(data.hourlyRate !== undefined ? { hourlyRate: data.hourlyRate } : {}),
          ...(data.archived !== undefined ? { archived: data.archived, archivedAt: data.archived ? now : null } : {}),
        },
      });
      return toRecord(row);
    } catch (err) {
      mapNameConflict(err, data.name);
    }
  }

  /** Archives unless already archived (keeps the first archivedAt). */
  async archive(id: string, at: Date): Promise<void> {
    await this.db.project.updateMany({ where: { id, archived: false }, data: { archived: true, archivedAt: at } });
  }

  async isMember(projectId: string, userId: string): Promise<boolean> {
    const row = await this.db.projectMember.findUnique({ where: { projectId_userId: { projectId, userId } }, select: { userId: true } });
    return row !== null;
  }

  /** Members by joining time, then user id (keyset pagination). */
  async listMembers(projectId: string, after: { t: string; id: string } | null, limit: number): Promise<ProjectMemberRecord[]> {
    const where: Prisma.ProjectMemberWhereInput = { projectId };
    if (after) {
      const t = new Date(after.t);
      where.OR = [{ createdAt: { gt: t } }, { createdAt: t, userId: { gt: after.id } }];
    }
    const rows = await this.db.projectMember.findMany({ where, orderBy: [{ createdAt: 'asc' }, { userId: 'asc' }], take: limit });
    return rows.map(toMember);
  }

  /**
   * Adds the member, or changes the role of an existing one (a missing role keeps the current one,
   * default "member"). One statement: Prisma's upsert here is a read and then a write, so a removal
   * of the same membership landing between them would make it return nothing (a 500), and two first
   * upserts at once would collide on the key.
   */
  async upsertMember(projectId: string, userId: string, role: 'member' | 'lead' | undefined): Promise<ProjectMemberRecord> {
    const [row] = await this.db.$queryRaw<{ projectId: string; userId: string; role: string; createdAt: Date }[]>(Prisma.sql`
      INSERT INTO project_members (project_id, user_id, role)
      VALUES (${projectId}::uuid, ${userId}::uuid, ${role ?? 'member'})
      ON CONFLICT (project_id, user_id) DO UPDATE SET role = COALESCE(${role ?? null}::text, project_members.role)
      RETURNING project_id AS "projectId", user_id AS "userId", role, created_at AS "createdAt"`);
    return toMember(row);
  }

  /** True when a membership was removed. */
  async removeMember(projectId: string, userId: string): Promise<boolean> {
    const { count } = await this.db.projectMember.deleteMany({ where: { projectId, userId } });
    return count > 0;
  }
}
