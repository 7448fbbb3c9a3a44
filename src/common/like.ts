/**
 * Text for a LIKE/ILIKE pattern (Prisma's `contains`, `startsWith`) that
 * matches literally: `%`, `_` and the escape character `\` are escaped, so
 * `?search=_` finds names with an underscore instead of every name.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
