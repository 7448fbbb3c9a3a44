/**
 * Identifier and literal quoting for the few statements that cannot take
 * bind parameters (CREATE DATABASE, CREATE ROLE, GRANT), and the one way a
 * database is cloned from a template. Nothing here ever reaches a shell.
 */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('Identifier contains a NUL byte');
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('Literal contains a NUL byte');
  return `'${value.replace(/'/g, "''")}'`;
}

/** A connection URL for the same server with another database (and optionally other credentials). */
export function withDatabase(url: string, database: string, credentials?: { user: string; password: string }): string {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  if (credentials) {
    u.username = encodeURIComponent(credentials.user);
    u.password = encodeURIComponent(credentials.password);
  }
  return u.toString();
}

export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
}

/** pg connection fields from a URL (pg's own parser treats some characters in passwords badly). */
export function pgConfigFromUrl(url: string): { host: string; port: number; user: string; password: string; database: string } {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname).replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
  };
}

/**
 * CREATE DATABASE … TEMPLATE (with `strategy` when given, else the server's default). It fails (55006) while
 * anyone stays connected to the template past PostgreSQL's own 5 s wait (another clone starting, an instance
 * refreshing it), so that case is retried.
 */
export async function cloneDatabase(
  db: { query(sql: string): Promise<unknown> },
  template: string,
  database: string,
  strategy?: 'wal_log' | 'file_copy',
): Promise<void> {
  const sql = `CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(template)}${strategy ? ` STRATEGY ${strategy.toUpperCase()}` : ''}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await db.query(sql);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || attempt >= 60) throw err;
      await new Promise((r) => setTimeout(r, 25 + attempt * 10));
    }
  }
}
