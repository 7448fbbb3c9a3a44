import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { quoteIdent } from '../../../database/sql.js';

/**
 * Table-level COPY helpers shared by backups, restores, moves and dry-run
 * migrations: every table read in primary-key order with COPY … TO STDOUT,
 * so the same data always gives the same bytes, row count and sha256.
 */
export interface TableInfo {
  name: string;
  columns: string[];
  orderBy: string[];
}

export interface TableSum {
  rows: number;
  sha256: string;
}

/** Data tables of schema public (not Prisma's bookkeeping), with columns in order and the primary key to sort by. */
export async function listTables(c: pg.ClientBase): Promise<TableInfo[]> {
  const { rows } = await c.query<{ name: string; columns: string[]; pk: string[] | null }>(
    `SELECT t.relname AS name,
            array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum) AS columns,
            (SELECT array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = u.n ORDER BY u.o)
               FROM pg_constraint k WHERE k.conrelid = t.oid AND k.contype = 'p') AS pk
       FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p') AND t.relname <> '_prisma_migrations'
      ORDER BY t.relname`,
  );
  return rows.map((r) => ({ name: r.name, columns: r.columns, orderBy: r.pk ?? r.columns }));
}

function copyOutSql(t: TableInfo): string {
  const cols = t.columns.map(quoteIdent).join(', ');
  const order = t.orderBy.map(quoteIdent).join(', ');
  return `COPY (SELECT ${cols} FROM ${quoteIdent(t.name)} ORDER BY ${order}) TO STDOUT`;
}

/** A pass-through stream that counts rows (COPY text lines) and hashes the bytes. */
function measuring(): { stream: Transform; sum(): TableSum } {
  const hash = createHash('sha256');
  let rows = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      // One COPY text row per newline (newlines inside values are escaped); indexOf is ~30x a byte loop.
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
      done(null, chunk);
    },
  });
  return { stream, sum: () => ({ rows, sha256: hash.digest('hex') }) };
}

async function drain(source: AsyncIterable<Buffer>): Promise<void> {
  for await (const _chunk of source) void _chunk;
}

/** COPY one table out (to `file`, or only measured): rows and the sha256 of the COPY text. */
export async function copyOut(c: pg.ClientBase, t: TableInfo, file: string | null): Promise<TableSum> {
  const m = measuring();
  const stream = c.query(copyStreams.to(copyOutSql(t)));
  if (file) await pipeline(stream, m.stream, createWriteStream(file, { flags: 'wx' }));
  else await pipeline(stream, m.stream, drain);
  return m.sum();
}

function copyInStream(c: pg.ClientBase, table: string, columns: string[]): Writable {
  const cols = columns.map(quoteIdent).join(', ');
  return c.query(copyStreams.from(`COPY ${quoteIdent(table)} (${cols}) FROM STDIN`));
}

export async function copyIn(c: pg.ClientBase, table: string, columns: string[], file: string): Promise<void> {
  await pipeline(createReadStream(file), copyInStream(c, table, columns));
}

/**
 * Streams one table from `source` into the same table of `target` (COPY out,
 * COPY in, no file between): answers the rows and sha256 of what was read.
 */
export async function copyBetween(source: pg.ClientBase, target: pg.ClientBase, t: TableInfo): Promise<TableSum> {
  const m = measuring();
  await pipeline(source.query(copyStreams.to(copyOutSql(t))), m.stream, copyInStream(target, t.name, t.columns));
  return m.sum();
}

/** Sequences owned by columns continue after the loaded rows. */
export async function resetSequences(c: pg.ClientBase): Promise<void> {
  const { rows } = await c.query<{ seq: string; tbl: string; col: string }>(
    `SELECT s.oid::regclass::text AS seq, t.relname AS tbl, a.attname AS col
       FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')
       JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE s.relkind = 'S' AND n.nspname = 'public'`,
  );
  for (const r of rows) {
    await c.query(`SELECT setval($1::regclass, coalesce((SELECT max(${quoteIdent(r.col)}) FROM ${quoteIdent(r.tbl)}), 0) + 1, false)`, [
      r.seq,
    ]);
  }
}
