import type { Response } from 'supertest';
import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../helpers/test-app.js';
import { addMember, as, createProject, expectError, setupTenant } from '../helpers/time-tracking.js';

describe('e2e/tasks', () => {
  let t: TestApp;
  let a: Awaited<ReturnType<typeof setupTenant>>;
  let b: Awaited<ReturnType<typeof setupTenant>>;
  let mine: { id: string };
  let hidden: { id: string };

  beforeAll(async () => {
    t = await createTestApp();
    [a, b] = await Promise.all([setupTenant(t), setupTenant(t)]);
    mine = await createProject(as(t, a.manager), { name: 'Tasks Mine' });
    hidden = await createProject(as(t, a.manager), { name: 'Tasks Hidden' });
    await addMember(as(t, a.manager), mine.id, a.member.userId);
  });
  afterAll(() => t.close());

  describe('tasks', () => {
    it('creates a task with the contract fields and defaults', async () => {
      const res = await as(t, a.manager).post('/tasks', {
        projectId: mine.id,
        title: 'Design',
        assigneeId: a.member.userId,
        dueDate: '2026-04-30',
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        projectId: mine.id,
        title: 'Design',
        description: null,
        status: 'todo',
        assigneeId: a.member.userId,
        dueDate: '2026-04-30',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it('rejects bad input with 400 VALIDATION_FAILED', async () => {
      const cases: Record<string, unknown>[] = [
        { title: 'no project' },
        { projectId: 'nope', title: 'x' },
        { projectId: mine.id },
        { projectId: mine.id, title: '' },
        { projectId: mine.id, title: 'x', status: 'blocked' },
        { projectId: mine.id, title: 'x', dueDate: '2026-02-30' },
        { projectId: mine.id, title: 'x', dueDate: '30.04.2026' },
        { projectId: mine.id, title: 'x', assigneeId: 'me' },
        { projectId: mine.id, title: 'x', extra: true },
      ];
      for (const body of cases) expectError(await as(t, a.manager).post('/tasks', body), 400, 'VALIDATION_FAILED');
    });

    it('refuses an assignee outside the client or unknown, and an unknown project, with 404', async () => {
      expectError(await as(t, a.manager).post('/tasks', { projectId: mine.id, title: 'x', assigneeId: b.member.userId }), 404, 'NOT_FOUND');
      expectError(await as(t, a.manager).post('/tasks', { projectId: mine.id, title: 'x', assigneeId: randomUUID() }), 404, 'NOT_FOUND');
      expectError(await as(t, a.manager).post('/tasks', { projectId: randomUUID(), title: 'x' }), 404, 'NOT_FOUND');
    });

    it('refuses a task on an archived project with 409 PROJECT_ARCHIVED', async () => {
      const p = await createProject(as(t, a.manager), { name: 'Tasks Archived' });
      await as(t, a.manager).delete(`/projects/${p.id}`).expect(204);
      expectError(await as(t, a.manager).post('/tasks', { projectId: p.id, title: 'x' }), 409, 'PROJECT_ARCHIVED');
    });

    it('lets members read tasks of their projects only and refuses their writes with 403', async () => {
      const visible = await as(t, a.manager).post('/tasks', { projectId: mine.id, title: 'Visible' }).expect(201);
      const invisible = await as(t, a.manager).post('/tasks', { projectId: hidden.id, title: 'Invisible' }).expect(201);
      await as(t, a.member).get(`/tasks/${visible.body.id}`).expect(200);
      expectError(await as(t, a.member).get(`/tasks/${invisible.body.id}`), 404, 'NOT_FOUND');
      const list = await as(t, a.member).get('/tasks?limit=200').expect(200);
      const ids = list.body.data.map((x: { id: string }) => x.id);
      expect(ids).toContain(visible.body.id);
      expect(ids).not.toContain(invisible.body.id);
      expect(list.body.data.every((x: { projectId: string }) => x.projectId === mine.id)).toBe(true);
      const hiddenList = await as(t, a.member).get(`/tasks?projectId=${hidden.id}`).expect(200);
      expect(hiddenList.body.data).toEqual([]);

      expectError(await as(t, a.member).post('/tasks', { projectId: mine.id, title: 'x' }), 403, 'FORBIDDEN');
      expectError(await as(t, a.member).patch(`/tasks/${visible.body.id}`, { title: 'x' }), 403, 'FORBIDDEN');
      expectError(await as(t, a.member).delete(`/tasks/${visible.body.id}`), 403, 'FORBIDDEN');
    });

    it('filters by projectId, status and assigneeId and paginates', async () => {
      const p = await createProject(as(t, a.manager), { name: 'Tasks Filter' });
      const made: string[] = [];
      for (const [i, status] of (['todo', 'in_progress', 'done', 'todo', 'todo'] as const).entries()) {
        const res = await as(t, a.manager)
          .post('/tasks', { projectId: p.id, title: `F${i}`, status, assigneeId: i % 2 === 0 ? a.member2.userId : null })
          .expect(201);
        made.push(res.body.id);
      }
      const todo = await as(t, a.manager).get(`/tasks?projectId=${p.id}&status=todo`).expect(200);
      expect(todo.body.data.map((x: { title: string }) => x.title)).toEqual(['F0', 'F3', 'F4']);
      const assigned = await as(t, a.manager).get(`/tasks?projectId=${p.id}&assigneeId=${a.member2.userId}`).expect(200);
      expect(assigned.body.data.map((x: { title: string }) => x.title)).toEqual(['F0', 'F2', 'F4']);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await as(t, a.manager)
          .get(`/tasks?projectId=${p.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .expect(200);
        seen.push(...res.body.data.map((x: { id: string }) => x.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(made);
      expectError(await as(t, a.manager).get('/tasks?status=blocked'), 400, 'VALIDATION_FAILED');
      expectError(await as(t, a.manager).get('/tasks?projectId=abc'), 400, 'VALIDATION_FAILED');
    });

    it('changes a task with PATCH and clears nullable fields with null', async () => {
      const task = await as(t, a.manager)
        .post('/tasks', { projectId: mine.id, title: 'Patch', assigneeId: a.member.userId, dueDate: '2026-05-01' })
        .expect(201);
      const res = await as(t, a.manager)
        .patch(`/tasks/${task.body.id}`, { status: 'in_progress', assigneeId: null, dueDate: null, description: 'desc' })
        .expect(200);
      expect(res.body).toMatchObject({ status: 'in_progress', assigneeId: null, dueDate: null, description: 'desc', title: 'Patch' });
      expectError(await as(t, a.manager).patch(`/tasks/${task.body.id}`, { title: null }), 400, 'VALIDATION_FAILED');
      expectError(await as(t, a.manager).patch(`/tasks/${task.body.id}`, { status: null }), 400, 'VALIDATION_FAILED');
      expectError(await as(t, a.manager).patch(`/tasks/${task.body.id}`, { projectId: hidden.id }), 400, 'VALIDATION_FAILED');
      expectError(await as(t, a.manager).patch(`/tasks/${task.body.id}`, { assigneeId: b.admin.userId }), 404, 'NOT_FOUND');
    });

    it('hard-deletes a task: 204, then 404; its time entries keep their time without the task', async () => {
      const task = await as(t, a.manager).post('/tasks', { projectId: mine.id, title: 'Delete me' }).expect(201);
      const entry = await as(t, a.member)
        .post('/time-entries', { projectId: mine.id, taskId: task.body.id, date: '2026-03-10', duration: 600 })
        .expect(201);
      await as(t, a.manager).delete(`/tasks/${task.body.id}`).expect(204);
      expectError(await as(t, a.manager).get(`/tasks/${task.body.id}`), 404, 'NOT_FOUND');
      expectError(await as(t, a.manager).delete(`/tasks/${task.body.id}`), 404, 'NOT_FOUND');
      expectError(await as(t, a.manager).patch(`/tasks/${task.body.id}`, { title: 'x' }), 404, 'NOT_FOUND');
      const after = await as(t, a.member).get(`/time-entries/${entry.body.id}`).expect(200);
      expect(after.body).toMatchObject({ taskId: null, duration: 600 });
    });

    it("never reaches another client's task", async () => {
      const task = await as(t, a.manager).post('/tasks', { projectId: mine.id, title: 'Tenant A task' }).expect(201);
      for (const user of [b.admin, b.manager, b.member]) {
        expectError(await as(t, user).get(`/tasks/${task.body.id}`), 404, 'NOT_FOUND');
      }
      expectError(await as(t, b.admin).patch(`/tasks/${task.body.id}`, { title: 'x' }), 404, 'NOT_FOUND');
      expectError(await as(t, b.admin).delete(`/tasks/${task.body.id}`), 404, 'NOT_FOUND');
      expectError(await as(t, b.admin).post('/tasks', { projectId: mine.id, title: 'x' }), 404, 'NOT_FOUND');
      const list = await as(t, b.admin).get(`/tasks?projectId=${mine.id}`).expect(200);
      expect(list.body.data).toEqual([]);
      expectError(await as(t, a.manager).get('/tasks/xyz'), 404, 'NOT_FOUND');
    });
  });
});
