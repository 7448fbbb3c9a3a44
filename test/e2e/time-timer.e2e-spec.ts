import { Clock } from '../../src/common/clock.js';
import { createTestApp, createUserWithToken, TestApp } from '../helpers/test-app.js';
import { addMember, as, createProject, expectError, setupTenant } from '../helpers/time-tracking.js';

describe('e2e/time-timer', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof setupTenant>>;
  let projectId: string;
  let internalId: string;
  let clock: Clock;

  async function newMember(timeZone?: string) {
    const u = await createUserWithToken(t, { clientId: a.clientId, roleKeys: ['member'], timeZone });
    await addMember(as(t, a.manager), projectId, u.userId);
    await addMember(as(t, a.manager), internalId, u.userId);
    return u;
  }

  beforeAll(async () => {
    t = await createTestApp();
    clock = t.get(Clock);
    a = await setupTenant(t);
    projectId = (await createProject(as(t, a.manager), { name: 'Timer Project', billable: true })).id;
    internalId = (await createProject(as(t, a.manager), { name: 'Timer Internal', billable: false })).id;
  });
  afterEach(() => clock.set(null));
  afterAll(() => t.close());

  describe('timers', () => {
    it('starts a timer now (whole seconds), shows it as running, stops it with its duration', async () => {
      const u = await newMember();
      const api = as(t, u);
      clock.set(new Date('2026-06-10T09:00:00.750Z'));
      const started = await api.post('/time-entries/start', { projectId, description: 'Focus' }).expect(201);
      expect(started.body).toMatchObject({
        userId: u.userId,
        projectId,
        taskId: null,
        description: 'Focus',
        date: '2026-06-10',
        startTime: '2026-06-10T09:00:00.000Z',
        endTime: null,
        duration: null,
        billable: true,
      });
      const running = await api.get('/time-entries/running').expect(200);
      expect(running.body).toEqual(started.body);

      clock.set(new Date('2026-06-10T09:25:30.999Z'));
      const stopped = await api.post('/time-entries/stop').expect(200);
      expect(stopped.body).toMatchObject({
        id: started.body.id,
        startTime: '2026-06-10T09:00:00.000Z',
        endTime: '2026-06-10T09:25:30.000Z',
        duration: 1530,
      });

      const none = await api.get('/time-entries/running');
      expect(none.status).toBe(204);
      expect(none.text).toBe('');
      expectError(await api.post('/time-entries/stop'), 404, 'NO_RUNNING_TIMER');
    });

    it('refuses a second running timer with 409 TIMER_ALREADY_RUNNING', async () => {
      const u = await newMember();
      clock.set(new Date('2026-06-10T10:00:00Z'));
      await as(t, u).post('/time-entries/start', { projectId }).expect(201);
      clock.set(new Date('2026-06-10T10:05:00Z'));
      expectError(await as(t, u).post('/time-entries/start', { projectId: internalId }), 409, 'TIMER_ALREADY_RUNNING');
      // Another user is independent.
      const other = await newMember();
      await as(t, other).post('/time-entries/start', { projectId }).expect(201);
    });

    // The partial unique index holds the rule, even when requests race.
    it('lets exactly one of 20 concurrent starts for one user win; the rest get TIMER_ALREADY_RUNNING', async () => {
      const u = await newMember();
      clock.set(new Date('2026-06-10T11:00:00Z'));
      const results = await Promise.all(Array.from({ length: 20 }, () => as(t, u).post('/time-entries/start', { projectId })));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      for (const r of results.filter((x) => x.status !== 201)) expectError(r, 409, 'TIMER_ALREADY_RUNNING');
      const list = await as(t, u).get('/time-entries').expect(200);
      expect(list.body.data).toHaveLength(1);
    });

    it('lets exactly one of two concurrent stops succeed; the other gets NO_RUNNING_TIMER', async () => {
      const u = await newMember();
      clock.set(new Date('2026-06-10T12:00:00Z'));
      await as(t, u).post('/time-entries/start', { projectId }).expect(201);
      clock.set(new Date('2026-06-10T12:10:00Z'));
      const results = await Promise.all([as(t, u).post('/time-entries/stop'), as(t, u).post('/time-entries/stop')]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 404]);
      expectError(
        results.find((r) => r.status === 404)!,
        404,
        'NO_RUNNING_TIMER',
      );
    });

    // An entry is 1 s to 24 h: a timer stopped within its first second still records 1 s.
    it('records at least one second when stopped at once', async () => {
      const u = await newMember();
      clock.set(new Date('2026-06-10T13:00:00.100Z'));
      await as(t, u).post('/time-entries/start', { projectId }).expect(201);
      clock.set(new Date('2026-06-10T13:00:00.900Z'));
      const stopped = await as(t, u).post('/time-entries/stop').expect(200);
      expect(stopped.body).toMatchObject({ startTime: '2026-06-10T13:00:00.000Z', endTime: '2026-06-10T13:00:01.000Z', duration: 1 });
    });

    // A timer stopped within its first second ends a second after it started (just after now). The next start
    // within that second begins where that entry ends; it must not be a 409 TIME_ENTRY_OVERLAP.
    it('starts the next timer where one stopped within its first second ended: start, stop, start, stop, start in one second', async () => {
      const u = await newMember();
      const api = as(t, u);
      clock.set(new Date('2026-06-10T12:00:00.200Z'));
      const stopped: { startTime: string; endTime: string; duration: number }[] = [];
      for (let i = 0; i < 2; i++) {
        await api.post('/time-entries/start', { projectId }).expect(201);
        stopped.push((await api.post('/time-entries/stop').expect(200)).body);
      }
      const third = await api.post('/time-entries/start', { projectId }).expect(201);
      expect(stopped.map((e) => [e.startTime, e.endTime, e.duration])).toEqual([
        ['2026-06-10T12:00:00.000Z', '2026-06-10T12:00:01.000Z', 1],
        ['2026-06-10T12:00:01.000Z', '2026-06-10T12:00:02.000Z', 1],
      ]);
      expect(third.body.startTime).toBe('2026-06-10T12:00:02.000Z');
      expect((await api.get('/time-entries/running').expect(200)).body.id).toBe(third.body.id);
      // A second later the timer is stopped normally.
      clock.set(new Date('2026-06-10T12:00:05.000Z'));
      expect((await api.post('/time-entries/stop').expect(200)).body).toMatchObject({ endTime: '2026-06-10T12:00:05.000Z', duration: 3 });
    });

    // A forgotten timer cannot produce an entry over the 24 h limit: it stops at start + 24 h.
    it('stops a timer left running over 24 h at start + 24 h', async () => {
      const u = await newMember();
      clock.set(new Date('2026-06-01T08:00:00Z'));
      await as(t, u).post('/time-entries/start', { projectId }).expect(201);
      clock.set(new Date('2026-06-03T17:00:00Z'));
      const stopped = await as(t, u).post('/time-entries/stop').expect(200);
      expect(stopped.body).toMatchObject({ startTime: '2026-06-01T08:00:00.000Z', endTime: '2026-06-02T08:00:00.000Z', duration: 86400 });
    });

    // The exclusion constraint treats a running timer as reaching to infinity.
    it('counts a running timer for overlap', async () => {
      const u = await newMember();
      const api = as(t, u);
      clock.set(new Date('2026-06-10T14:00:00Z'));
      await api.post('/time-entries/start', { projectId }).expect(201);
      clock.set(new Date('2026-06-10T15:00:00Z'));
      expectError(
        await api.post('/time-entries', { projectId, startTime: '2026-06-10T13:30:00Z', endTime: '2026-06-10T14:30:00Z' }),
        409,
        'TIME_ENTRY_OVERLAP',
      );
      expectError(
        await api.post('/time-entries', { projectId, startTime: '2026-06-10T14:10:00Z', endTime: '2026-06-10T14:20:00Z' }),
        409,
        'TIME_ENTRY_OVERLAP',
      );
      await api.post('/time-entries', { projectId, startTime: '2026-06-10T13:00:00Z', endTime: '2026-06-10T14:00:00Z' }).expect(201);
      await api.post('/time-entries', { projectId, date: '2026-06-10', duration: 600 }).expect(201);
    });

    it('refuses to start a timer that would overlap a finished entry ending later (TIME_ENTRY_OVERLAP)', async () => {
      const u = await newMember();
      const api = as(t, u);
      clock.set(new Date('2026-06-10T16:00:00Z'));
      await api.post('/time-entries', { projectId, startTime: '2026-06-10T15:00:00Z', endTime: '2026-06-10T16:00:00Z' }).expect(201);
      // The clock went backwards (e.g. a corrected system clock): the entry ends after "now".
      clock.set(new Date('2026-06-10T15:30:00Z'));
      expectError(await api.post('/time-entries/start', { projectId }), 409, 'TIME_ENTRY_OVERLAP');
    });

    it('applies the project rules and validates the body', async () => {
      const u = await newMember();
      const api = as(t, u);
      const hidden = await createProject(as(t, a.manager), { name: 'Timer Hidden' });
      const archived = await createProject(as(t, a.manager), { name: 'Timer Archived' });
      await addMember(as(t, a.manager), archived.id, u.userId);
      await as(t, a.manager).delete(`/projects/${archived.id}`).expect(204);
      const otherTask = (await as(t, a.manager).post('/tasks', { projectId: internalId, title: 'Other' }).expect(201)).body.id;
      expectError(await api.post('/time-entries/start', { projectId: hidden.id }), 404, 'NOT_FOUND');
      expectError(await api.post('/time-entries/start', { projectId: archived.id }), 409, 'PROJECT_ARCHIVED');
      expectError(await api.post('/time-entries/start', { projectId, taskId: otherTask }), 400, 'VALIDATION_FAILED');
      expectError(await api.post('/time-entries/start', { projectId, startTime: '2026-06-10T09:00:00Z' }), 400, 'VALIDATION_FAILED');
      expectError(await api.post('/time-entries/start', {}), 400, 'VALIDATION_FAILED');
      expect((await api.get('/time-entries/running')).status).toBe(204);
      const internal = await api.post('/time-entries/start', { projectId: internalId, taskId: otherTask }).expect(201);
      expect(internal.body).toMatchObject({ billable: false, taskId: otherTask });
    });

    it("dates a timer by the user's local day", async () => {
      const u = await newMember('America/New_York');
      clock.set(new Date('2026-06-15T02:00:00Z'));
      const started = await as(t, u).post('/time-entries/start', { projectId }).expect(201);
      expect(started.body.date).toBe('2026-06-14');
    });

    it("keeps timers per user: another user's timer is neither shown nor stopped", async () => {
      const u1 = await newMember();
      const u2 = await newMember();
      clock.set(new Date('2026-06-11T09:00:00Z'));
      const started = await as(t, u1).post('/time-entries/start', { projectId }).expect(201);
      expect((await as(t, u2).get('/time-entries/running')).status).toBe(204);
      expectError(await as(t, u2).post('/time-entries/stop'), 404, 'NO_RUNNING_TIMER');
      expectError(await as(t, u2).get(`/time-entries/${started.body.id}`), 404, 'NOT_FOUND');
      await as(t, u1).get('/time-entries/running').expect(200);
    });

    it('stops a timer whose project was archived meanwhile, and lets a running timer be deleted', async () => {
      const u = await newMember();
      const p = await createProject(as(t, a.manager), { name: 'Timer Soon Archived' });
      await addMember(as(t, a.manager), p.id, u.userId);
      clock.set(new Date('2026-06-12T09:00:00Z'));
      await as(t, u).post('/time-entries/start', { projectId: p.id }).expect(201);
      await as(t, a.manager).delete(`/projects/${p.id}`).expect(204);
      clock.set(new Date('2026-06-12T09:30:00Z'));
      const stopped = await as(t, u).post('/time-entries/stop').expect(200);
      expect(stopped.body.duration).toBe(1800);

      const again = await as(t, u).post('/time-entries/start', { projectId }).expect(201);
      await as(t, u).delete(`/time-entries/${again.body.id}`).expect(204);
      expect((await as(t, u).get('/time-entries/running')).status).toBe(204);
      await as(t, u).post('/time-entries/start', { projectId }).expect(201);
    });

    it('moves the start of a running timer with PATCH and keeps it running', async () => {
      const u = await newMember();
      clock.set(new Date('2026-06-13T09:00:00Z'));
      const started = await as(t, u).post('/time-entries/start', { projectId }).expect(201);
      const moved = await as(t, u).patch(`/time-entries/${started.body.id}`, { startTime: '2026-06-13T08:45:00Z' }).expect(200);
      expect(moved.body).toMatchObject({ startTime: '2026-06-13T08:45:00.000Z', endTime: null, duration: null });
      expectError(
        await as(t, u).patch(`/time-entries/${started.body.id}`, { startTime: '2026-06-13T09:05:00Z' }),
        400,
        'VALIDATION_FAILED',
      );
      clock.set(new Date('2026-06-13T10:00:00Z'));
      const stopped = await as(t, u).post('/time-entries/stop').expect(200);
      expect(stopped.body.duration).toBe(4500);
    });
  });
});
