/**
 * Property-based request generators driven by the OpenAPI document.
 *
 * `malformedCase(op)` makes requests that the contract says must be refused
 * (each carries at least one defect that no handler may accept: invalid
 * JSON, an unknown or missing field, a wrong type, a string over its
 * maxLength, a non-object body, a body over the size limit, a bad id in the
 * path, no or a broken token), decorated with noise (control characters,
 * huge and odd strings) in the other fields. GET requests get bad query
 * values instead; they may succeed but never 5xx.
 *
 * `nastyCase(op)` makes requests that are well-formed by the schema but
 * filled with hostile strings (NUL and other control characters, lone
 * surrogates, RTL marks, SQL and template injections, 10 kB strings); they
 * may be accepted or refused, but never with a 5xx.
 */
import fc from 'fast-check';
import type { OpenApiSchema, Operation, RawRequest, RawResponse } from './reliability.js';
import { contractErrorProblem, fillPath, pct } from './reliability.js';

export interface FuzzContext {
  /** Bearer token to use for the operation (the most privileged caller that may reach it). */
  tokenFor(op: Operation): string;
  /** Real ids by collection (`projects`, `users`, …) and for uuid fields by name. */
  pathValue(op: Operation, param: string): string;
  idsForField(field: string): string[];
}

export interface FuzzCase {
  kind: string;
  op: string;
  req: RawRequest;
  /** Must be answered with a 4xx (nothing may change). */
  mustReject: boolean;
}

const HOSTILE = [
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  '\u0000',
  'a\u0000b',
  '\u202e\u0644\u0627',
  '\ud800',
  '\udfff\ud800',
  '😀'.repeat(60),
  '%00%0d%0a',
  '../../../../etc/passwd',
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '\r\nSet-Cookie: x=1',
  ' ',
  '',
  'null',
  'NaN',
  '-1',
  '1e309',
  '\\',
  '"',
];

const controlChars = fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 12 });

export const nastyString = (maxLength = 60): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength: Math.min(maxLength, 40) }),
    fc.string({ unit: 'grapheme', maxLength: Math.min(maxLength, 20) }),
    fc.string({ unit: 'binary', maxLength: Math.min(maxLength, 20) }),
    controlChars,
    fc.constantFrom(...HOSTILE),
    fc.tuple(fc.string({ maxLength: 5 }), controlChars).map(([a, b]) => a + b),
    fc.constant('x'.repeat(Math.min(maxLength, 10_000))),
  );

const BAD_IDS = [
  'not-a-uuid',
  '1',
  '0',
  '-1',
  'null',
  'undefined',
  '{id}',
  ':id',
  '..',
  '.',
  '%00',
  "' OR 1=1 --",
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '550e8400-e29b-41d4-a716-44665544000',
  '550e8400-e29b-41d4-a716-4466554400000',
  '550e8400e29b41d4a716446655440000',
  '{550e8400-e29b-41d4-a716-446655440000}',
  '9'.repeat(40),
  'x'.repeat(3000),
  '😀',
];
const badId: fc.Arbitrary<string> = fc.oneof(fc.uuid(), fc.constantFrom(...BAD_IDS), fc.string({ minLength: 1, maxLength: 30 }));

const INVALID_JSON = [
  '{',
  '{"a":',
  '[1,2',
  "{'a':1}",
  'nul',
  '{"a":1}}',
  '{"a":1,}',
  '\u0000',
  '{"a":"\u0000',
  '{"a":01}',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":undefined}',
  '{"a":"x"}garbage',
  '\ufeff{',
  '{"a": "\\x41"}',
  '{"a": "\\ud800"',
  '<xml/>',
];
const invalidJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INVALID_JSON),
  fc.string({ minLength: 1, maxLength: 40 }).filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
);

const NOT_OBJECT = ['[]', '[{}]', '1', '"text"', 'null', 'true', '0', '['.repeat(5000) + ']'.repeat(5000), '[null,null]', '"{}"'];

function isoDaysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString();
}

/** A value that satisfies the schema's types (formats, enums, bounds), filled with hostile strings. */
export function valueArb(s: OpenApiSchema, field: string, ctx: FuzzContext, depth = 0): fc.Arbitrary<unknown> {
  const base = ((): fc.Arbitrary<unknown> => {
    if (s.enum) return fc.constantFrom(...s.enum);
    switch (s.type) {
      case 'string': {
        if (s.format === 'uuid') {
          const pool = ctx.idsForField(field);
          return pool.length > 0 ? fc.oneof(fc.constantFrom(...pool), fc.uuid()) : fc.uuid();
        }
        if (s.format === 'date') return fc.integer({ min: 0, max: 400 }).map((d) => isoDaysAgo(d).slice(0, 10));
        if (s.format === 'date-time')
          return fc.integer({ min: 60, max: 30 * 86_400 }).map((sec) => new Date(Date.now() - sec * 1000).toISOString());
        if (/email/i.test(field))
          return fc.oneof(
            {
              arbitrary: fc
                .string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 6, maxLength: 12 })
                .map((a) => `fz-${a}@example.test`),
              weight: 3,
            },
            { arbitrary: nastyString(8), weight: 1 },
          );
        if (/timeZone/i.test(field)) return fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Not/AZone', '', 'utc', '+02:00');
        if (s.pattern) return fc.oneof(fc.stringMatching(new RegExp(s.pattern)), nastyString(20));
        const max = s.maxLength ?? 200;
        const min = s.minLength ?? 0;
        return fc.oneof(
          nastyString(max).filter((x) => x.length >= min && x.length <= max),
          fc.constant('y'.repeat(Math.max(min, Math.min(max, 10_000)))),
          fc.string({ minLength: min, maxLength: Math.min(max, min + 20) }),
        );
      }
      case 'number':
      case 'integer': {
        const min = s.minimum ?? -1e6;
        const max = s.maximum ?? 1e6;
        return fc.oneof(
          fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
          fc.double({ min, max, noNaN: true, noDefaultInfinity: true }),
        );
      }
      case 'boolean':
        return fc.boolean();
      case 'array':
        return fc.array(s.items ? valueArb(s.items, field, ctx, depth + 1) : fc.anything(), { maxLength: 3 });
      case 'object':
      default:
        if (s.properties && depth < 4) return objectArb(s, ctx, depth + 1);
        return fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 });
    }
  })();
  return s.nullable ? fc.oneof(base, fc.constant(null)) : base;
}

/** An object with every required property and some of the optional ones. */
export function objectArb(s: OpenApiSchema, ctx: FuzzContext, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const required = new Set(s.required ?? []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(props)) model[k] = valueArb(v, k, ctx, depth);
  return fc.record(model, { requiredKeys: [...required].filter((k) => k in model) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** A value of a type the schema does not allow (class-validator must refuse it). */
function wrongTypeArb(s: OpenApiSchema): fc.Arbitrary<unknown> {
  // null is wrong wherever the schema does not say nullable: optional body fields
  // use OptionalNotNull (absent is fine, null is refused).
  const notNull = s.nullable ? [] : [fc.constant(null)];
  if (s.enum) return fc.oneof(fc.constantFrom('NOT_IN_ENUM', 'Todo', ' todo', ''), fc.integer(), fc.boolean(), fc.constant([s.enum[0]]));
  switch (s.type) {
    case 'string':
      if (s.format === 'uuid')
        return fc.oneof(
          fc.constantFrom(...BAD_IDS.filter((x) => x.length < 100)),
          fc.integer(),
          fc.boolean(),
          fc.array(fc.uuid(), { maxLength: 2 }),
          ...notNull,
        );
      if (s.format === 'date' || s.format === 'date-time')
        return fc.oneof(
          fc.constantFrom('yesterday', '2024-13-45', '2024-02-30', '31/12/2024', '2024-01-01T25:00:00Z', '0000-00-00', '+275760-09-13'),
          fc.integer(),
          fc.boolean(),
          ...notNull,
        );
      return fc.oneof(
        fc.integer(),
        // NaN and ±Infinity would be sent as null by JSON.stringify: a valid value for a nullable field.
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.boolean(),
        fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
        fc.object({ maxDepth: 1, maxKeys: 2 }),
        ...notNull,
      );
    case 'number':
    case 'integer':
      return fc.oneof(
        fc.constantFrom('12', '1e3', '', 'NaN', 'Infinity', '0x10'),
        fc.boolean(),
        fc.array(fc.integer(), { maxLength: 2 }),
        fc.object({ maxDepth: 1, maxKeys: 2 }),
        ...(s.minimum !== undefined ? [fc.constant(s.minimum - 1)] : []),
        ...(s.maximum !== undefined ? [fc.constant(s.maximum + 1), fc.constant(1e308)] : []),
        ...notNull,
      );
    case 'boolean':
      return fc.oneof(
        fc.constantFrom('true', 'false', 'yes', '1', '0', ''),
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.boolean(), { maxLength: 2 }),
        ...notNull,
      );
    case 'array':
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.object({ maxDepth: 1, maxKeys: 2 }), ...notNull);
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), ...notNull);
  }
}

/** Inserts a raw `"key": value` member into a JSON object text (keys like `__proto__` survive only this way). */
function withMember(obj: Record<string, unknown>, key: string, value: unknown): string {
  const text = JSON.stringify(obj);
  const member = `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`;
  return text === '{}' ? `{${member}}` : `${text.slice(0, -1)},${member}}`;
}

const BAD_QUERY: Record<string, string[]> = {
  number: ['0', '-1', '201', '1e3', 'abc', '', '1.5', '99999999999999999999', 'NaN', ' 5'],
  boolean: ['maybe', 'TRUE ', '2', '', 'null', 'yes!'],
  uuid: ['x', '1', "' OR 1=1", '00000000-0000-0000-0000-00000000000g', ''],
  date: ['notadate', '2024-13-45', '2024-02-30', '', '2024-1-1', '20240101', '1970-01-01T00:00:00Z'],
  string: ['', '%00', '%E0%A4%A', 'x'.repeat(5000), "'; --", '%F0%9F%98%80', '%ZZ', 'eyJ0IjoiMjAyNC0wMS0wMSIsImlkIjoieCJ9'],
};
/** Query values sent exactly as written (already percent-encoded, some deliberately broken). */
const PRE_ENCODED = new Set(['%00', '%E0%A4%A', '%F0%9F%98%80', '%ZZ']);

function badQueryValues(p: { schema?: OpenApiSchema; name: string }): string[] {
  const s = p.schema ?? {};
  if (s.enum) return ['nope', '', String(s.enum[0]).toUpperCase(), `${String(s.enum[0])},${String(s.enum[0])}`];
  if (s.type === 'number' || s.type === 'integer') return BAD_QUERY.number;
  if (s.type === 'boolean') return BAD_QUERY.boolean;
  if (s.format === 'uuid') return BAD_QUERY.uuid;
  if (s.format === 'date' || s.format === 'date-time') return BAD_QUERY.date;
  return BAD_QUERY.string;
}

function encodeQuery(pairs: [string, string][]): string {
  if (pairs.length === 0) return '';
  return '?' + pairs.map(([k, v]) => `${pct(k)}=${PRE_ENCODED.has(v) ? v : pct(v)}`).join('&');
}

function jsonHeaders(token: string | null, contentType = 'application/json'): Record<string, string> {
  const h: Record<string, string> = { 'content-type': contentType };
  if (token !== null) h.authorization = `Bearer ${token}`;
  return h;
}

function realPath(op: Operation, ctx: FuzzContext, override: Record<string, string> = {}): string {
  const values: Record<string, string> = {};
  for (const p of op.pathParams) values[p.name] = override[p.name] ?? ctx.pathValue(op, p.name);
  return fillPath(op.path, values);
}

/** Requests for `op` that must be refused (or, for GET, may succeed but never fail with 5xx). */
export function malformedCase(op: Operation, ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const token = op.secured ? ctx.tokenFor(op) : null;
  const kinds: fc.Arbitrary<FuzzCase>[] = [];
  const body = op.body;
  const props = Object.entries(body?.properties ?? {});
  const base = body ? objectArb(body, ctx) : fc.constant({} as Record<string, unknown>);
  const isGet = op.method === 'GET';
  const mk = (kind: string, req: Omit<RawRequest, 'method'>, mustReject = true): FuzzCase => ({
    kind,
    op: op.key,
    req: { method: op.method, ...req },
    mustReject,
  });

  if (op.pathParams.length > 0) {
    kinds.push(
      fc.tuple(fc.constantFrom(...op.pathParams.map((p) => p.name)), badId, base).map(([name, id, b]) =>
        mk('bad path id', {
          path: realPath(op, ctx, { [name]: id }),
          headers: jsonHeaders(token),
          body: isGet ? undefined : JSON.stringify(b),
        }),
      ),
    );
  }
  if (!isGet) {
    kinds.push(
      fc
        .tuple(invalidJson, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON'))
        .map(([text, ct]) => mk('invalid JSON', { path: realPath(op, ctx), headers: jsonHeaders(token, ct), body: text })),
    );
    kinds.push(
      fc.integer({ min: 300_000, max: 400_000 }).map((n) =>
        mk('body over the size limit', {
          path: realPath(op, ctx),
          headers: jsonHeaders(token),
          body: JSON.stringify({ x: 'z'.repeat(n) }),
        }),
      ),
    );
    kinds.push(
      fc.constantFrom('utf-16', 'latin1', 'koi8-r', 'x-unknown').map((cs) =>
        mk('unsupported charset', {
          path: realPath(op, ctx),
          headers: jsonHeaders(token, `application/json; charset=${cs}`),
          body: '{"a":1}',
        }),
      ),
    );
  }
  if (body && !isGet) {
    const known = new Set(props.map(([k]) => k));
    const unknownKey = fc
      .oneof(
        fc.constantFrom('__proto__', 'constructor', 'prototype', 'isAdmin', 'clientId', 'id', 'passwordHash', 'role', 'createdAt', ''),
        fc.string({ minLength: 1, maxLength: 20 }),
      )
      .filter((k) => !known.has(k));
    kinds.push(
      fc.tuple(base, unknownKey, fc.jsonValue({ maxDepth: 2 })).map(([b, k, v]) =>
        mk('unknown field', {
          path: realPath(op, ctx),
          headers: jsonHeaders(token),
          body: withMember(b, k, k === '__proto__' || k === 'constructor' ? { isAdmin: true, polluted: v } : v),
        }),
      ),
    );
    kinds.push(
      fc
        .oneof(
          fc.constantFrom(...NOT_OBJECT),
          fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }).map((a) => JSON.stringify(a)),
        )
        .map((text) => mk('body not an object', { path: realPath(op, ctx), headers: jsonHeaders(token), body: text })),
    );
    if (props.length > 0) {
      kinds.push(
        fc
          .constantFrom(...props)
          .chain(([k, s]) => fc.tuple(base, fc.constant(k), wrongTypeArb(s)))
          .map(([b, k, v]) =>
            mk(`wrong type (${k})`, { path: realPath(op, ctx), headers: jsonHeaders(token), body: JSON.stringify({ ...b, [k]: v }) }),
          ),
      );
    }
    const required = body.required ?? [];
    if (required.length > 0) {
      kinds.push(
        fc.tuple(base, fc.constantFrom(...required)).map(([b, k]) => {
          const copy = { ...b };
          delete copy[k];
          return mk(`missing ${k}`, { path: realPath(op, ctx), headers: jsonHeaders(token), body: JSON.stringify(copy) });
        }),
      );
    }
    const bounded = props.filter(([, s]) => typeof s.maxLength === 'number');
    if (bounded.length > 0) {
      kinds.push(
        fc
          .tuple(base, fc.constantFrom(...bounded), fc.integer({ min: 1, max: 2000 }), fc.constantFrom('a', '\u0000', '😀', '\u0007', 'é'))
          .map(([b, [k, s], extra, ch]) =>
            mk(`over maxLength (${k})`, {
              path: realPath(op, ctx),
              headers: jsonHeaders(token),
              body: JSON.stringify({ ...b, [k]: ch.repeat(s.maxLength! + extra) }),
            }),
          ),
      );
    }
  }
  if (op.secured) {
    kinds.push(
      fc
        .tuple(
          fc.constantFrom<string | null>(null, '', 'x', 'Bearer', 'eyJhbGciOiJIUzI1NiJ9.e30.', 'a.b.c'),
          fc.constantFrom('Bearer ', 'bearer ', 'Basic ', 'Token ', ''),
          base,
        )
        .map(([tok, scheme, b]) => {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (tok !== null) headers.authorization = `${scheme}${tok}`;
          return mk('no or broken token', { path: realPath(op, ctx), headers, body: isGet ? undefined : JSON.stringify(b) });
        }),
    );
  }
  if (op.queryParams.length > 0) {
    kinds.push(
      fc
        .subarray(op.queryParams, { minLength: 1 })
        .chain((params) =>
          fc.tuple(...params.map((p) => fc.constantFrom(...badQueryValues(p)).map((v) => [p.name, v] as [string, string]))),
        )
        .chain((pairs) => fc.tuple(fc.constant(pairs), base))
        .map(([pairs, b]) =>
          mk(
            'bad query values',
            { path: realPath(op, ctx) + encodeQuery(pairs), headers: jsonHeaders(token), body: isGet ? undefined : JSON.stringify(b) },
            !isGet,
          ),
        ),
    );
  }
  if (isGet) {
    kinds.push(
      fc
        .tuple(fc.string({ minLength: 1, maxLength: 12 }), nastyString(30))
        .map(([k, v]) =>
          mk('unknown query parameter', { path: realPath(op, ctx) + encodeQuery([[k, v]]), headers: jsonHeaders(token) }, false),
        ),
    );
  }
  return fc.oneof(...kinds);
}

/** Schema-shaped requests full of hostile strings: any answer but a 5xx. */
export function nastyCase(op: Operation, ctx: FuzzContext): fc.Arbitrary<FuzzCase> {
  const token = op.secured ? ctx.tokenFor(op) : null;
  const body = op.body ? objectArb(op.body, ctx) : fc.constant(undefined);
  const query =
    op.queryParams.length > 0
      ? fc
          .subarray(op.queryParams)
          .chain((ps) =>
            fc.tuple(
              ...ps.map((p) =>
                (p.schema ? valueArb(p.schema, p.name, ctx) : nastyString(20)).map(
                  (v) => [p.name, typeof v === 'string' ? v : JSON.stringify(v)] as [string, string],
                ),
              ),
            ),
          )
      : fc.constant([] as [string, string][]);
  return fc.tuple(body, query).map(([b, q]) => ({
    kind: 'hostile but well-formed',
    op: op.key,
    mustReject: false,
    req: {
      method: op.method,
      path: realPath(op, ctx) + encodeQuery(q),
      headers: jsonHeaders(token),
      body: b === undefined || op.method === 'GET' ? undefined : JSON.stringify(b),
    },
  }));
}

/** What is wrong with the answer to a fuzz case, or null. */
export function fuzzProblem(c: FuzzCase, res: RawResponse): string | null {
  if (res.status >= 500) return `HTTP ${res.status}: ${res.text.slice(0, 300)}`;
  if (res.status >= 400) {
    const p = contractErrorProblem(res);
    if (p) return `HTTP ${res.status} without the contract error body: ${p}`;
  }
  if (c.mustReject && res.status < 400) return `accepted (HTTP ${res.status}) though it must be refused: ${res.text.slice(0, 300)}`;
  if (res.ms > 10_000) return `took ${res.ms} ms`;
  return null;
}

export function describeCase(c: FuzzCase): string {
  const body = c.req.body === undefined ? '' : String(c.req.body);
  return `${c.kind}: ${c.req.method} ${c.req.path.slice(0, 200)} headers=${JSON.stringify(c.req.headers)} body=${JSON.stringify(body.length > 300 ? body.slice(0, 300) + `…(${body.length} chars)` : body)}`;
}
