import { pgConfigFromUrl, withDatabase } from './sql.js';

/** A PostgreSQL server that holds tenant databases, reached with admin credentials. */
export interface DatabaseServerConfig {
  name: string;
  /** Admin connection URL to the server's maintenance database. */
  adminUrl: string;
  host: string;
  port: number;
}

/**
 * Parses TENANT_DATABASE_SERVERS: a comma-separated list of
 * `name=postgresql://admin:pw@host:port/postgres` or bare URLs (named
 * host:port). Without it, tenant databases live beside the main database.
 */
export function parseDatabaseServers(spec: string | undefined, mainUrl: string): DatabaseServerConfig[] {
  const entries = (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) {
    const url = withDatabase(mainUrl, 'postgres');
    const { host, port } = pgConfigFromUrl(url);
    return [{ name: 'default', adminUrl: url, host, port }];
  }
  const servers = entries.map((entry) => {
    const eq = entry.indexOf('=');
    const hasName = eq > 0 && !entry.slice(0, eq).includes(':');
    const url = hasName ? entry.slice(eq + 1) : entry;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`TENANT_DATABASE_SERVERS: not a URL: ${hasName ? entry.slice(0, eq) + '=…' : '…'}`);
    }
    if (!/^postgres(ql)?:$/.test(parsed.protocol)) throw new Error('TENANT_DATABASE_SERVERS: each server must be a postgresql:// URL');
    const { host, port } = pgConfigFromUrl(url);
    const name = hasName ? entry.slice(0, eq) : `${host}:${port}`;
    if (!/^[A-Za-z0-9_.:-]+$/.test(name)) throw new Error(`TENANT_DATABASE_SERVERS: bad server name "${name}"`);
    return { name, adminUrl: parsed.pathname.length > 1 ? url : withDatabase(url, 'postgres'), host, port };
  });
  const names = new Set(servers.map((s) => s.name));
  if (names.size !== servers.length) throw new Error('TENANT_DATABASE_SERVERS: server names must be unique');
  return servers;
}
