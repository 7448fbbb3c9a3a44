import { createHash } from 'node:crypto';

/**
 * A strong ETag: the SHA-256 of the resource's JSON representation, so it
 * changes exactly when any byte of the answer does (including fields that
 * live in other rows, such as a user's role names), with no column to keep
 * in step.
 */
export function etagOf(representation: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(representation)).digest('base64url').slice(0, 32)}"`;
}

function entityTags(header: string): string[] {
  return header
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

/** `If-None-Match` (RFC 9110 §13.1.2): weak comparison, `*` matches any current representation. */
export function noneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (typeof header !== 'string') return false;
  const opaque = (t: string) => (t.startsWith('W/') ? t.slice(2) : t);
  return entityTags(header).some((t) => t === '*' || opaque(t) === etag);
}

/** `If-Match` (RFC 9110 §13.1.1): strong comparison (a weak tag never matches), `*` matches any current representation. */
export function ifMatchHolds(header: string | string[] | undefined, etag: string): boolean {
  if (typeof header !== 'string') return false;
  return entityTags(header).some((t) => t === '*' || t === etag);
}
