/**
 * Where a browser lands: `/` sends it to the Swagger UI, `/api/v1` names the
 * service and its documentation, and the docs' Content-Security-Policy lets
 * them load over plain HTTP unless the service says it is served over HTTPS.
 */
import { createTestApp, TestApp } from '../helpers/test-app.js';

describe('e2e/docs', () => {
  describe('pointers to the documentation', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('redirects / to the Swagger UI', async () => {
      const res = await t.http.get('/');
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/docs');
    });

    it('answers /api/v1 with the name, version and documentation links', async () => {
      const res = await t.http.get('/api/v1').expect(200);
      expect(res.body).toEqual({
        name: 'freetimechat-api',
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        docs: '/docs',
        openapi: '/docs-json',
      });
      // The prefix is still only for /api/v1 itself: its routes keep their paths.
      await t.http.get('/api/v1/health').expect(200);
      await t.http.get('/api/v1/nope').expect(404);
    });

    it('documents both in the OpenAPI document', async () => {
      const doc = (await t.http.get('/docs-json').expect(200)).body;
      expect(doc.paths['/'].get.responses['302']).toBeDefined();
      expect(doc.paths['/api/v1'].get.responses['200'].content['application/json'].schema.required).toEqual([
        'name',
        'version',
        'docs',
        'openapi',
      ]);
    });

    // Over plain HTTP (any host but localhost) the upgrade sends the browser to https for the
    // docs' scripts and styles, and /docs stays blank.
    it('serves /docs without upgrade-insecure-requests by default', async () => {
      const res = await t.http.get('/docs').redirects(1);
      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      // The page's own scripts and styles are served from the same origin (@fastify/static).
      const assets = [...res.text.matchAll(/(?:src|href)="\.?\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
      expect(assets.length).toBeGreaterThan(0);
      for (const asset of assets) await t.http.get(`/docs/${asset.replace(/^docs\//, '')}`).expect(200);
    });
  });

  describe('behind HTTPS (CSP_UPGRADE_INSECURE_REQUESTS=true)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp({ CSP_UPGRADE_INSECURE_REQUESTS: 'true' });
    });
    afterAll(() => t.close());

    it('adds upgrade-insecure-requests to the CSP of /docs', async () => {
      const res = await t.http.get('/docs').redirects(1);
      expect(res.status).toBe(200);
      expect(res.headers['content-security-policy']).toMatch(/;upgrade-insecure-requests$/);
    });
  });
});
