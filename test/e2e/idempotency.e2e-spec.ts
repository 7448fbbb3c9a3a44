/**
 * Idempotency-Key on POST (Stripe's semantics): a repeat by the same user
 * with the same key and request gets the first answer and runs nothing; the
 * key with another request is 409 IDEMPOTENCY_KEY_REUSED; concurrent
 * requests with one key run once and all get the first answer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { createTestApp, createUserWithToken, provisionClient, TestApp } from '../helpers/test-app.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';
import { IdempotencyService } from '../../src/modules/idempotency/idempotency.service.js';

describe('e2e/idempotency', () => {
  let t: TestApp;
  let admin: { userId: string; token: string };
  let other: { userId: string; token: string };

  function post(path: string, token: string | null, body: object, key?: string): Promise<Response> {
    let req = t.http.post(`/api/v1${path}`);
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    if (key !== undefined) req = req.set('Idempotency-Key', key);
    return req.send(body);
  }
  const projectCount = async (token: string, name: string) =>
    (
      (await t.http.get(`/api/v1/projects?search=${encodeURIComponent(name)}&limit=200`).set('Authorization', `Bearer ${token}`)).body
        .data as unknown[]
    ).length;

  beforeAll(async () => {
    t = await createTestApp();
    const clientId = await provisionClient(t, 'Retry Inc');
    admin = await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] });
    other = await createUserWithToken(t, { clientId, roleKeys: ['client-admin'] });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  describe('Idempotency-Key on POST', () => {
    it('answers a repeat with the first answer (status and body) and runs nothing again', async () => {
      const key = randomUUID();
      const name = `Once ${randomBytes(3).toString('hex')}`;
      const first = await post('/projects', admin.token, { name }, key);
      expect(first.status).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const again = await post('/projects', admin.token, { name }, key);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await projectCount(admin.token, name)).toBe(1);
      // The same body with its keys in another order is the same request.
      const reordered = await post('/time-entries/start', admin.token, { projectId: first.body.id, description: 'a' }, `${key}-timer`);
      const repeat = await post('/time-entries/start', admin.token, { description: 'a', projectId: first.body.id }, `${key}-timer`);
      expect([reordered.status, repeat.status]).toEqual([201, 201]);
      expect(repeat.body).toEqual(reordered.body);
    });

    it('keeps a refusal too: a repeat of a request answered 409 gets that 409 without running', async () => {
      const name = `Taken ${randomBytes(3).toString('hex')}`;
      expect((await post('/projects', admin.token, { name })).status).toBe(201);
      const key = randomUUID();
      const first = await post('/projects', admin.token, { name }, key);
      expect([first.status, first.body.code]).toEqual([409, 'CONFLICT']);
      const again = await post('/projects', admin.token, { name }, key);
      expect(again.status).toBe(409);
      expect(again.body).toEqual(first.body);
    });

    it('refuses the same key with another body, path or method with 409 IDEMPOTENCY_KEY_REUSED', async () => {
      const key = randomUUID();
      const name = `Reused ${randomBytes(3).toString('hex')}`;
      expect((await post('/projects', admin.token, { name }, key)).status).toBe(201);
      const otherBody = await post('/projects', admin.token, { name: `${name} 2` }, key);
      expect([otherBody.status, otherBody.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
      const otherPath = await post('/conversations', admin.token, { title: name }, key);
      expect([otherPath.status, otherPath.body.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
      expect(await projectCount(admin.token, `${name} 2`)).toBe(0);
    });

    it('scopes keys per user: another user with the same key runs their own request', async () => {
      const key = randomUUID();
      const a = await post('/conversations', admin.token, { title: 'mine' }, key);
      const b = await post('/conversations', other.token, { title: 'mine' }, key);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(b.body.id).not.toBe(a.body.id);
    });

    // A client retrying on a timeout while the first attempt still runs must not create a second project.
    it('runs 10 concurrent requests with one key once, and answers each with the first answer', async () => {
      const key = randomUUID();
      const name = `Concurrent ${randomBytes(3).toString('hex')}`;
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => post('/projects', admin.token, { name, description: 'same' }, key)),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(10).fill(201));
      expect(new Set(answers.map((r) => r.text)).size).toBe(1);
      expect(answers.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
      expect(await projectCount(admin.token, name)).toBe(1);
    });

    it('releases the key after a validation failure, so the corrected request can use it', async () => {
      const key = randomUUID();
      const bad = await post('/projects', admin.token, { name: '' }, key);
      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      const again = await post('/projects', admin.token, { name: '' }, key);
      expect(again.body.requestId).not.toBe(bad.body.requestId);
      const name = `Fixed ${randomBytes(3).toString('hex')}`;
      const fixed = await post('/projects', admin.token, { name }, key);
      expect(fixed.status).toBe(201);
      expect((await post('/projects', admin.token, { name }, key)).body).toEqual(fixed.body);
    });

    it('refuses malformed keys with 400 and ignores the header on anonymous POSTs', async () => {
      for (const key of ['', 'a'.repeat(256), 'tab\there', 'ünï']) {
        const res = await post('/projects', admin.token, { name: 'x' }, key);
        expect([key, res.status, res.body.code]).toEqual([key, 400, 'VALIDATION_FAILED']);
      }
      const key = randomUUID();
      const first = await post('/auth/login', null, { email: 'nobody@example.test', password: 'wrong-password-1' }, key);
      const second = await post('/auth/login', null, { email: 'nobody@example.test', password: 'wrong-password-1' }, key);
      expect([first.status, second.status]).toEqual([401, 401]);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
    });

    it('keeps answers sealed (a secret shown once is not readable from the database) and replays them', async () => {
      const key = randomUUID();
      const first = await post('/auth/tokens', admin.token, { name: 'replayed' }, key);
      const again = await post('/auth/tokens', admin.token, { name: 'replayed' }, key);
      expect(first.status).toBe(201);
      expect(again.body).toEqual(first.body);
      const rows = await t.get(MainPrismaService).idempotencyKey.findMany({ where: { userId: admin.userId } });
      const stored = JSON.stringify(rows);
      expect(stored).not.toContain(first.body.token);
      expect(stored).not.toContain(key);
    });

    it('prunes keys older than 24 hours; such a key may be used again', async () => {
      const key = randomUUID();
      const name = `Old ${randomBytes(3).toString('hex')}`;
      expect((await post('/projects', admin.token, { name }, key)).status).toBe(201);
      const main = t.get(MainPrismaService);
      await main.$executeRaw`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE user_id = ${admin.userId}::uuid`;
      const reused = await post('/projects', admin.token, { name: `${name} later` }, key);
      expect(reused.status).toBe(201);
      await main.$executeRaw`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE user_id = ${admin.userId}::uuid`;
      expect(await t.get(IdempotencyService).prune()).toBeGreaterThan(0);
      expect(await main.idempotencyKey.count({ where: { userId: admin.userId } })).toBe(0);
    });
  });
});
