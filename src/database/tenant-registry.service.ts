import { Injectable } from '@nestjs/common';
import { AppConfigService } from '../config/config.service.js';
import { SecretBox } from '../common/secret-box.js';
import { MainPrismaService } from './main-prisma.service.js';
import { InvalidationService } from './invalidation.service.js';
import { DatabaseServerConfig, parseDatabaseServers } from './database-servers.js';
import { growingLru } from '../common/lru.js';

export type ClientStatus = 'provisioning' | 'active' | 'suspended' | 'maintenance' | 'failed' | 'deleted';

/** Statuses whose users may sign in and read: active, or read-only in maintenance. */
export const SERVING_STATUSES: readonly ClientStatus[] = ['active', 'maintenance'];

/** What the tenancy runtime needs to know about a client; cached per instance. */
export interface TenantRecord {
  id: string;
  slug: string;
  status: ClientStatus;
  databaseName: string;
  server: DatabaseServerConfig;
  role: string;
  password: string;
}

/**
 * The tenant registry: a client's status and database location, cached
 * in-process and dropped on every instance at once when it changes (the
 * invalidation is published by whoever changes the row).
 */
@Injectable()
export class TenantRegistryService {
  private readonly cache = growingLru<string, TenantRecord | 'missing'>(20_000, 60_000);
  private readonly inflight = new Map<string, Promise<TenantRecord | null>>();
  readonly servers: DatabaseServerConfig[];
  readonly secrets: SecretBox;
  private generation = 0;

  constructor(
    private readonly main: MainPrismaService,
    invalidation: InvalidationService,
    config: AppConfigService,
  ) {
    this.servers = parseDatabaseServers(config.get('TENANT_DATABASE_SERVERS'), config.get('DATABASE_URL'));
    this.secrets = new SecretBox(config.get('ENCRYPTION_KEY') ?? config.get('JWT_SECRET'));
    invalidation.subscribe((msg) => {
      if (msg.kind === 'all') {
        this.generation++;
        this.cache.clear();
      } else if (msg.kind === 'client') {
        this.generation++;
        this.cache.delete(msg.id);
      }
    });
  }

  server(name: string): DatabaseServerConfig {
    const s = this.servers.find((x) => x.name === name);
    if (!s) throw new Error(`Database server "${name}" is not configured in TENANT_DATABASE_SERVERS`);
    return s;
  }

  async get(clientId: string): Promise<TenantRecord | null> {
    const hit = this.cache.get(clientId);
    if (hit !== undefined) return hit === 'missing' ? null : hit;
    let p = this.inflight.get(clientId);
    if (!p) {
      const gen = this.generation;
      p = this.load(clientId)
        .then((rec) => {
          // Don't cache an answer that an invalidation overtook while loading.
          if (gen === this.generation) this.cache.set(clientId, rec ?? 'missing');
          return rec;
        })
        .finally(() => this.inflight.delete(clientId));
      this.inflight.set(clientId, p);
    }
    return p;
  }

  private async load(clientId: string): Promise<TenantRecord | null> {
    if (!/^[0-9a-f-]{36}$/i.test(clientId)) return null;
    const c = await this.main.client.findUnique({ where: { id: clientId } });
    if (!c) return null;
    return {
      id: c.id,
      slug: c.slug,
      status: c.status as ClientStatus,
      databaseName: c.databaseName,
      server: this.server(c.databaseServer),
      role: c.databaseRole,
      password: this.secrets.open(c.databasePasswordEnc),
    };
  }
}
