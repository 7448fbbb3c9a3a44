import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { quoteIdent } from '../../../database/sql.js';
import type { TableInfo } from './table-copy.js';

/** Rows found different between two copies of a table, by primary key, and the table's checksum once equal. */
export interface TableDelta {
  table: string;
  changed: number;
  removed: number;
  /** The source's row count and checksum, which the target must match. */
  source: TableChecksum;
  /** The target matched it already (nothing to catch up), inside the same transaction. */
  matched: boolean;
}

/**
 * A table's row count and an order-independent checksum computed by the
 * server itself (nothing is sent): the sum of the first 120 bits of every
 * row's md5 (of the row's text), in two 60-bit halves.
 */
export interface TableChecksum {
  rows: number;
  sum: string;
}

const keyExpr = (t: TableInfo, alias = '') => `ROW(${t.orderBy.map((c) => alias + quoteIdent(c)).join(', ')})::text`;
const rowExpr = (t: TableInfo) => `md5(ROW(${t.columns.map(quoteIdent).join(', ')})::text)`;

export async function tableChecksum(c: pg.ClientBase, t: TableInfo): Promise<TableChecksum> {
  const { rows } = await c.query<{ n: string; a: string; b: string }>(
    `SELECT count(*)::text AS n,
            coalesce(sum(('x' || substr(h, 1, 15))::bit(60)::bigint::numeric), 0)::text AS a,
            coalesce(sum(('x' || substr(h, 16, 15))::bit(60)::bigint::numeric), 0)::text AS b
       FROM (SELECT ${rowExpr(t)} AS h FROM ${quoteIdent(t.name)}) r`,
  );
  return { rows: Number(rows[0].n), sum: `${rows[0].a}:${rows[0].b}` };
}

const same = (a: TableChecksum, b: TableChecksum) => a.rows === b.rows && a.sum === b.sum;

/** Every row's primary key (as text) and an md5 of the row, read in one pass. */
async function digests(c: pg.ClientBase, t: TableInfo): Promise<Map<string, string>> {
  const { rows } = await c.query<{ k: string; h: string }>({
    text: `SELECT ${keyExpr(t)} AS k, ${rowExpr(t)} AS h FROM ${quoteIdent(t.name)}`,
    rowMode: 'array',
  } as pg.QueryConfig);
  const out = new Map<string, string>();
  for (const r of rows as unknown as [string, string][]) out.set(r[0], r[1]);
  return out;
}

/** A temporary table of keys over `c` (COPY in), for joins on many keys. */
async function keyTable(c: pg.ClientBase, name: string, keys: string[]): Promise<void> {
  await c.query(`CREATE TEMP TABLE ${quoteIdent(name)} (k text PRIMARY KEY) ON COMMIT DROP`);
  const escape = (k: string) => k.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  const lines = keys.map((k) => `${escape(k)}\n`);
  await pipeline(
    (async function* () {
      for (let i = 0; i < lines.length; i += 1000) yield Buffer.from(lines.slice(i, i + 1000).join(''));
    })(),
    c.query(copyStreams.from(`COPY ${quoteIdent(name)} (k) FROM STDIN`)),
  );
}

/**
 * Brings `target`'s copy of a table to equal `source`'s: both sides' row
 * digests are read at once, rows that differ or are missing are deleted from
 * the target and streamed again from the source, rows the source no longer
 * has are deleted. Both connections must be inside transactions (the
 * source's temporary key table lives until its commit). A table whose
 * checksums already agree costs one server-side pass on each side (at once);
 * one that differs also one read of both sides' row digests plus the rows
 * that changed, never a rewrite of the table.
 */
export async function syncTable(source: pg.ClientBase, target: pg.ClientBase, t: TableInfo): Promise<TableDelta> {
  const [sourceSum, targetSum] = await Promise.all([tableChecksum(source, t), tableChecksum(target, t)]);
  if (same(sourceSum, targetSum)) return { table: t.name, changed: 0, removed: 0, source: sourceSum, matched: true };
  const [want, have] = await Promise.all([digests(source, t), digests(target, t)]);
  const changed: string[] = [];
  for (const [k, h] of want) if (have.get(k) !== h) changed.push(k);
  const removed: string[] = [];
  for (const k of have.keys()) if (!want.has(k)) removed.push(k);
  const stale = changed.filter((k) => have.has(k)).concat(removed);
  const tmp = `ftc_sync_${t.name}`.slice(0, 60);
  if (stale.length) {
    await keyTable(target, tmp, stale);
    await target.query(`DELETE FROM ${quoteIdent(t.name)} x USING ${quoteIdent(tmp)} k WHERE ${keyExpr(t, 'x.')} = k.k`);
  }
  if (changed.length) {
    await keyTable(source, tmp, changed);
    const cols = t.columns.map((c) => `x.${quoteIdent(c)}`).join(', ');
    await pipeline(
      source.query(
        copyStreams.to(
          `COPY (SELECT ${cols} FROM ${quoteIdent(t.name)} x JOIN ${quoteIdent(tmp)} k ON ${keyExpr(t, 'x.')} = k.k) TO STDOUT`,
        ),
      ),
      target.query(copyStreams.from(`COPY ${quoteIdent(t.name)} (${t.columns.map(quoteIdent).join(', ')}) FROM STDIN`)),
    );
  }
  return { table: t.name, changed: changed.length, removed: removed.length, source: sourceSum, matched: false };
}

/** Each table's target checksum against the source's: row count and checksum must match (a table that already matched is not read again). */
export async function verifyTables(
  target: pg.ClientBase,
  tables: TableInfo[],
  deltas: Map<string, TableDelta>,
): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  for (const t of tables) {
    const delta = deltas.get(t.name)!;
    const want = delta.source;
    // A table that matched before the catch-up was not written to since (same transaction): not read again.
    const got = delta.matched ? want : await tableChecksum(target, t);
    if (!same(want, got)) throw new TableMismatchError(t.name, got.rows, want.rows);
    rows[t.name] = want.rows;
  }
  return rows;
}

export class TableMismatchError extends Error {
  constructor(table: string, got: number, want: number) {
    super(`Table ${table} differs on the target (${got} rows, expected ${want}); not switched`);
  }
}
