import type pg from 'pg';

/**
 * A database's schema (schema `public`, Prisma's bookkeeping table left
 * out) as comparable strings: one key per object, one normalised definition
 * per key. Two databases made by the same migrations give equal snapshots.
 */
export type SchemaSnapshot = Map<string, string>;

const QUERIES: { kind: string; sql: string }[] = [
  {
    kind: 'table',
    sql: `SELECT c.relname AS key, c.relkind::text AS def
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm') AND c.relname <> '_prisma_migrations'`,
  },
  {
    kind: 'column',
    sql: `SELECT c.relname || '.' || a.attname AS key,
                 format_type(a.atttypid, a.atttypmod)
                   || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE ' NULL' END
                   || coalesce(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
                   || CASE WHEN a.attidentity <> '' THEN ' IDENTITY ' || a.attidentity::text ELSE '' END
                   || CASE WHEN a.attgenerated <> '' THEN ' GENERATED' ELSE '' END AS def
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
           WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
             AND a.attnum > 0 AND NOT a.attisdropped`,
  },
  {
    kind: 'index',
    sql: `SELECT i.relname AS key, pg_get_indexdef(i.oid) AS def
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = i.relnamespace
           WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`,
  },
  {
    kind: 'constraint',
    sql: `SELECT t.relname || '.' || k.conname AS key, pg_get_constraintdef(k.oid) AS def
            FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
           WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'`,
  },
  {
    kind: 'trigger',
    sql: `SELECT t.relname || '.' || g.tgname AS key, pg_get_triggerdef(g.oid) AS def
            FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid JOIN pg_namespace n ON n.oid = t.relnamespace
           WHERE n.nspname = 'public' AND NOT g.tgisinternal`,
  },
  {
    kind: 'function',
    sql: `SELECT p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS key, md5(pg_get_functiondef(p.oid)) AS def
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'public' AND p.prokind IN ('f', 'p')`,
  },
  {
    kind: 'type',
    sql: `SELECT t.typname AS key, coalesce(string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder), t.typtype::text) AS def
            FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_enum e ON e.enumtypid = t.oid
           WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')
           GROUP BY t.typname, t.typtype`,
  },
];

export async function snapshotSchema(c: pg.ClientBase): Promise<SchemaSnapshot> {
  const snapshot: SchemaSnapshot = new Map();
  for (const q of QUERIES) {
    const { rows } = await c.query<{ key: string; def: string }>(q.sql);
    for (const r of rows) snapshot.set(`${q.kind} ${r.key}`, r.def.replace(/\s+/g, ' ').trim());
  }
  return snapshot;
}

/**
 * Readable differences of `actual` from `expected`, sorted:
 * `column time_entries.note added`, `index projects_name_lower_key missing`,
 * `constraint tasks.tasks_status_check changed: <expected> → <actual>`.
 */
export function diffSchemas(expected: SchemaSnapshot, actual: SchemaSnapshot): string[] {
  const out: string[] = [];
  for (const [key, def] of actual) {
    const want = expected.get(key);
    if (want === undefined) out.push(`${key} added`);
    else if (want !== def) out.push(`${key} changed: ${want} → ${def}`);
  }
  for (const key of expected.keys()) if (!actual.has(key)) out.push(`${key} missing`);
  return out.sort();
}
