import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { Clock } from '../../common/clock.js';
import { ForbiddenError, MissingCapabilityError, NotFoundError, ValidationFailedError } from '../../common/errors.js';
import { SYSTEM_ROLES } from '../identity/index.js';
import type { Actor } from './actor.js';
import { ClientUserRecord, ClientUsersRepository } from './client-users.repository.js';
import { ProjectRecord, ProjectsRepository } from './projects.repository.js';
import { TasksRepository } from './tasks.repository.js';
import { TimeEntriesRepository, TimeEntryRecord, TimeEntryWrite } from './time-entries.repository.js';
import { TimeEntriesService } from './time-entries.service.js';
import { MAX_DURATION_SECONDS } from './time-fields.js';
import { ProjectArchivedError, TimeEntryOverlapError, TimerAlreadyRunningError } from './time-tracking.errors.js';

const NOW = new Date('2026-03-25T12:00:00Z');
const CLIENT = '00000000-0000-4000-8000-0000000000c1';
const ME = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const PROJECT = '00000000-0000-4000-8000-0000000000a1';

const actor = (capabilities: readonly string[], timeZone = 'UTC', userId = ME): Actor => ({
  userId,
  clientId: CLIENT,
  timeZone,
  capabilities: new Set(capabilities),
});
const member = (timeZone = 'UTC') => actor(SYSTEM_ROLES.member, timeZone);
const manager = () => actor(SYSTEM_ROLES.manager);

const project = (over: Partial<ProjectRecord> = {}): ProjectRecord =>
  ({ id: PROJECT, name: 'Alpha', billable: true, archived: false, ...over }) as ProjectRecord;

const stored = (w: TimeEntryWrite, id = 'e-new'): TimeEntryRecord => ({ id, ...w, createdAt: NOW, updatedAt: NOW });

/** The repositories the service reads and writes, as typed fakes: project PROJECT exists and ME is its member. */
function fakes() {
  return {
    entries: {
      findById: jest.fn<TimeEntriesRepository['findById']>().mockResolvedValue(null),
      findRunningByUser: jest.fn<TimeEntriesRepository['findRunningByUser']>().mockResolvedValue(null),
      latestEndAfter: jest.fn<TimeEntriesRepository['latestEndAfter']>().mockResolvedValue(null),
      findOverlapping: jest.fn<TimeEntriesRepository['findOverlapping']>().mockResolvedValue(null),
      create: jest.fn<TimeEntriesRepository['create']>(async (w) => stored(w)),
      update: jest.fn<TimeEntriesRepository['update']>(async (id, w) => stored(w, id)),
      stopRunning: jest.fn<TimeEntriesRepository['stopRunning']>(),
      delete: jest.fn<TimeEntriesRepository['delete']>().mockResolvedValue(true),
    },
    projects: {
      findById: jest.fn<ProjectsRepository['findById']>(async (id) => (id === PROJECT ? project() : null)),
      isMember: jest.fn<ProjectsRepository['isMember']>(async (_p, userId) => userId === ME),
    },
    tasks: { findById: jest.fn<TasksRepository['findById']>().mockResolvedValue(null) },
    users: {
      findManyInClient: jest.fn<ClientUsersRepository['findManyInClient']>(
        async (_c, ids) =>
          new Map(
            ids
              .filter((id) => id === OTHER)
              .map((id): [string, ClientUserRecord] => [
                id,
                { id, name: 'Ola', email: 'o@x.test', timeZone: 'Asia/Tokyo', isActive: true },
              ]),
          ),
      ),
    },
  };
}

async function setup() {
  const f = fakes();
  const module = await Test.createTestingModule({
    providers: [
      TimeEntriesService,
      Clock,
      { provide: TimeEntriesRepository, useValue: f.entries },
      { provide: ProjectsRepository, useValue: f.projects },
      { provide: TasksRepository, useValue: f.tasks },
      { provide: ClientUsersRepository, useValue: f.users },
    ],
  }).compile();
  module.get(Clock).set(NOW);
  return { service: module.get(TimeEntriesService), ...f };
}

/** The field a ValidationFailedError names first. */
async function refusedField(p: Promise<unknown>): Promise<string | undefined> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ValidationFailedError);
  return (err as ValidationFailedError).details?.[0]?.field;
}

describe('TimeEntriesService: time fields', () => {
  it("records a timed entry with its duration, the owner's local day and the project's billable default", async () => {
    const { service, entries } = await setup();
    // 23:30 UTC is already the next day in Berlin.
    await service.create(member('Europe/Berlin'), {
      projectId: PROJECT,
      startTime: '2026-03-24T23:30:00.750Z',
      endTime: '2026-03-25T00:30:00Z',
    });
    expect(entries.create).toHaveBeenCalledWith(
      expect.objectContaining({
        userId: ME,
        date: '2026-03-25',
        startTime: new Date('2026-03-24T23:30:00Z'),
        duration: 3600,
        billable: true,
      }),
    );
  });

  // Time not yet spent cannot be logged; a timer is how time in progress is recorded.
  it('refuses an entry that starts or ends in the future, and a duration-only day after the owner’s today', async () => {
    const { service, entries } = await setup();
    const create = (fields: object, who = member()) => service.create(who, { projectId: PROJECT, ...fields });
    expect(await refusedField(create({ startTime: '2026-03-25T12:00:01Z', duration: 60 }))).toBe('startTime');
    expect(await refusedField(create({ startTime: '2026-03-25T11:59:00Z', endTime: '2026-03-25T12:01:00Z' }))).toBe('endTime');
    expect(await refusedField(create({ startTime: '2026-03-25T11:59:30Z', duration: 60 }))).toBe('duration');
    expect(await refusedField(create({ date: '2026-03-26', duration: 60 }))).toBe('date');
    // …while in Tokyo (UTC+9) it is already the 25th's evening, and the 26th is still tomorrow there.
    expect(await refusedField(create({ date: '2026-03-26', duration: 60 }, member('Asia/Tokyo')))).toBe('date');
    await expect(create({ date: '2026-03-25', duration: 60 }, member('Asia/Tokyo'))).resolves.toBeDefined();
    expect(entries.create).toHaveBeenCalledTimes(1);
  });

  it('keeps an entry between 1 second and 24 hours, ending after it starts', async () => {
    const { service } = await setup();
    const create = (fields: object) => service.create(member(), { projectId: PROJECT, ...fields });
    for (const duration of [0, -5, 1.5, MAX_DURATION_SECONDS + 1])
      expect(await refusedField(create({ date: '2026-03-20', duration }))).toBe('duration');
    expect(await refusedField(create({ startTime: '2026-03-20T10:00:00Z', endTime: '2026-03-20T10:00:00Z' }))).toBe('endTime');
    expect(await refusedField(create({ startTime: '2026-03-20T10:00:00Z', endTime: '2026-03-21T10:00:01Z' }))).toBe('endTime');
    await expect(create({ date: '2026-03-20', duration: MAX_DURATION_SECONDS })).resolves.toBeDefined();
  });

  it('names the field at fault when the time fields make no single shape', async () => {
    const { service } = await setup();
    const create = (fields: object) => service.create(member(), { projectId: PROJECT, ...fields });
    expect(await refusedField(create({ startTime: '2026-03-20T10:00:00Z', endTime: '2026-03-20T11:00:00Z', duration: 3600 }))).toBe(
      'duration',
    );
    expect(await refusedField(create({ date: '2026-03-20', startTime: '2026-03-20T10:00:00Z', duration: 60 }))).toBe('date');
    expect(await refusedField(create({ endTime: '2026-03-20T11:00:00Z' }))).toBe('startTime');
    expect(await refusedField(create({ startTime: '2026-03-20T10:00:00Z' }))).toBe('endTime');
    expect(await refusedField(create({}))).toBe('startTime');
    expect(await refusedField(create({ startTime: 'yesterday', duration: 60 }))).toBe('startTime');
  });
});

describe('TimeEntriesService: projects and owners', () => {
  const entry = { startTime: '2026-03-20T10:00:00Z', duration: 600 };

  // A member sees only their projects: another project is "not found", not "forbidden", so its existence does not leak.
  it('answers a member logging to a project they are not a member of with 404, and a missing one the same', async () => {
    const { service, projects } = await setup();
    projects.isMember.mockResolvedValue(false);
    await expect(service.create(member(), { projectId: PROJECT, ...entry })).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.create(member(), { projectId: 'missing', ...entry })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses with 403 an actor who sees every project but may log only where the owner is a member', async () => {
    const { service, projects } = await setup();
    projects.isMember.mockResolvedValue(false);
    const projectManager = actor(['projects:manage', 'time-entries:read:own', 'time-entries:write:own']);
    await expect(service.create(projectManager, { projectId: PROJECT, ...entry })).rejects.toBeInstanceOf(ForbiddenError);
    // time-entries:write:all may log anywhere.
    await expect(service.create(manager(), { projectId: PROJECT, ...entry })).resolves.toBeDefined();
  });

  it('refuses an archived project with 409 PROJECT_ARCHIVED', async () => {
    const { service, projects } = await setup();
    projects.findById.mockResolvedValue(project({ archived: true }));
    await expect(service.create(member(), { projectId: PROJECT, ...entry })).rejects.toBeInstanceOf(ProjectArchivedError);
  });

  it("lets only time-entries:write:all log for another user, on that user's local day", async () => {
    const { service, entries } = await setup();
    await expect(service.create(member(), { projectId: PROJECT, userId: OTHER, ...entry })).rejects.toBeInstanceOf(MissingCapabilityError);
    await service.create(manager(), { projectId: PROJECT, userId: OTHER, startTime: '2026-03-20T20:00:00Z', duration: 600 });
    expect(entries.create).toHaveBeenCalledWith(expect.objectContaining({ userId: OTHER, date: '2026-03-21' }));
    await expect(service.create(manager(), { projectId: PROJECT, userId: 'unknown', ...entry })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("answers another user's entry with 404 to a member", async () => {
    const { service, entries } = await setup();
    entries.findById.mockResolvedValue(
      stored(
        {
          userId: OTHER,
          projectId: PROJECT,
          taskId: null,
          description: null,
          date: '2026-03-20',
          startTime: null,
          endTime: null,
          duration: 60,
          billable: true,
        },
        'e1',
      ),
    );
    await expect(service.get(member(), 'e1')).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.delete(member(), 'e1')).rejects.toBeInstanceOf(NotFoundError);
    expect(entries.delete).not.toHaveBeenCalled();
  });
});

describe('TimeEntriesService: overlaps and timers', () => {
  it('names the entry an overlapping write collides with', async () => {
    const { service, entries } = await setup();
    entries.create.mockRejectedValueOnce(new TimeEntryOverlapError());
    const other = stored(
      {
        userId: ME,
        projectId: PROJECT,
        taskId: null,
        description: null,
        date: '2026-03-20',
        startTime: new Date('2026-03-20T09:30:00Z'),
        endTime: new Date('2026-03-20T10:30:00Z'),
        duration: 3600,
        billable: true,
      },
      'e-other',
    );
    entries.findOverlapping.mockResolvedValueOnce(other);
    const err = await service
      .create(member(), { projectId: PROJECT, startTime: '2026-03-20T10:00:00Z', duration: 600 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeEntryOverlapError);
    expect((err as TimeEntryOverlapError).message).toContain('e-other');
    expect((err as TimeEntryOverlapError).other).toEqual({ projectId: PROJECT, startTime: other.startTime, endTime: other.endTime });
  });

  // A running timer is an open-ended range: a racing second start can trip the exclusion constraint instead of the unique index.
  it('answers a start that collides with a running timer as TIMER_ALREADY_RUNNING', async () => {
    const { service, entries } = await setup();
    entries.create.mockRejectedValueOnce(new TimeEntryOverlapError());
    entries.findRunningByUser.mockResolvedValueOnce(
      stored({
        userId: ME,
        projectId: PROJECT,
        taskId: null,
        description: null,
        date: '2026-03-25',
        startTime: NOW,
        endTime: null,
        duration: null,
        billable: true,
      }),
    );
    await expect(service.start(member(), { projectId: PROJECT })).rejects.toBeInstanceOf(TimerAlreadyRunningError);
  });

  it('stops a timer left running for days at 24 hours', async () => {
    const { service, entries } = await setup();
    const start = new Date(NOW.getTime() - 3 * 86_400_000);
    const running = stored(
      {
        userId: ME,
        projectId: PROJECT,
        taskId: null,
        description: null,
        date: '2026-03-22',
        startTime: start,
        endTime: null,
        duration: null,
        billable: true,
      },
      'e-run',
    );
    entries.findRunningByUser.mockResolvedValueOnce(running);
    entries.stopRunning.mockImplementationOnce(async (_id, endTime, duration) => ({ ...running, endTime, duration }));
    const stopped = await service.stop(member());
    expect(stopped.duration).toBe(MAX_DURATION_SECONDS);
    expect(entries.stopRunning).toHaveBeenCalledWith(
      'e-run',
      new Date(start.getTime() + MAX_DURATION_SECONDS * 1000),
      MAX_DURATION_SECONDS,
    );
  });
});
