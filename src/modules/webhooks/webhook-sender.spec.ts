import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookSender } from './webhook-sender.js';

/** A real receiver on 127.0.0.1 answering with `handler`. */
async function serve(handler: http.RequestListener): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    hits: () => hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('WebhookSender', () => {
  const sender = new WebhookSender(true);
  afterAll(() => sender.close());

  it('posts the body with the given headers and reports a 2xx as success', async () => {
    let seen: { headers: http.IncomingHttpHeaders; body: string } | null = null;
    const rx = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { headers: req.headers, body };
        res.writeHead(202).end();
      });
    });
    try {
      expect(await sender.send(rx.url, { 'webhook-id': 'evt-1' }, '{"a":1}')).toEqual({ ok: true, status: 202, error: null });
      expect(seen!.body).toBe('{"a":1}');
      expect(seen!.headers).toMatchObject({ 'webhook-id': 'evt-1', 'content-type': 'application/json' });
    } finally {
      await rx.close();
    }
  });

  // A redirect could point a delivery anywhere (internal addresses included): it is a failure, never followed.
  it('does not follow a redirect', async () => {
    const target = await serve((_req, res) => res.writeHead(200).end());
    const rx = await serve((_req, res) => res.writeHead(307, { location: target.url }).end());
    try {
      expect(await sender.send(rx.url, {}, '{}')).toEqual({ ok: false, status: 307, error: 'redirect (not followed)' });
      expect(target.hits()).toBe(0);
    } finally {
      await rx.close();
      await target.close();
    }
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const rx = await serve(() => undefined); // never answers
    try {
      const started = Date.now();
      const r = await sender.send(rx.url, {}, '{}', 300);
      expect(r).toEqual({ ok: false, status: null, error: 'timeout after 300 ms' });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await rx.close();
    }
  });

  it('refuses a private address unless allowed, before connecting', async () => {
    const rx = await serve((_req, res) => res.writeHead(200).end());
    const strict = new WebhookSender(false);
    try {
      const r = await strict.send(rx.url, {}, '{}');
      expect(r).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/may not reach/) });
      const byName = await strict.send(rx.url.replace('127.0.0.1', 'localhost'), {}, '{}');
      expect(byName).toMatchObject({ ok: false, status: null, error: expect.stringMatching(/localhost .*may not reach/) });
      expect(rx.hits()).toBe(0);
    } finally {
      strict.close();
      await rx.close();
    }
  });
});
