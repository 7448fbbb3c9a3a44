import { createTestApp, TestApp } from '../helpers/test-app.js';

describe('e2e/platform', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('platform', () => {
    it('answers /api/v1/health and /api/v1/health/ready', async () => {
      await t.http.get('/api/v1/health').expect(200, { status: 'ok' });
      const ready = await t.http.get('/api/v1/health/ready').expect(200);
      expect(ready.body.status).toBe('ok');
    });

    it('answers an unknown route with the contract 404 body', async () => {
      const res = await t.http.get('/api/v1/does-not-exist').expect(404);
      expect(res.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        code: 'NOT_FOUND',
        message: expect.any(String),
        requestId: res.headers['x-request-id'],
      });
    });

    it('answers malformed JSON with 400 VALIDATION_FAILED, never 500', async () => {
      const res = await t.http.post('/api/v1/health').set('content-type', 'application/json').send('{"a":').expect(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.statusCode).toBe(400);
    });

    it('echoes an incoming x-request-id (printable ASCII, up to 200 characters) and makes one otherwise', async () => {
      for (const id of ['abc-123', 'trace/1=2', 'id with spaces', 'x'.repeat(200)]) {
        const echoed = await t.http.get('/api/v1/health').set('x-request-id', id);
        expect(echoed.headers['x-request-id']).toBe(id);
      }
      for (const id of ['x'.repeat(201), 'caf\u00e9']) {
        const made = await t.http.get('/api/v1/health').set('x-request-id', id);
        expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      }
    });

    it('serves Swagger UI at /docs and the OpenAPI document at /docs-json', async () => {
      const ui = await t.http.get('/docs/').redirects(1).expect(200);
      expect(ui.text).toContain('swagger');
      const doc = await t.http.get('/docs-json').expect(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(doc.body.components.securitySchemes.bearer).toBeDefined();
    });

    // Every operation that reads input documents a 400, and errors are JSON even where success is CSV (the export).
    it('documents 400 wherever input is read, error bodies as JSON, and the health answers with a schema', async () => {
      const doc = (await t.http.get('/docs-json').expect(200)).body as {
        paths: Record<
          string,
          Record<string, { parameters?: { in: string }[]; requestBody?: unknown; responses: Record<string, { content?: object }> }>
        >;
      };
      const missing400: string[] = [];
      const nonJsonErrors: string[] = [];
      for (const [path, item] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(item)) {
          const readsInput = op.requestBody !== undefined || (op.parameters ?? []).some((p) => p.in === 'query');
          if (readsInput && !op.responses['400']) missing400.push(`${method.toUpperCase()} ${path}`);
          for (const [status, r] of Object.entries(op.responses))
            if (Number(status) >= 400 && r.content && !('application/json' in r.content)) nonJsonErrors.push(`${method} ${path} ${status}`);
        }
      }
      expect({ missing400, nonJsonErrors }).toEqual({ missing400: [], nonJsonErrors: [] });
      expect(doc.paths['/api/v1/time-entries/start'].post.responses['400']).toBeDefined();
      const health = doc.paths['/api/v1/health'].get.responses['200'].content as Record<string, { schema: { properties: object } }>;
      expect(Object.keys(health['application/json'].schema.properties)).toEqual(['status']);
    });

    it('serves Prometheus metrics at /metrics including tenant pool figures', async () => {
      const res = await t.http.get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/text\/plain/);
      expect(res.text).toContain('tenant_connections_open');
      expect(res.text).toContain('tenant_clients_open');
      expect(res.text).toContain('http_request_duration_seconds');
      // Counts that only grow are typed counter, not gauge.
      for (const name of ['tenant_clients_evicted_total', 'prisma_plan_cache_hits_total', 'prisma_plan_cache_misses_total']) {
        expect(res.text).toContain(`# TYPE ${name} counter`);
      }
    });

    it('sets security headers (helmet)', async () => {
      const res = await t.http.get('/api/v1/health');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';" +
          "img-src 'self' data:;object-src 'none';script-src 'self' 'unsafe-inline';script-src-attr 'none';" +
          "style-src 'self' 'unsafe-inline'",
      );
      expect(res.headers).toMatchObject({
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'origin-agent-cluster': '?1',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-dns-prefetch-control': 'off',
        'x-download-options': 'noopen',
        'x-frame-options': 'SAMEORIGIN',
        'x-permitted-cross-domain-policies': 'none',
        'x-xss-protection': '0',
      });
    });

    it('sets the same security headers on errors, unknown routes and the docs', async () => {
      for (const path of ['/api/v1/nope', '/api/v1/auth/me', '/docs-json']) {
        const res = await t.http.get(path);
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      }
    });
  });
});
