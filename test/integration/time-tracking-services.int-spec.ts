import { randomUUID } from 'node:crypto';
import { Clock } from '../../src/common/clock.js';
import { ForbiddenError, NotFoundError } from '../../src/common/errors.js';
import { constraintViolation } from '../../src/common/prisma-errors.js';
import type { TenantDb } from '../../src/database/tenant-client.js';
import {
  type Actor,
  NoRunningTimerError,
  ProjectArchivedError,
  ProjectsService,
  ReportsService,
  TimeEntriesService,
  TimeEntryOverlapError,
  TimerAlreadyRunningError,
  toTimeEntryDto,
} from '../../src/modules/time-tracking/index.js';
import { SYSTEM_ROLES } from '../../src/modules/identity/capabilities.js';
import { TasksRepository } from '../../src/modules/time-tracking/tasks.repository.js';
import { createTestApp, createUserWithToken, leaseTenant, provisionClient, TestApp, withTenant } from '../helpers/test-app.js';

describe('integration/time-tracking-services', () => {
  let t: TestApp;
  let clientId: string;
  let db: TenantDb;
  let manager: Actor;
  let member: Actor;
  let projectId: string;
  let hiddenId: string;

  function actor(userId: string, role: keyof typeof SYSTEM_ROLES, timeZone = 'UTC'): Actor {
    return { userId, clientId, timeZone, capabilities: new Set<string>(SYSTEM_ROLES[role]) };
  }

  /** What code outside a controller does (CLI, jobs): run the services inside withTenant. */
  function inTenant<T>(fn: () => Promise<T>): Promise<T> {
    return withTenant(t, clientId, () => fn());
  }

  beforeAll(async () => {
    t = await createTestApp();
    clientId = await provisionClient(t);
    db = await leaseTenant(t, clientId);
    const m = await createUserWithToken(t, { clientId, roleKeys: ['manager'] });
    const u = await createUserWithToken(t, { clientId, roleKeys: ['member'], timeZone: 'Europe/Berlin' });
    manager = actor(m.userId, 'manager');
    member = actor(u.userId, 'member', 'Europe/Berlin');
    const projects = t.get(ProjectsService);
    await inTenant(async () => {
      projectId = (await projects.create(manager, { name: 'Service Project' })).id;
      hiddenId = (await projects.create(manager, { name: 'Service Hidden', billable: false })).id;
      await projects.putMember(manager, projectId, member.userId);
    });
  });
  afterEach(() => t.get(Clock).set(null));
  afterAll(() => t.close());

  describe('database-held time-entry invariants', () => {
    const base = () => ({ id: randomUUID(), userId: randomUUID(), projectId, billable: true });

    // The service relies on these constraints under concurrency; they must hold without it.
    it('refuses a second running timer for a user through the partial unique index', async () => {
      const row = base();
      await db.timeEntry.create({ data: { ...row, date: new Date('2026-02-01'), startTime: new Date('2026-02-01T09:00:00Z') } });
      const err = await db.timeEntry
        .create({ data: { ...base(), userId: row.userId, date: new Date('2026-02-02'), startTime: new Date('2026-02-02T09:00:00Z') } })
        .catch((e: unknown) => e);
      expect(constraintViolation(err)).toEqual({ sqlState: '23505', constraint: 'time_entries_one_running_timer_key' });
    });

    it('refuses overlapping timed entries of a user through the exclusion constraint', async () => {
      const row = base();
      await db.timeEntry.create({
        data: {
          ...row,
          date: new Date('2026-02-03'),
          startTime: new Date('2026-02-03T09:00:00Z'),
          endTime: new Date('2026-02-03T10:00:00Z'),
          duration: 3600,
        },
      });
      const err = await db.timeEntry
        .create({
          data: {
            ...base(),
            userId: row.userId,
            date: new Date('2026-02-03'),
            startTime: new Date('2026-02-03T09:30:00Z'),
            endTime: new Date('2026-02-03T10:30:00Z'),
            duration: 3600,
          },
        })
        .catch((e: unknown) => e);
      expect(constraintViolation(err)).toEqual({ sqlState: '23P01', constraint: 'time_entries_no_overlap' });
    });

    it('refuses a duration that does not match the times, and durations outside 1 s to 24 h', async () => {
      const bad = [
        { startTime: new Date('2026-02-04T09:00:00Z'), endTime: new Date('2026-02-04T10:00:00Z'), duration: 60 },
        { duration: 0 },
        { duration: 86401 },
      ];
      for (const times of bad) {
        const err = await db.timeEntry.create({ data: { ...base(), date: new Date('2026-02-04'), ...times } }).catch((e: unknown) => e);
        expect(constraintViolation(err)?.sqlState).toBe('23514');
      }
    });
  });

  describe('services as the chat assistant calls them', () => {
    it('creates entries with the same rules and maps them with toTimeEntryDto', async () => {
      const entries = t.get(TimeEntriesService);
      const entry = await inTenant(() =>
        entries.create(member, { projectId, startTime: '2026-03-29T01:30:00+01:00', duration: 3600, description: 'from chat' }),
      );
      expect(toTimeEntryDto(entry)).toEqual({
        id: entry.id,
        userId: member.userId,
        projectId,
        taskId: null,
        description: 'from chat',
        date: '2026-03-29',
        startTime: '2026-03-29T00:30:00.000Z',
        endTime: '2026-03-29T01:30:00.000Z',
        duration: 3600,
        billable: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      await expect(
        inTenant(() => entries.create(member, { projectId, startTime: '2026-03-29T01:00:00Z', duration: 600 })),
      ).rejects.toBeInstanceOf(TimeEntryOverlapError);
      await expect(
        inTenant(() => entries.create(member, { projectId: hiddenId, date: '2026-03-29', duration: 60 })),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        inTenant(() => entries.create(member, { projectId, userId: manager.userId, date: '2026-03-29', duration: 60 })),
      ).rejects.toBeInstanceOf(ForbiddenError);
    });

    it('starts, reports and stops timers with the domain errors', async () => {
      const entries = t.get(TimeEntriesService);
      t.get(Clock).set(new Date('2026-06-20T08:00:00Z'));
      const started = await inTenant(() => entries.start(member, { projectId }));
      expect(started).toMatchObject({ endTime: null, duration: null, date: '2026-06-20' });
      await expect(inTenant(() => entries.start(member, { projectId }))).rejects.toBeInstanceOf(TimerAlreadyRunningError);
      expect((await inTenant(() => entries.running(member)))?.id).toBe(started.id);
      t.get(Clock).set(new Date('2026-06-20T08:45:00Z'));
      const stopped = await inTenant(() => entries.stop(member));
      expect(stopped.duration).toBe(2700);
      expect(await inTenant(() => entries.running(member))).toBeNull();
      await expect(inTenant(() => entries.stop(member))).rejects.toBeInstanceOf(NoRunningTimerError);
    });

    it('lists only the projects an actor may see, and refuses archived ones', async () => {
      const projects = t.get(ProjectsService);
      const visible = await inTenant(() => projects.listVisible(member));
      expect(visible.map((p) => p.id)).toEqual([projectId]);
      const all = await inTenant(() => projects.listVisible(manager));
      expect(all.map((p) => p.id).sort()).toEqual([projectId, hiddenId].sort());
      const archived = await inTenant(() => projects.create(manager, { name: 'Service Archived' }));
      await inTenant(() => projects.putMember(manager, archived.id, member.userId));
      await inTenant(() => projects.archive(manager, archived.id));
      expect((await inTenant(() => projects.listVisible(member))).map((p) => p.id)).toEqual([projectId]);
      expect((await inTenant(() => projects.listVisible(member, { includeArchived: true }))).map((p) => p.id).sort()).toEqual(
        [projectId, archived.id].sort(),
      );
      await expect(inTenant(() => t.get(TimeEntriesService).start(member, { projectId: archived.id }))).rejects.toBeInstanceOf(
        ProjectArchivedError,
      );
    });

    it("summarises the actor's own time and refuses someone else's without reports:read:all", async () => {
      const reports = t.get(ReportsService);
      const r = await inTenant(() => reports.summary(member, { from: '2026-03-29', to: '2026-03-29', groupBy: 'day' }));
      expect(r).toMatchObject({ totalSeconds: 3600, groups: [{ key: '2026-03-29', totalSeconds: 3600 }] });
      await expect(
        inTenant(() => reports.summary(member, { from: '2026-03-29', to: '2026-03-29', userId: manager.userId })),
      ).rejects.toBeInstanceOf(ForbiddenError);
      const byManager = await inTenant(() => reports.summary(manager, { from: '2026-03-01', to: '2026-06-30', groupBy: 'user' }));
      expect(byManager.groups.map((g) => g.key)).toEqual([member.userId]);
    });
  });

  describe('a task that went away before the write', () => {
    // TasksService looks a task up before it writes; one deleted in between is found missing by the write itself.
    it('updates and deletes nothing, and says so', async () => {
      const tasks = t.get(TasksRepository);
      await inTenant(async () => {
        const task = await tasks.create({ projectId, title: 'Soon gone' }, 1_000);
        expect(await tasks.delete(task.id)).toBe(true);
        expect(await tasks.update(task.id, { title: 'Too late' })).toBeNull();
        expect(await tasks.delete(task.id)).toBe(false);
      });
    });
  });
});
