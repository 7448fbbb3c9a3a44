import { createTestApp, TestApp } from '../helpers/test-app.js';
import { MainPrismaService } from '../../src/database/main-prisma.service.js';

describe('e2e/auth-signup-disabled', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ SIGNUP_ENABLED: 'false' });
  });
  afterAll(() => t.close());

  describe('signup switched off', () => {
    it('is refused with 403 SIGNUP_DISABLED when SIGNUP_ENABLED=false, creating nothing', async () => {
      const res = await t.http
        .post('/api/v1/auth/signup')
        .send({ companyName: 'Nope', name: 'N', email: 'n@example.test', password: 'correct horse battery staple' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('SIGNUP_DISABLED');
      expect(await t.get(MainPrismaService).client.count()).toBe(0);
      expect(await t.get(MainPrismaService).user.count()).toBe(0);
    });

    it('keeps login available (unknown users still get INVALID_CREDENTIALS)', async () => {
      const res = await t.http.post('/api/v1/auth/login').send({ email: 'nobody@example.test', password: 'whatever-password' });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
    });
  });
});
