import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isForbiddenAddress, resolveAll } from './url-guard.js';

/** The longest one attempt may take, connection included (contract: 10 s). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** How much of a receiver's answer is read (and then thrown away). */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface SendResult {
  ok: boolean;
  /** The receiver's HTTP status, null when none came (refused address, network error, timeout). */
  status: number | null;
  /** Why it failed, for the delivery log (never the secret or the body). */
  error: string | null;
}

export class ForbiddenAddressError extends Error {
  constructor(host: string) {
    super(`${host} resolves to an address webhooks may not reach`);
    this.name = 'ForbiddenAddressError';
  }
}

/**
 * A `lookup` that resolves the host, refuses it when any address is forbidden
 * (unless allowed) and hands the socket exactly the addresses it checked, so
 * a DNS answer that changes between the check and the connection (DNS
 * rebinding) cannot point a delivery at the internal network.
 */
function checkedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname).then(
      (all) => {
        const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        if (wanted.length === 0) {
          callback(Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' }), '', 0);
          return;
        }
        if (!allowPrivate && wanted.some((a) => isForbiddenAddress(a.address))) {
          callback(new ForbiddenAddressError(hostname), '', 0);
          return;
        }
        if (options.all) (callback as unknown as (e: null, a: typeof wanted) => void)(null, wanted);
        else callback(null, wanted[0].address, wanted[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/**
 * Sends one signed webhook request. Never follows a redirect (a 3xx is a
 * failure like any other non-2xx); the whole attempt is bounded by
 * WEBHOOK_TIMEOUT_MS.
 */
export class WebhookSender {
  private readonly lookup: LookupFunction;
  private readonly allowPrivate: boolean;
  private readonly agents: { http: http.Agent; https: https.Agent };

  constructor(allowPrivate: boolean) {
    this.lookup = checkedLookup(allowPrivate);
    this.allowPrivate = allowPrivate;
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: 50, timeout: WEBHOOK_TIMEOUT_MS }),
      https: new https.Agent({ keepAlive: true, maxSockets: 50, timeout: WEBHOOK_TIMEOUT_MS }),
    };
  }

  send(rawUrl: string, headers: Record<string, string>, body: string, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<SendResult> {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      return Promise.resolve({ ok: false, status: null, error: 'invalid url' });
    }
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return Promise.resolve({ ok: false, status: null, error: 'unsupported scheme' });
    // A literal address never goes through `lookup`: checked here.
    const literal = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (!this.allowPrivate && isIP(literal) !== 0 && isForbiddenAddress(literal)) {
      return Promise.resolve({ ok: false, status: null, error: new ForbiddenAddressError(url.hostname).message });
    }
    const mod = secure ? https : http;
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const finish = (r: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(r);
      };
      const req = mod.request(
        url,
        {
          method: 'POST',
          agent: secure ? this.agents.https : this.agents.http,
          lookup: this.lookup,
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': 'FreeTimeChat-Webhooks/1',
            ...headers,
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) res.destroy();
          });
          const done = () =>
            finish(
              status >= 200 && status < 300
                ? { ok: true, status, error: null }
                : { ok: false, status, error: status >= 300 && status < 400 ? 'redirect (not followed)' : `HTTP ${status}` },
            );
          res.on('end', done);
          res.on('close', done);
          res.on('error', done);
        },
      );
      const timer = setTimeout(() => {
        req.destroy();
        finish({ ok: false, status: null, error: `timeout after ${timeoutMs} ms` });
      }, timeoutMs);
      req.on('error', (err: Error) => {
        finish({ ok: false, status: null, error: err instanceof ForbiddenAddressError ? err.message : `network error: ${err.message}` });
      });
      req.end(body);
    });
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
