import { createTestApp, TestApp } from '../helpers/test-app.js';
import { addMember, as, createProject, expectError, setupTenant } from '../helpers/time-tracking.js';
import { Clock } from '../../src/common/clock.js';

let t: TestApp;
let tenant: Awaited<ReturnType<typeof setupTenant>>;
let projectId: string;

beforeAll(async () => {
  t = await createTestApp();
  tenant = await setupTenant(t);
  const p = await createProject(as(t, tenant.manager), { billable: true });
  projectId = p.id;
  await addMember(as(t, tenant.manager), projectId, tenant.member.userId);
});
afterAll(() => t.close());

describe('smoke', () => {
  it('creates a timed entry', async () => {
    const res = await as(t, tenant.member).post('/time-entries', { projectId, startTime: '2026-03-02T09:00:00Z', endTime: '2026-03-02T10:00:00Z' });
    expect(res.status).toBe(201);
    expect(res.body.duration).toBe(3600);
  });
  it('refuses overlap', async () => {
    const res = await as(t, tenant.member).post('/time-entries', { projectId, startTime: '2026-03-02T09:30:00Z', endTime: '2026-03-02T10:30:00Z' });
    expectError(res, 409, 'TIME_ENTRY_OVERLAP');
  });
  it('timer', async () => {
    t.get(Clock).set(null);
    const a = await as(t, tenant.member).post('/time-entries/start', { projectId });
    expect(a.status).toBe(201);
    const b = await as(t, tenant.member).post('/time-entries/start', { projectId });
    expectError(b, 409, 'TIMER_ALREADY_RUNNING');
    const csv = await as(t, tenant.member).get('/reports/time-entries.csv?from=2026-03-01&to=2026-03-31');
    console.log(csv.status, csv.headers, csv.text);
    const sum = await as(t, tenant.member).get('/reports/summary?from=2026-03-01&to=2026-03-31&groupBy=week');
    console.log(JSON.stringify(sum.body));
  });
});
