import type { Response } from 'supertest';
import { randomUUID } from 'node:crypto';
import { Clock } from '../../src/common/clock.js';
import { createTestApp, createUserWithToken, TestApp } from '../helpers/test-app.js';
import { addMember, Api, as, createProject, createUserWithCapabilities, expectError, setupTenant } from '../helpers/time-tracking.js';

describe('e2e/time-entries', () => {
  // "Now" is pinned: future checks and local days are deterministic.
  const NOW = new Date('2026-06-15T12:00:00Z');

  let t: TestApp;
  let a: Awaited<ReturnType<typeof setupTenant>>;
  let b: Awaited<ReturnType<typeof setupTenant>>;
  let ny: { userId: string; token: string };
  let billableP: { id: string };
  let internalP: { id: string };
  let hiddenP: { id: string };
  let archivedP: { id: string };
  let taskP: string;
  let taskInternal: string;
  let member: Api;

  beforeAll(async () => {
    t = await createTestApp();
    t.get(Clock).set(NOW);
    [a, b] = await Promise.all([setupTenant(t), setupTenant(t)]);
    ny = await createUserWithToken(t, { clientId: a.clientId, roleKeys: ['member'], timeZone: 'America/New_York' });
    const mgr = as(t, a.manager);
    billableP = await createProject(mgr, { name: 'Billable', billable: true });
    internalP = await createProject(mgr, { name: 'Internal', billable: false });
    hiddenP = await createProject(mgr, { name: 'Hidden' });
    archivedP = await createProject(mgr, { name: 'Archived' });
    for (const p of [billableP, internalP, archivedP]) {
      for (const u of [a.member, a.member2, ny]) await addMember(mgr, p.id, u.userId);
    }
    await mgr.delete(`/projects/${archivedP.id}`).expect(204);
    taskP = (await mgr.post('/tasks', { projectId: billableP.id, title: 'Build' }).expect(201)).body.id;
    taskInternal = (await mgr.post('/tasks', { projectId: internalP.id, title: 'Meetings' }).expect(201)).body.id;
    member = as(t, a.member);
  });
  afterAll(() => t.close());

  async function ownCount(api: Api): Promise<number> {
    const res = await api.get('/time-entries?limit=200').expect(200);
    return res.body.data.length;
  }

  describe('creating time entries', () => {
    it('creates a timed entry from startTime and endTime with the contract fields', async () => {
      const res = await member.post('/time-entries', {
        projectId: billableP.id,
        taskId: taskP,
        description: 'Coding',
        startTime: '2026-03-02T09:00:00Z',
        endTime: '2026-03-02T10:30:00Z',
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        userId: a.member.userId,
        projectId: billableP.id,
        taskId: taskP,
        description: 'Coding',
        date: '2026-03-02',
        startTime: '2026-03-02T09:00:00.000Z',
        endTime: '2026-03-02T10:30:00.000Z',
        duration: 5400,
        billable: true,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it('creates a timed entry from startTime and duration, honouring the offset', async () => {
      const res = await member
        .post('/time-entries', { projectId: billableP.id, startTime: '2026-03-03T10:00:00+02:00', duration: 1800 })
        .expect(201);
      expect(res.body).toMatchObject({
        startTime: '2026-03-03T08:00:00.000Z',
        endTime: '2026-03-03T08:30:00.000Z',
        duration: 1800,
        date: '2026-03-03',
      });
    });

    it('creates a duration-only entry from date and duration', async () => {
      const res = await member.post('/time-entries', { projectId: billableP.id, date: '2026-03-04', duration: 7200 }).expect(201);
      expect(res.body).toMatchObject({ date: '2026-03-04', startTime: null, endTime: null, duration: 7200 });
    });

    it('defaults billable from the project and lets the caller override it', async () => {
      const internal = await member
        .post('/time-entries', { projectId: internalP.id, taskId: taskInternal, date: '2026-03-05', duration: 60 })
        .expect(201);
      expect(internal.body.billable).toBe(false);
      const overridden = await member
        .post('/time-entries', { projectId: internalP.id, date: '2026-03-05', duration: 60, billable: true })
        .expect(201);
      expect(overridden.body.billable).toBe(true);
      const billable = await member.post('/time-entries', { projectId: billableP.id, date: '2026-03-05', duration: 60 }).expect(201);
      expect(billable.body.billable).toBe(true);
    });

    // Durations are exact integer seconds: instants are truncated to whole seconds.
    it('truncates sub-second times so the duration is whole seconds', async () => {
      const res = await member
        .post('/time-entries', { projectId: billableP.id, startTime: '2026-03-06T09:00:00.700Z', endTime: '2026-03-06T09:10:00.200Z' })
        .expect(201);
      expect(res.body).toMatchObject({ startTime: '2026-03-06T09:00:00.000Z', endTime: '2026-03-06T09:10:00.000Z', duration: 600 });
    });

    // `date` is the owner's local day of the start, not the UTC day.
    it("dates a timed entry by the owner's local day of its start", async () => {
      const res = await as(t, ny)
        .post('/time-entries', { projectId: billableP.id, startTime: '2026-03-07T03:30:00Z', endTime: '2026-03-07T05:00:00Z' })
        .expect(201);
      expect(res.body.date).toBe('2026-03-06');
    });

    it('accepts the boundaries: 1 s, exactly 24 h, and an entry ending right now', async () => {
      await member.post('/time-entries', { projectId: billableP.id, date: '2026-03-08', duration: 1 }).expect(201);
      await member.post('/time-entries', { projectId: billableP.id, date: '2026-03-07', duration: 86400 }).expect(201);
      await member
        .post('/time-entries', { projectId: billableP.id, startTime: '2026-03-09T00:00:00Z', endTime: '2026-03-10T00:00:00Z' })
        .expect(201);
      const now = await member
        .post('/time-entries', { projectId: billableP.id, startTime: '2026-06-15T11:00:00Z', endTime: NOW.toISOString() })
        .expect(201);
      expect(now.body.duration).toBe(3600);
    });

    it.each([
      ['no time fields at all', {}, 'startTime'],
      ['startTime alone', { startTime: '2026-03-11T09:00:00Z' }, 'endTime'],
      ['endTime alone', { endTime: '2026-03-11T09:00:00Z' }, 'startTime'],
      ['duration alone', { duration: 60 }, 'date'],
      ['date alone', { date: '2026-03-11' }, 'duration'],
      ['both endTime and duration', { startTime: '2026-03-11T09:00:00Z', endTime: '2026-03-11T10:00:00Z', duration: 3600 }, 'duration'],
      ['date with startTime', { date: '2026-03-11', startTime: '2026-03-11T09:00:00Z', duration: 60 }, 'date'],
      [
        'date with startTime and endTime',
        { date: '2026-03-11', startTime: '2026-03-11T09:00:00Z', endTime: '2026-03-11T10:00:00Z' },
        'date',
      ],
      ['endTime before startTime', { startTime: '2026-03-11T10:00:00Z', endTime: '2026-03-11T09:00:00Z' }, 'endTime'],
      ['endTime equal to startTime', { startTime: '2026-03-11T10:00:00Z', endTime: '2026-03-11T10:00:00Z' }, 'endTime'],
      ['less than a second apart', { startTime: '2026-03-11T10:00:00.100Z', endTime: '2026-03-11T10:00:00.900Z' }, 'endTime'],
      ['a zero duration', { date: '2026-03-11', duration: 0 }, 'duration'],
      ['a negative duration', { date: '2026-03-11', duration: -60 }, 'duration'],
      ['a duration over 24 h', { date: '2026-03-11', duration: 86401 }, 'duration'],
      ['a fractional duration', { date: '2026-03-11', duration: 1.5 }, 'duration'],
      ['a duration as a string', { date: '2026-03-11', duration: '60' }, 'duration'],
      ['times more than 24 h apart', { startTime: '2026-03-11T00:00:00Z', endTime: '2026-03-12T00:00:01Z' }, 'endTime'],
      ['startTime + duration over 24 h', { startTime: '2026-03-11T00:00:00Z', duration: 86401 }, 'duration'],
      ['an end in the future', { startTime: '2026-06-15T11:00:00Z', endTime: '2026-06-15T12:00:01Z' }, 'endTime'],
      ['startTime + duration ending in the future', { startTime: '2026-06-15T11:30:00Z', duration: 3600 }, 'duration'],
      ['a start in the future', { startTime: '2026-06-16T09:00:00Z', endTime: '2026-06-16T10:00:00Z' }, 'startTime'],
      ['a date after today', { date: '2026-06-16', duration: 60 }, 'date'],
      ['a time without an offset', { startTime: '2026-03-11T09:00:00', endTime: '2026-03-11T10:00:00Z' }, 'startTime'],
      ['a time that is not a date', { startTime: 'yesterday', endTime: '2026-03-11T10:00:00Z' }, 'startTime'],
      ['an impossible date', { date: '2026-02-30', duration: 60 }, 'date'],
      ['a date in another format', { date: '11.03.2026', duration: 60 }, 'date'],
      ['a null startTime', { startTime: null, date: '2026-03-11', duration: 60 }, 'startTime'],
    ])('refuses %s with 400 VALIDATION_FAILED naming the field, creating nothing', async (_name, fields, field) => {
      const before = await ownCount(member);
      const res = await member.post('/time-entries', { projectId: billableP.id, ...fields });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await ownCount(member)).toBe(before);
    });

    it('refuses unknown fields, a missing or malformed projectId, and a task of another project', async () => {
      expectError(
        await member.post('/time-entries', { projectId: billableP.id, date: '2026-03-11', duration: 60, hours: 1 }),
        400,
        'VALIDATION_FAILED',
      );
      expectError(await member.post('/time-entries', { date: '2026-03-11', duration: 60 }), 400, 'VALIDATION_FAILED');
      expectError(await member.post('/time-entries', { projectId: 'abc', date: '2026-03-11', duration: 60 }), 400, 'VALIDATION_FAILED');
      const wrongTask = await member.post('/time-entries', {
        projectId: billableP.id,
        taskId: taskInternal,
        date: '2026-03-11',
        duration: 60,
      });
      expectError(wrongTask, 400, 'VALIDATION_FAILED');
      expect(wrongTask.body.details[0].field).toBe('taskId');
      expectError(
        await member.post('/time-entries', { projectId: billableP.id, taskId: randomUUID(), date: '2026-03-11', duration: 60 }),
        400,
        'VALIDATION_FAILED',
      );
    });

    // "Today" is the owner's: at 02:00 UTC it is still yesterday in New York.
    it("judges a date against the owner's local today", async () => {
      t.get(Clock).set(new Date('2026-06-15T02:00:00Z'));
      try {
        expectError(
          await as(t, ny).post('/time-entries', { projectId: billableP.id, date: '2026-06-15', duration: 60 }),
          400,
          'VALIDATION_FAILED',
        );
        await as(t, ny).post('/time-entries', { projectId: billableP.id, date: '2026-06-14', duration: 60 }).expect(201);
        await member.post('/time-entries', { projectId: billableP.id, date: '2026-06-15', duration: 60 }).expect(201);
      } finally {
        t.get(Clock).set(NOW);
      }
    });
  });

  describe('project rules for time entries', () => {
    it('answers 404 for an unknown project and one the member does not belong to', async () => {
      expectError(await member.post('/time-entries', { projectId: randomUUID(), date: '2026-03-12', duration: 60 }), 404, 'NOT_FOUND');
      expectError(await member.post('/time-entries', { projectId: hiddenP.id, date: '2026-03-12', duration: 60 }), 404, 'NOT_FOUND');
    });

    it('refuses an archived project with 409 PROJECT_ARCHIVED', async () => {
      expectError(
        await member.post('/time-entries', { projectId: archivedP.id, date: '2026-03-12', duration: 60 }),
        409,
        'PROJECT_ARCHIVED',
      );
    });

    // A caller who can see the project but whose entry's owner is not a member: 403, not 404.
    it('refuses with 403 when the caller sees the project but is not a member and lacks write:all', async () => {
      const pm = await createUserWithCapabilities(t, a.clientId, [
        'projects:manage',
        'projects:read',
        'time-entries:write:own',
        'time-entries:read:own',
      ]);
      expectError(await as(t, pm).post('/time-entries', { projectId: hiddenP.id, date: '2026-03-12', duration: 60 }), 403, 'FORBIDDEN');
    });

    it('lets write:all holders log to any project and for another user of the client', async () => {
      const mgr = as(t, a.manager);
      const own = await mgr.post('/time-entries', { projectId: hiddenP.id, date: '2026-03-12', duration: 60 }).expect(201);
      expect(own.body.userId).toBe(a.manager.userId);
      // Logged for the New York user: the date follows the owner's time zone.
      const forOther = await mgr
        .post('/time-entries', { projectId: hiddenP.id, userId: ny.userId, startTime: '2026-03-13T02:00:00Z', duration: 600 })
        .expect(201);
      expect(forOther.body).toMatchObject({ userId: ny.userId, date: '2026-03-12' });
      const seen = await as(t, ny).get(`/time-entries/${forOther.body.id}`).expect(200);
      expect(seen.body.id).toBe(forOther.body.id);
    });

    it('refuses userId of someone else without write:all (403) and an unknown or foreign user (404)', async () => {
      expectError(
        await member.post('/time-entries', { projectId: billableP.id, userId: a.member2.userId, date: '2026-03-12', duration: 60 }),
        403,
        'FORBIDDEN',
      );
      await member
        .post('/time-entries', { projectId: billableP.id, userId: a.member.userId, date: '2026-03-12', duration: 60 })
        .expect(201);
      expectError(
        await as(t, a.manager).post('/time-entries', {
          projectId: billableP.id,
          userId: b.member.userId,
          date: '2026-03-12',
          duration: 60,
        }),
        404,
        'NOT_FOUND',
      );
      expectError(
        await as(t, a.manager).post('/time-entries', { projectId: billableP.id, userId: randomUUID(), date: '2026-03-12', duration: 60 }),
        404,
        'NOT_FOUND',
      );
    });
  });

  describe('overlap', () => {
    it('refuses an overlapping timed entry of the same user with 409 TIME_ENTRY_OVERLAP', async () => {
      await member
        .post('/time-entries', { projectId: billableP.id, startTime: '2026-04-01T09:00:00Z', endTime: '2026-04-01T10:00:00Z' })
        .expect(201);
      for (const [s, e] of [
        ['2026-04-01T09:30:00Z', '2026-04-01T10:30:00Z'],
        ['2026-04-01T08:30:00Z', '2026-04-01T09:00:01Z'],
        ['2026-04-01T09:10:00Z', '2026-04-01T09:20:00Z'],
        ['2026-04-01T08:00:00Z', '2026-04-01T11:00:00Z'],
      ]) {
        const res = await member.post('/time-entries', { projectId: internalP.id, startTime: s, endTime: e });
        expectError(res, 409, 'TIME_ENTRY_OVERLAP');
      }
    });

    it('allows touching entries, other users at the same time, and duration-only entries on the same day', async () => {
      await member
        .post('/time-entries', { projectId: billableP.id, startTime: '2026-04-02T09:00:00Z', endTime: '2026-04-02T10:00:00Z' })
        .expect(201);
      await member
        .post('/time-entries', { projectId: billableP.id, startTime: '2026-04-02T10:00:00Z', endTime: '2026-04-02T11:00:00Z' })
        .expect(201);
      await member
        .post('/time-entries', { projectId: billableP.id, startTime: '2026-04-02T08:00:00Z', endTime: '2026-04-02T09:00:00Z' })
        .expect(201);
      await as(t, a.member2)
        .post('/time-entries', { projectId: billableP.id, startTime: '2026-04-02T09:00:00Z', endTime: '2026-04-02T10:00:00Z' })
        .expect(201);
      await member.post('/time-entries', { projectId: billableP.id, date: '2026-04-02', duration: 3600 }).expect(201);
    });

    // The exclusion constraint is the guarantee, not a check before the insert.
    it('lets exactly one of many concurrent overlapping creates succeed', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          member.post('/time-entries', {
            projectId: billableP.id,
            startTime: new Date(Date.parse('2026-04-03T09:00:00Z') + i * 60_000).toISOString(),
            endTime: '2026-04-03T10:30:00Z',
          }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 201)) expectError(r, 409, 'TIME_ENTRY_OVERLAP');
      const day = await member.get('/time-entries?from=2026-04-03&to=2026-04-03').expect(200);
      expect(day.body.data).toHaveLength(1);
    });
  });

  describe('reading, changing and deleting', () => {
    let entryId: string;
    let otherId: string;

    beforeAll(async () => {
      entryId = (
        await member
          .post('/time-entries', {
            projectId: billableP.id,
            startTime: '2026-05-04T09:00:00Z',
            endTime: '2026-05-04T10:00:00Z',
            description: 'mine',
          })
          .expect(201)
      ).body.id;
      otherId = (await as(t, a.member2).post('/time-entries', { projectId: billableP.id, date: '2026-05-04', duration: 900 }).expect(201))
        .body.id;
    });

    it("answers 404 for another member's entry on read, change and delete", async () => {
      expectError(await member.get(`/time-entries/${otherId}`), 404, 'NOT_FOUND');
      expectError(await member.patch(`/time-entries/${otherId}`, { description: 'x' }), 404, 'NOT_FOUND');
      expectError(await member.delete(`/time-entries/${otherId}`), 404, 'NOT_FOUND');
      const still = await as(t, a.member2).get(`/time-entries/${otherId}`).expect(200);
      expect(still.body.description).toBeNull();
    });

    it("lets a manager read and change everyone's entries", async () => {
      await as(t, a.manager).get(`/time-entries/${otherId}`).expect(200);
      const res = await as(t, a.manager).patch(`/time-entries/${otherId}`, { description: 'checked' }).expect(200);
      expect(res.body).toMatchObject({ description: 'checked', userId: a.member2.userId });
    });

    it('lists only own entries for a member, refuses userId of someone else (403), lists all for a manager', async () => {
      const own = await member.get('/time-entries?from=2026-05-04&to=2026-05-04').expect(200);
      expect(own.body.data.map((e: { id: string }) => e.id)).toEqual([entryId]);
      expectError(await member.get(`/time-entries?userId=${a.member2.userId}`), 403, 'FORBIDDEN');
      await member.get(`/time-entries?userId=${a.member.userId}`).expect(200);
      const all = await as(t, a.manager).get('/time-entries?from=2026-05-04&to=2026-05-04').expect(200);
      expect(all.body.data.map((e: { id: string }) => e.id).sort()).toEqual([entryId, otherId].sort());
      const one = await as(t, a.manager).get(`/time-entries?from=2026-05-04&to=2026-05-04&userId=${a.member2.userId}`).expect(200);
      expect(one.body.data.map((e: { id: string }) => e.id)).toEqual([otherId]);
    });

    it('answers 404 for ids that are not UUIDs or unknown', async () => {
      expectError(await member.get('/time-entries/123'), 404, 'NOT_FOUND');
      expectError(await member.get(`/time-entries/${randomUUID()}`), 404, 'NOT_FOUND');
      expectError(await member.patch(`/time-entries/${randomUUID()}`, { description: 'x' }), 404, 'NOT_FOUND');
    });

    it('revalidates on PATCH: times, future, overlap, project and task', async () => {
      const id = (
        await member
          .post('/time-entries', { projectId: billableP.id, startTime: '2026-05-05T09:00:00Z', endTime: '2026-05-05T10:00:00Z' })
          .expect(201)
      ).body.id;
      await member
        .post('/time-entries', { projectId: billableP.id, startTime: '2026-05-05T11:00:00Z', endTime: '2026-05-05T12:00:00Z' })
        .expect(201);
      expectError(await member.patch(`/time-entries/${id}`, { endTime: '2026-05-05T08:00:00Z' }), 400, 'VALIDATION_FAILED');
      expectError(await member.patch(`/time-entries/${id}`, { endTime: '2026-06-16T08:00:00Z' }), 400, 'VALIDATION_FAILED');
      expectError(await member.patch(`/time-entries/${id}`, { duration: 90000 }), 400, 'VALIDATION_FAILED');
      expectError(await member.patch(`/time-entries/${id}`, { endTime: '2026-05-05T11:30:00Z' }), 409, 'TIME_ENTRY_OVERLAP');
      expectError(await member.patch(`/time-entries/${id}`, { date: '2026-05-06' }), 400, 'VALIDATION_FAILED');
      expectError(await member.patch(`/time-entries/${id}`, { endTime: '2026-05-05T10:00:00Z', duration: 60 }), 400, 'VALIDATION_FAILED');
      expectError(await member.patch(`/time-entries/${id}`, { projectId: archivedP.id }), 409, 'PROJECT_ARCHIVED');
      expectError(await member.patch(`/time-entries/${id}`, { projectId: hiddenP.id }), 404, 'NOT_FOUND');
      expectError(await member.patch(`/time-entries/${id}`, { taskId: taskInternal }), 400, 'VALIDATION_FAILED');
      expectError(await member.patch(`/time-entries/${id}`, { userId: a.member2.userId }), 400, 'VALIDATION_FAILED');
      const unchanged = await member.get(`/time-entries/${id}`).expect(200);
      expect(unchanged.body).toMatchObject({
        startTime: '2026-05-05T09:00:00.000Z',
        endTime: '2026-05-05T10:00:00.000Z',
        projectId: billableP.id,
        duration: 3600,
      });
    });

    it('merges PATCH time fields with the current shape', async () => {
      const id = (
        await member
          .post('/time-entries', {
            projectId: billableP.id,
            taskId: taskP,
            startTime: '2026-05-07T09:00:00Z',
            endTime: '2026-05-07T10:00:00Z',
          })
          .expect(201)
      ).body.id;
      let res = await member.patch(`/time-entries/${id}`, { endTime: '2026-05-07T10:15:00Z' }).expect(200);
      expect(res.body).toMatchObject({ startTime: '2026-05-07T09:00:00.000Z', endTime: '2026-05-07T10:15:00.000Z', duration: 4500 });
      res = await member.patch(`/time-entries/${id}`, { duration: 600 }).expect(200);
      expect(res.body).toMatchObject({ startTime: '2026-05-07T09:00:00.000Z', endTime: '2026-05-07T09:10:00.000Z', duration: 600 });
      res = await member.patch(`/time-entries/${id}`, { startTime: '2026-05-07T08:50:00Z' }).expect(200);
      expect(res.body).toMatchObject({ startTime: '2026-05-07T08:50:00.000Z', endTime: '2026-05-07T09:10:00.000Z', duration: 1200 });
      // A complete shape replaces it: now duration-only.
      res = await member.patch(`/time-entries/${id}`, { date: '2026-05-08', duration: 1800 }).expect(200);
      expect(res.body).toMatchObject({ date: '2026-05-08', startTime: null, endTime: null, duration: 1800 });
      res = await member.patch(`/time-entries/${id}`, { duration: 2400 }).expect(200);
      expect(res.body).toMatchObject({ date: '2026-05-08', duration: 2400 });
      expectError(await member.patch(`/time-entries/${id}`, { startTime: '2026-05-08T09:00:00Z' }), 400, 'VALIDATION_FAILED');
      res = await member.patch(`/time-entries/${id}`, { startTime: '2026-05-08T09:00:00Z', duration: 60 }).expect(200);
      expect(res.body).toMatchObject({
        date: '2026-05-08',
        startTime: '2026-05-08T09:00:00.000Z',
        endTime: '2026-05-08T09:01:00.000Z',
        duration: 60,
      });
      // Moving to another project: the old task does not belong there; billable follows the new project.
      expectError(await member.patch(`/time-entries/${id}`, { projectId: internalP.id }), 400, 'VALIDATION_FAILED');
      res = await member.patch(`/time-entries/${id}`, { projectId: internalP.id, taskId: null, description: null }).expect(200);
      expect(res.body).toMatchObject({ projectId: internalP.id, taskId: null, description: null, billable: false });
      res = await member.patch(`/time-entries/${id}`, { billable: true }).expect(200);
      expect(res.body.billable).toBe(true);
      expectError(await member.patch(`/time-entries/${id}`, { billable: null }), 400, 'VALIDATION_FAILED');
    });

    it('deletes: 204, then 404', async () => {
      const id = (await member.post('/time-entries', { projectId: billableP.id, date: '2026-05-09', duration: 60 }).expect(201)).body.id;
      await member.delete(`/time-entries/${id}`).expect(204);
      expectError(await member.get(`/time-entries/${id}`), 404, 'NOT_FOUND');
      expectError(await member.delete(`/time-entries/${id}`), 404, 'NOT_FOUND');
    });

    // A manager who can read but not write everyone's entries: others' entries are visible, so 403.
    it('refuses a change by someone who may read but not write the entry with 403', async () => {
      const reader = await createUserWithCapabilities(t, a.clientId, [
        'time-entries:read:all',
        'time-entries:read:own',
        'time-entries:write:own',
      ]);
      await as(t, reader).get(`/time-entries/${otherId}`).expect(200);
      expectError(await as(t, reader).patch(`/time-entries/${otherId}`, { description: 'x' }), 403, 'FORBIDDEN');
      expectError(await as(t, reader).delete(`/time-entries/${otherId}`), 403, 'FORBIDDEN');
    });
  });

  describe('listing', () => {
    let lister: { userId: string; token: string };
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      lister = await createUserWithToken(t, { clientId: a.clientId, roleKeys: ['member'] });
      await addMember(as(t, a.manager), billableP.id, lister.userId);
      await addMember(as(t, a.manager), internalP.id, lister.userId);
      const api = as(t, lister);
      const make = async (key: string, body: Record<string, unknown>) => {
        ids[key] = (await api.post('/time-entries', body).expect(201)).body.id;
      };
      await make('d1_morning', {
        projectId: billableP.id,
        taskId: taskP,
        startTime: '2026-02-10T08:00:00Z',
        endTime: '2026-02-10T09:00:00Z',
      });
      await make('d1_noon', { projectId: internalP.id, startTime: '2026-02-10T12:00:00Z', endTime: '2026-02-10T13:00:00Z' });
      await make('d1_duration', { projectId: billableP.id, date: '2026-02-10', duration: 300 });
      await make('d2', {
        projectId: internalP.id,
        taskId: taskInternal,
        startTime: '2026-02-11T08:00:00Z',
        endTime: '2026-02-11T09:00:00Z',
      });
      await make('d3', { projectId: billableP.id, date: '2026-02-12', duration: 600 });
    });

    it('orders by date desc, start desc (duration-only last in a day) and pages with a cursor', async () => {
      const api = as(t, lister);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await api.get(`/time-entries?limit=2${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.data.map((e: { id: string }) => e.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([ids.d3, ids.d2, ids.d1_noon, ids.d1_morning, ids.d1_duration]);
    });

    it('filters by inclusive date range, project, task and billable', async () => {
      const api = as(t, lister);
      const get = async (q: string) => (await api.get(`/time-entries?${q}`).expect(200)).body.data.map((e: { id: string }) => e.id);
      expect(await get('from=2026-02-11&to=2026-02-12')).toEqual([ids.d3, ids.d2]);
      expect(await get('from=2026-02-10&to=2026-02-10')).toEqual([ids.d1_noon, ids.d1_morning, ids.d1_duration]);
      expect(await get(`projectId=${internalP.id}`)).toEqual([ids.d2, ids.d1_noon]);
      expect(await get(`taskId=${taskP}`)).toEqual([ids.d1_morning]);
      expect(await get('billable=false')).toEqual([ids.d2, ids.d1_noon]);
      expect(await get('billable=true&from=2026-02-10&to=2026-02-10')).toEqual([ids.d1_morning, ids.d1_duration]);
      expectError(await api.get('/time-entries?from=2026-02-12&to=2026-02-10'), 400, 'VALIDATION_FAILED');
      expectError(await api.get('/time-entries?from=yesterday'), 400, 'VALIDATION_FAILED');
      expectError(await api.get('/time-entries?billable=1'), 400, 'VALIDATION_FAILED');
      expectError(await api.get('/time-entries?limit=500'), 400, 'VALIDATION_FAILED');
      expectError(await api.get('/time-entries?cursor=eyJ4IjoxfQ'), 400, 'VALIDATION_FAILED');
    });
  });

  describe('two clients', () => {
    // Each tenant's entries live in its own database; ids never cross.
    it("never reaches another client's entries", async () => {
      const entry = (await member.post('/time-entries', { projectId: billableP.id, date: '2026-05-20', duration: 60 }).expect(201)).body.id;
      for (const user of [b.admin, b.manager, b.member]) {
        expectError(await as(t, user).get(`/time-entries/${entry}`), 404, 'NOT_FOUND');
        expectError(await as(t, user).patch(`/time-entries/${entry}`, { description: 'x' }), 404, 'NOT_FOUND');
        expectError(await as(t, user).delete(`/time-entries/${entry}`), 404, 'NOT_FOUND');
      }
      expectError(
        await as(t, b.admin).post('/time-entries', { projectId: billableP.id, date: '2026-05-20', duration: 60 }),
        404,
        'NOT_FOUND',
      );
      const listed = await as(t, b.admin).get(`/time-entries?userId=${a.member.userId}`).expect(200);
      expect(listed.body.data).toEqual([]);
      await member.get(`/time-entries/${entry}`).expect(200);
    });
  });
});
