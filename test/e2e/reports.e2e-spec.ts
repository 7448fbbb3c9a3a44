import { randomUUID } from 'node:crypto';
import { Clock } from '../../src/common/clock.js';
import { createTestApp, createUserWithToken, TestApp, withTenant } from '../helpers/test-app.js';
import { addMember, as, createProject, expectError, parseCsv, setupTenant } from '../helpers/time-tracking.js';

describe('e2e/reports', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof setupTenant>>;
  let b: Awaited<ReturnType<typeof setupTenant>>;
  let berlin: { userId: string; token: string };
  let ny: { userId: string; token: string };
  let alpha: { id: string };
  let beta: { id: string };
  let taskA1: string;

  const RANGE = 'from=2026-03-23&to=2026-04-05';

  /**
   * Hand-computed data set (range 2026-03-23 Mon .. 2026-04-05 Sun):
   *   e1 member  Alpha/A1  03-23 09:00–11:00Z   7200 billable
   *   e2 member  Beta      03-24 duration-only   1800 non-billable
   *   e3 member  Alpha     03-30 10:00–10:30Z   1800 billable
   *   e4 member  Alpha     04-05 duration-only    600 non-billable (override)
   *   e5 berlin  Alpha/A1  03-29 01:30+01 – 03:30+02 (spring DST: 1 h) 3600 billable, date 03-29
   *   e6 berlin  Alpha     03-28 23:30+01 – 00:30+01 next day           3600 billable, date 03-28
   *   e7 ny      Beta      03-30 23:30–00:30 EDT (03:30–04:30Z on 03-31) 3600 non-billable, date 03-30
   * plus entries just outside the range and a running timer, which never count.
   */
  beforeAll(async () => {
    t = await createTestApp();
    [a, b] = await Promise.all([setupTenant(t), setupTenant(t)]);
    berlin = await createUserWithToken(t, { clientId: a.clientId, roleKeys: ['member'], timeZone: 'Europe/Berlin', name: 'Bea Berlin' });
    ny = await createUserWithToken(t, { clientId: a.clientId, roleKeys: ['member'], timeZone: 'America/New_York', name: 'Nia York' });
    const mgr = as(t, a.manager);
    alpha = await createProject(mgr, { name: 'Alpha', billable: true });
    beta = await createProject(mgr, { name: 'Beta', billable: false });
    for (const p of [alpha, beta]) for (const u of [a.member, berlin, ny]) await addMember(mgr, p.id, u.userId);
    taskA1 = (await mgr.post('/tasks', { projectId: alpha.id, title: 'A1' }).expect(201)).body.id;

    const m = as(t, a.member);
    await m
      .post('/time-entries', {
        projectId: alpha.id,
        taskId: taskA1,
        description: 'Fix "login", again',
        startTime: '2026-03-23T09:00:00Z',
        endTime: '2026-03-23T11:00:00Z',
      })
      .expect(201);
    await m.post('/time-entries', { projectId: beta.id, description: '=SUM(A1:A9)', date: '2026-03-24', duration: 1800 }).expect(201);
    await m.post('/time-entries', { projectId: alpha.id, startTime: '2026-03-30T10:00:00Z', endTime: '2026-03-30T10:30:00Z' }).expect(201);
    await m.post('/time-entries', { projectId: alpha.id, date: '2026-04-05', duration: 600, billable: false }).expect(201);
    await m.post('/time-entries', { projectId: alpha.id, date: '2026-03-22', duration: 999 }).expect(201);
    await m.post('/time-entries', { projectId: alpha.id, date: '2026-04-06', duration: 777 }).expect(201);

    const e5 = await as(t, berlin)
      .post('/time-entries', {
        projectId: alpha.id,
        taskId: taskA1,
        startTime: '2026-03-29T01:30:00+01:00',
        endTime: '2026-03-29T03:30:00+02:00',
      })
      .expect(201);
    expect(e5.body).toMatchObject({ date: '2026-03-29', duration: 3600 });
    const e6 = await as(t, berlin)
      .post('/time-entries', { projectId: alpha.id, startTime: '2026-03-28T23:30:00+01:00', endTime: '2026-03-29T00:30:00+01:00' })
      .expect(201);
    expect(e6.body).toMatchObject({ date: '2026-03-28', duration: 3600 });
    const e7 = await as(t, ny)
      .post('/time-entries', { projectId: beta.id, startTime: '2026-03-30T23:30:00-04:00', endTime: '2026-03-31T00:30:00-04:00' })
      .expect(201);
    expect(e7.body).toMatchObject({ date: '2026-03-30', duration: 3600 });

    // A running timer inside the range: reports leave it out.
    t.get(Clock).set(new Date('2026-04-01T12:00:00Z'));
    await m.post('/time-entries/start', { projectId: alpha.id }).expect(201);
    t.get(Clock).set(null);
  });
  afterAll(() => t.close());

  async function summary(user: { token: string }, query: string) {
    const res = await as(t, user).get(`/reports/summary?${query}`);
    if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  describe('report summary', () => {
    it('groups by project with totals computed by hand', async () => {
      const r = await summary(a.manager, `${RANGE}&groupBy=project`);
      expect(r).toEqual({
        from: '2026-03-23',
        to: '2026-04-05',
        groupBy: 'project',
        totalSeconds: 22200,
        billableSeconds: 16200,
        groups: [
          { key: alpha.id, label: 'Alpha', totalSeconds: 16800, billableSeconds: 16200 },
          { key: beta.id, label: 'Beta', totalSeconds: 5400, billableSeconds: 0 },
        ],
      });
    });

    it('groups by task, with time without a task under key null "(no task)"', async () => {
      const r = await summary(a.manager, `${RANGE}&groupBy=task`);
      expect(r.totalSeconds).toBe(22200);
      expect(r.groups).toEqual([
        { key: null, label: '(no task)', totalSeconds: 11400, billableSeconds: 5400 },
        { key: taskA1, label: 'A1', totalSeconds: 10800, billableSeconds: 10800 },
      ]);
    });

    it("groups by user, labelled with the users' names", async () => {
      const r = await summary(a.manager, `${RANGE}&groupBy=user`);
      expect(r.groups).toEqual([
        { key: a.member.userId, label: 'Mia Member', totalSeconds: 11400, billableSeconds: 9000 },
        { key: berlin.userId, label: 'Bea Berlin', totalSeconds: 7200, billableSeconds: 7200 },
        { key: ny.userId, label: 'Nia York', totalSeconds: 3600, billableSeconds: 0 },
      ]);
    });

    // Days are the owner's local days: the DST night and the New York late entry count where their owners lived them.
    it("groups by the entries' local day, across DST and midnight in other zones", async () => {
      const r = await summary(a.manager, `${RANGE}&groupBy=day`);
      expect(r.groups).toEqual([
        { key: '2026-03-23', label: '2026-03-23', totalSeconds: 7200, billableSeconds: 7200 },
        { key: '2026-03-24', label: '2026-03-24', totalSeconds: 1800, billableSeconds: 0 },
        { key: '2026-03-28', label: '2026-03-28', totalSeconds: 3600, billableSeconds: 3600 },
        { key: '2026-03-29', label: '2026-03-29', totalSeconds: 3600, billableSeconds: 3600 },
        { key: '2026-03-30', label: '2026-03-30', totalSeconds: 5400, billableSeconds: 1800 },
        { key: '2026-04-05', label: '2026-04-05', totalSeconds: 600, billableSeconds: 0 },
      ]);
      expect(r.totalSeconds).toBe(22200);
    });

    it('groups by ISO week, keyed by its Monday', async () => {
      const r = await summary(a.manager, `${RANGE}&groupBy=week`);
      expect(r.groups).toEqual([
        { key: '2026-03-23', label: 'Week of 2026-03-23', totalSeconds: 16200, billableSeconds: 14400 },
        { key: '2026-03-30', label: 'Week of 2026-03-30', totalSeconds: 6000, billableSeconds: 1800 },
      ]);
    });

    it('includes both range ends and nothing outside them', async () => {
      const r = await summary(a.manager, 'from=2026-03-22&to=2026-03-22&groupBy=day');
      expect(r.groups).toEqual([{ key: '2026-03-22', label: '2026-03-22', totalSeconds: 999, billableSeconds: 999 }]);
      const single = await summary(a.manager, 'from=2026-04-05&to=2026-04-05');
      expect(single.totalSeconds).toBe(600);
      const empty = await summary(a.manager, 'from=2025-01-01&to=2025-01-31&groupBy=week');
      expect(empty).toMatchObject({ totalSeconds: 0, billableSeconds: 0, groups: [] });
    });

    it('filters by project, user and billable', async () => {
      expect((await summary(a.manager, `${RANGE}&projectId=${beta.id}`)).totalSeconds).toBe(5400);
      expect((await summary(a.manager, `${RANGE}&userId=${berlin.userId}`)).totalSeconds).toBe(7200);
      const billable = await summary(a.manager, `${RANGE}&billable=true`);
      expect(billable).toMatchObject({ totalSeconds: 16200, billableSeconds: 16200 });
    });

    // A DST change in autumn: 02:30 CEST to 02:30 CET is one hour, and a Berlin 00:15 start on the 25th is the 25th though still the 24th in UTC.
    it('counts the autumn DST night in Berlin by local days', async () => {
      const api = as(t, berlin);
      await api
        .post('/time-entries', { projectId: alpha.id, startTime: '2026-10-24T23:00:00+02:00', endTime: '2026-10-24T23:30:00+02:00' })
        .expect(201);
      const late = await api
        .post('/time-entries', { projectId: alpha.id, startTime: '2026-10-24T22:15:00Z', endTime: '2026-10-24T22:45:00Z' })
        .expect(201);
      expect(late.body.date).toBe('2026-10-25');
      const dst = await api
        .post('/time-entries', { projectId: alpha.id, startTime: '2026-10-25T02:30:00+02:00', endTime: '2026-10-25T02:30:00+01:00' })
        .expect(201);
      expect(dst.body).toMatchObject({ date: '2026-10-25', duration: 3600 });
      const days = await summary(berlin, 'from=2026-10-24&to=2026-10-25&groupBy=day');
      expect(days.groups).toEqual([
        { key: '2026-10-24', label: '2026-10-24', totalSeconds: 1800, billableSeconds: 1800 },
        { key: '2026-10-25', label: '2026-10-25', totalSeconds: 5400, billableSeconds: 5400 },
      ]);
      const week = await summary(berlin, 'from=2026-10-19&to=2026-10-25&groupBy=week');
      expect(week.groups).toEqual([{ key: '2026-10-19', label: 'Week of 2026-10-19', totalSeconds: 7200, billableSeconds: 7200 }]);
    });

    it("gives members their own time only and refuses another user's (403)", async () => {
      const own = await summary(a.member, `${RANGE}&groupBy=user`);
      expect(own).toMatchObject({ totalSeconds: 11400, billableSeconds: 9000 });
      expect(own.groups.map((g: { key: string }) => g.key)).toEqual([a.member.userId]);
      expect((await summary(a.member, `${RANGE}&userId=${a.member.userId}`)).totalSeconds).toBe(11400);
      expectError(await as(t, a.member).get(`/reports/summary?${RANGE}&userId=${berlin.userId}`), 403, 'FORBIDDEN');
      const nyOwn = await summary(ny, `${RANGE}&groupBy=day`);
      expect(nyOwn.groups).toEqual([{ key: '2026-03-30', label: '2026-03-30', totalSeconds: 3600, billableSeconds: 0 }]);
    });

    it("defaults to groupBy=project over the caller's current ISO week", async () => {
      t.get(Clock).set(new Date('2026-03-25T12:00:00Z'));
      try {
        const r = await summary(a.member, '');
        expect(r).toMatchObject({ from: '2026-03-23', to: '2026-03-29', groupBy: 'project', totalSeconds: 9000 });
        const fromOnly = await summary(a.member, 'from=2026-03-30');
        expect(fromOnly).toMatchObject({ from: '2026-03-30', to: '2026-04-05', totalSeconds: 2400 });
      } finally {
        t.get(Clock).set(null);
      }
    });

    it('rejects bad parameters with 400 VALIDATION_FAILED', async () => {
      for (const q of [
        'groupBy=month',
        'from=2026-04-05&to=2026-03-23',
        'from=march',
        'to=2026-02-30',
        'userId=me',
        'projectId=1',
        'billable=yes',
        'extra=1',
      ]) {
        expectError(await as(t, a.manager).get(`/reports/summary?${q}`), 400, 'VALIDATION_FAILED');
      }
    });

    it("shows nothing of another client's time", async () => {
      const r = await summary(b.manager, `${RANGE}&userId=${a.member.userId}`);
      expect(r).toMatchObject({ totalSeconds: 0, groups: [] });
      const all = await summary(b.admin, `${RANGE}&groupBy=user`);
      expect(all.groups).toEqual([]);
    });
  });

  describe('CSV export', () => {
    const HEADER = ['date', 'user', 'project', 'task', 'description', 'start', 'end', 'duration_seconds', 'billable'];

    it('streams every entry of the range as CSV, chronological, with a header, quoting and formula guarding', async () => {
      const res = await as(t, a.manager).get(`/reports/time-entries.csv?${RANGE}`).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toBe('attachment; filename="time-entries_2026-03-23_2026-04-05.csv"');
      const rows = parseCsv(res.text);
      expect(rows[0]).toEqual(HEADER);
      expect(rows.slice(1)).toEqual([
        [
          '2026-03-23',
          'Mia Member',
          'Alpha',
          'A1',
          'Fix "login", again',
          '2026-03-23T09:00:00.000Z',
          '2026-03-23T11:00:00.000Z',
          '7200',
          'true',
        ],
        ['2026-03-24', 'Mia Member', 'Beta', '', "'=SUM(A1:A9)", '', '', '1800', 'false'],
        ['2026-03-28', 'Bea Berlin', 'Alpha', '', '', '2026-03-28T22:30:00.000Z', '2026-03-28T23:30:00.000Z', '3600', 'true'],
        ['2026-03-29', 'Bea Berlin', 'Alpha', 'A1', '', '2026-03-29T00:30:00.000Z', '2026-03-29T01:30:00.000Z', '3600', 'true'],
        ['2026-03-30', 'Mia Member', 'Alpha', '', '', '2026-03-30T10:00:00.000Z', '2026-03-30T10:30:00.000Z', '1800', 'true'],
        ['2026-03-30', 'Nia York', 'Beta', '', '', '2026-03-31T03:30:00.000Z', '2026-03-31T04:30:00.000Z', '3600', 'false'],
        ['2026-04-05', 'Mia Member', 'Alpha', '', '', '', '', '600', 'false'],
      ]);
    });

    it("exports a member's own entries only and refuses another user's with a JSON 403", async () => {
      const res = await as(t, ny).get(`/reports/time-entries.csv?${RANGE}`).expect(200);
      const rows = parseCsv(res.text);
      expect(rows.slice(1).map((r) => r[1])).toEqual(['Nia York']);
      const refused = await as(t, a.member).get(`/reports/time-entries.csv?${RANGE}&userId=${berlin.userId}`);
      expectError(refused, 403, 'FORBIDDEN');
      expect(refused.headers['content-type']).toMatch(/json/);
      expectError(await as(t, a.member).get('/reports/time-entries.csv?from=2026-13-01'), 400, 'VALIDATION_FAILED');
      const filtered = await as(t, a.manager).get(`/reports/time-entries.csv?${RANGE}&projectId=${beta.id}&billable=false`).expect(200);
      expect(
        parseCsv(filtered.text)
          .slice(1)
          .map((r) => r[2]),
      ).toEqual(['Beta', 'Beta']);
    });

    // Rows are read in keyset batches; ties on date and start (duration-only entries) must neither repeat nor drop rows.
    it('exports thousands of rows across batches with sums matching the SQL summary', async () => {
      const bulkUser = await createUserWithToken(t, { clientId: a.clientId, roleKeys: ['member'], name: 'Bulk User' });
      const data = [];
      for (let i = 0; i < 1300; i++) {
        const day = `2026-01-${String(1 + (i % 5)).padStart(2, '0')}`;
        if (i % 3 === 0) {
          const start = new Date(Date.parse(`${day}T00:00:00Z`) + (i / 3) * 60_000);
          data.push({
            id: randomUUID(),
            userId: bulkUser.userId,
            projectId: alpha.id,
            date: new Date(`${day}T00:00:00Z`),
            startTime: start,
            endTime: new Date(start.getTime() + 30_000),
            duration: 30,
            billable: true,
          });
        } else {
          data.push({
            id: randomUUID(),
            userId: bulkUser.userId,
            projectId: beta.id,
            date: new Date(`${day}T00:00:00Z`),
            duration: 1 + (i % 100),
            billable: false,
          });
        }
      }
      const bulk = data;
      await withTenant(t, a.clientId, (db) => db.timeEntry.createMany({ data: bulk }));
      const q = `from=2026-01-01&to=2026-01-31&userId=${bulkUser.userId}`;
      const res = await as(t, a.manager).get(`/reports/time-entries.csv?${q}`).expect(200);
      const rows = parseCsv(res.text).slice(1);
      expect(rows).toHaveLength(1300);
      const sum = rows.reduce((s, r) => s + Number(r[7]), 0);
      const report = await summary(a.manager, `${q}&groupBy=day`);
      expect(sum).toBe(report.totalSeconds);
      expect(report.totalSeconds).toBe(data.reduce((s, d) => s + d.duration, 0));
      const dates = rows.map((r) => r[0]);
      expect([...dates].sort()).toEqual(dates);
    });
  });
});
