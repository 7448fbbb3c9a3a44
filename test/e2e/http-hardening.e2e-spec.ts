/**
 * The HTTP edge against hostile callers: slow clients are closed
 * (HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS), errors raised before routing carry
 * the contract's error body and never echo the request, /metrics is behind
 * METRICS_TOKEN, and production refuses published or weak secrets.
 */
import net from 'node:net';
import { createTestApp, TestApp } from '../helpers/test-app.js';
import { validateEnvironment } from '../../src/config/config.js';

describe('e2e/http-hardening', () => {
  const STRONG_SECRET = 'Zq8vN2rT5yL9wK3mX7cB1hJ4gF6dS0aP-e_QuRiOtY';

  function listen(t: TestApp): number {
    return Number(new URL(t.url).port);
  }

  /** Opens a socket and sends `chunks` one by one, `everyMs` apart, until the server closes it (or `maxMs`). */
  function trickle(
    port: number,
    first: string,
    next: string,
    everyMs: number,
    maxMs: number,
  ): Promise<{ closedAfterMs: number | null; received: string }> {
    return new Promise((resolve) => {
      const started = Date.now();
      let received = '';
      let timer: NodeJS.Timeout | undefined;
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write(first);
        timer = setInterval(() => {
          if (Date.now() - started > maxMs) {
            clearInterval(timer);
            socket.destroy();
            resolve({ closedAfterMs: null, received });
          } else if (socket.writable) socket.write(next);
        }, everyMs);
      });
      socket.on('data', (d) => (received += d.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ closedAfterMs: Date.now() - started, received });
      });
    });
  }

  /** Sends raw bytes and reads the whole answer (the server closes or answers once). */
  function rawRequest(port: number, bytes: string): Promise<{ status: number; headers: string; body: string }> {
    return new Promise((resolve, reject) => {
      let data = '';
      const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
      socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
      socket.on('data', (d) => {
        data += d.toString();
        const [head, body = ''] = data.split('\r\n\r\n');
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? NaN);
        if (Buffer.byteLength(body) >= length) socket.end();
      });
      socket.on('error', reject);
      socket.on('close', () => {
        const [head, ...rest] = data.split('\r\n\r\n');
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head, body: rest.join('\r\n\r\n') });
      });
    });
  }

  function expectContractBody(body: string, status: number, code: string): void {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    expect(parsed).toEqual({
      statusCode: status,
      error: expect.any(String),
      code,
      message: expect.any(String),
      requestId: expect.any(String),
    });
  }

  describe('slow clients', () => {
    let t: TestApp;
    let port: number;
    beforeAll(async () => {
      t = await createTestApp({ HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2000' });
      port = await listen(t);
    });
    afterAll(() => t.close());

    // 20 such connections once stayed open for over a minute each, holding sockets and memory.
    it('closes a connection that sends a header line every 300 ms without ever finishing its headers', async () => {
      const res = await trickle(port, 'GET /api/v1/health HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n', 300, 15_000);
      expect(res.closedAfterMs).not.toBeNull();
      expect(res.closedAfterMs!).toBeLessThan(6_000);
    });

    it('closes a connection whose body trickles in past REQUEST_TIMEOUT_MS', async () => {
      const head = 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{';
      const res = await trickle(port, head, ' ', 300, 15_000);
      expect(res.closedAfterMs).not.toBeNull();
      expect(res.closedAfterMs!).toBeLessThan(8_000);
    });

    it('still serves a normal request on the same server', async () => {
      await t.http.get('/api/v1/health').expect(200);
    });
  });

  describe('errors before routing', () => {
    let t: TestApp;
    let port: number;
    beforeAll(async () => {
      t = await createTestApp();
      port = await listen(t);
    });
    afterAll(() => t.close());

    it('answers headers over the limit with 431 and the error body', async () => {
      const res = await rawRequest(port, `GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(res.status).toBe(431);
      expectContractBody(res.body, 431, 'HEADERS_TOO_LARGE');
    });

    it('answers a path parameter over the length limit with 414 and the error body, not echoing the path', async () => {
      const marker = 'ECHO'.repeat(2_100);
      const res = await rawRequest(port, `GET /api/v1/projects/${marker} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(res.status).toBe(414);
      expectContractBody(res.body, 414, 'URI_TOO_LONG');
      expect(res.body).not.toContain('ECHO');
    });

    it('answers a malformed request line or URL with 400 and the error body, not echoing it', async () => {
      const line = await rawRequest(port, 'GARBAGE\r\n\r\n');
      expect(line.status).toBe(400);
      expectContractBody(line.body, 400, 'MALFORMED_REQUEST');
      const url = await rawRequest(port, 'GET /api/v1/projects/%E0%A4%ECHOECHO HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(url.status).toBe(400);
      expect(url.body).not.toContain('ECHO');
      expect(JSON.parse(url.body)).toEqual(expect.objectContaining({ statusCode: 400, requestId: expect.any(String) }));
    });

    it('answers a body over the limit with 413 and the error body', async () => {
      const body = JSON.stringify({ email: 'x'.repeat(300_000) });
      const res = await t.http.post('/api/v1/auth/login').set('content-type', 'application/json').send(body);
      expect(res.status).toBe(413);
      expect(res.body).toEqual(expect.objectContaining({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' }));
    });
  });

  describe('/metrics', () => {
    // It tells sign-up and login counts by status: not for anyone who asks.
    it('needs Authorization: Bearer <METRICS_TOKEN> when one is configured', async () => {
      const t = await createTestApp({ METRICS_TOKEN: 'scrape-token-0123456789abcdef' });
      try {
        expect((await t.http.get('/metrics')).status).toBe(401);
        expect((await t.http.get('/metrics').set('authorization', 'Bearer wrong-token-0123456789')).status).toBe(401);
        const ok = await t.http.get('/metrics').set('authorization', 'Bearer scrape-token-0123456789abcdef');
        expect(ok.status).toBe(200);
        expect(ok.text).toContain('http_request_duration_seconds');
      } finally {
        await t.close();
      }
    });

    it('answers 404 in production without METRICS_TOKEN', async () => {
      const t = await createTestApp({ NODE_ENV: 'production', JWT_SECRET: STRONG_SECRET });
      try {
        const res = await t.http.get('/metrics');
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('NOT_FOUND');
      } finally {
        await t.close();
      }
    });
  });

  describe('configuration of the edge', () => {
    it('refuses a TRUST_PROXY that is not a list of addresses, ranges or loopback/linklocal/uniquelocal', () => {
      expect(() => validateEnvironment({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
      expect(() => validateEnvironment({ TRUST_PROXY: 'loopback, 10.0.0.0/8, ::1' })).not.toThrow();
    });

    it('refuses to start in production with a published secret, naming the variable', () => {
      expect(() => validateEnvironment({ NODE_ENV: 'production', JWT_SECRET: 'change-me-change-me-change-me-change-me' })).toThrow(
        /JWT_SECRET: this value is published/,
      );
    });
  });
});
