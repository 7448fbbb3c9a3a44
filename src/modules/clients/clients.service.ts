import { Injectable, Logger } from '@nestjs/common';
import { ProvisioningService } from '../../database/provisioning.service.js';
import { InvalidationService } from '../../database/invalidation.service.js';
import { TenantConnectionManager } from '../../database/tenant-connection-manager.js';
import { ConflictError, NotFoundError, ServiceUnavailableError, ValidationFailedError } from '../../common/errors.js';
import { constraintViolation } from '../../common/prisma-errors.js';
import { decodeCursor, isCreatedAtIdCursor, Page, toPage } from '../../common/pagination.js';
import { Clock } from '../../common/clock.js';
import type { ClientStatus } from '../../database/tenant-registry.service.js';
import { UsersService, normalizeEmail } from '../identity/index.js';
import { SLUG_PATTERN, slugify, slugWithSuffix } from './slug.js';
import { ClientRecord, ClientsRepository, SETTABLE_STATUSES, SettableStatus } from './clients.repository.js';
import { ClientMigrationFailedError, ClientStateConflictError, DeleteConfirmationError } from './clients.errors.js';
import { ClientMigrationsService } from './client-migrations.service.js';
import { safeErrorMessage } from './redact.js';

export interface CreateClientInput {
  name: string;
  slug?: string;
  admin: { email: string; name: string; password: string; timeZone?: string };
}

export interface CreatedClient {
  clientId: string;
  adminUserId: string;
}

export interface UpdateClientInput {
  name?: string;
  status?: SettableStatus;
}

/** Above this many sessions or users, one "flush everything" invalidation is cheaper than one per row. */
const MAX_SINGLE_INVALIDATIONS = 200;

/**
 * Tenant management: creating a client with its first admin (shared by
 * POST /clients, signup, the CLI and the demo seed), renaming, suspending,
 * resuming, migrating and deleting. Every status change is published so all
 * instances enforce it at once.
 */
@Injectable()
export class ClientsService {
  private readonly logger = new Logger(ClientsService.name);
  private readonly beforeDropHooks: ((client: ClientRecord) => Promise<void>)[] = [];

  constructor(
    private readonly provisioning: ProvisioningService,
    private readonly users: UsersService,
    private readonly clients: ClientsRepository,
    private readonly migrations: ClientMigrationsService,
    private readonly invalidation: InvalidationService,
    private readonly connections: TenantConnectionManager,
    private readonly clock: Clock,
  ) {}

  /** Work that must finish before a deleted client's database is dropped (its final backup); a failure keeps the database. */
  beforeDatabaseDrop(hook: (client: ClientRecord) => Promise<void>): void {
    this.beforeDropHooks.push(hook);
  }

  /** Registers the client, creates its admin and provisions its database; returns once it is active. */
  async createWithAdmin(input: CreateClientInput): Promise<CreatedClient> {
    // A slug the caller chose must be free (409 otherwise); one derived from the name is made unique (acme, acme-2, …).
    const chosen = input.slug !== undefined;
    const base = input.slug ?? slugify(input.name);
    if (!SLUG_PATTERN.test(base))
      throw ValidationFailedError.field('slug', 'slug must be 1-63 lower-case letters, digits or inner hyphens');
    const email = normalizeEmail(input.admin.email);
    const slugTaken = () =>
      new ConflictError('This slug is already taken', 'CONFLICT', [{ field: 'slug', message: 'slug is already taken' }]);
    // Cheap pre-checks for a clear 409; the unique constraints decide under concurrency.
    if (chosen && (await this.clients.slugExists(base))) throw slugTaken();
    if (await this.clients.findUserIdByEmail(email)) {
      throw new ConflictError('A user with this e-mail already exists', 'CONFLICT', [
        { field: 'email', message: 'email is already taken' },
      ]);
    }
    let clientId!: string;
    let slug = base;
    for (let attempt = 0; ; attempt++) {
      if (!chosen) slug = await this.freeSlug(base);
      try {
        ({ id: clientId } = await this.provisioning.register({ name: input.name.trim(), slug }));
        break;
      } catch (err) {
        if (constraintViolation(err)?.sqlState !== '23505') throw err;
        // Taken meanwhile: a chosen slug is the caller's conflict; a derived one moves on to the next free one.
        if (chosen || attempt >= 5) throw slugTaken();
      }
    }
    let adminUserId: string;
    try {
      ({ id: adminUserId } = await this.users.createUser({ clientId, ...input.admin, email, roleKeys: ['client-admin'] }));
    } catch (err) {
      // The e-mail was taken meanwhile: nothing of this client may remain.
      await this.clients.deleteRegistration(clientId).catch(() => undefined);
      throw err;
    }
    try {
      await this.provisioning.provision(clientId);
    } catch (err) {
      // The client stays `failed` (visible in GET /clients) and provisioning can be re-run; the caller gets a 503, not a 500.
      this.logger.error(`Provisioning ${slug} failed: ${safeErrorMessage(err)}`);
      throw new ServiceUnavailableError(`The client's database could not be created (client ${clientId} is marked failed)`);
    }
    return { clientId, adminUserId };
  }

  /** The first of `base`, `base-2`, `base-3`, … that no client has (deleted clients keep theirs). */
  private async freeSlug(base: string): Promise<string> {
    const taken = new Set(await this.clients.slugsStartingWith(base));
    for (let n = 1; ; n++) {
      const candidate = slugWithSuffix(base, n);
      if (!taken.has(candidate)) return candidate;
    }
  }

  /** POST /clients: the created client as the registry now holds it. */
  async create(input: CreateClientInput): Promise<ClientRecord> {
    const { clientId } = await this.createWithAdmin(input);
    return this.get(clientId);
  }

  async get(id: string): Promise<ClientRecord> {
    const client = await this.clients.findById(id);
    if (!client) throw new NotFoundError('Client');
    return client;
  }

  async getBySlug(slug: string): Promise<ClientRecord> {
    const client = await this.clients.findBySlug(slug);
    if (!client) throw new NotFoundError(`Client "${slug}"`);
    return client;
  }

  async list(query: { status?: ClientStatus; limit?: number; cursor?: string }): Promise<Page<ClientRecord>> {
    const limit = query.limit ?? 50;
    const cursor = decodeCursor(query.cursor, isCreatedAtIdCursor);
    const rows = await this.clients.list({
      status: query.status,
      limit,
      after: cursor ? { createdAt: new Date(cursor.t), id: cursor.id } : null,
    });
    return toPage(
      rows,
      limit,
      (r) => r,
      (r) => ({ t: r.createdAt.toISOString(), id: r.id }),
    );
  }

  /** Rename and/or suspend/resume. Suspension takes effect on every instance within a second (LISTEN/NOTIFY). */
  async update(id: string, input: UpdateClientInput): Promise<ClientRecord> {
    const client = await this.get(id);
    const name = input.name != null ? input.name.trim() : undefined;
    if (name === undefined && input.status === undefined) return client;
    // One conditional update, answered as it left the row: a suspend, resume or delete landing at the same
    // time must not make this answer 200 with a status it did not ask for.
    const updated = await this.clients.patch(id, { name, status: input.status });
    if (!updated) {
      const action =
        input.status === undefined
          ? 'rename'
          : input.status === 'suspended'
            ? 'suspend'
            : input.status === 'maintenance'
              ? 'start maintenance of'
              : 'resume';
      throw new ClientStateConflictError((await this.get(id)).status, action);
    }
    if (input.status !== undefined && input.status !== client.status) await this.invalidation.publish('client', id);
    return updated;
  }

  suspend(id: string): Promise<ClientRecord> {
    return this.update(id, { status: 'suspended' });
  }

  resume(id: string): Promise<ClientRecord> {
    return this.update(id, { status: 'active' });
  }

  /** POST /clients/:id/migrate: pending client-database migrations of one client. */
  async migrate(id: string): Promise<{ schemaVersion: string | null; applied: string[] }> {
    const client = await this.get(id);
    if (!(SETTABLE_STATUSES as readonly string[]).includes(client.status)) throw new ClientStateConflictError(client.status, 'migrate');
    const result = await this.migrations.migrateTenant(client);
    if (result.status === 'failed') {
      throw new ClientMigrationFailedError(`Migrating the client's database failed and was rolled back: ${result.error}`);
    }
    return { schemaVersion: result.toVersion, applied: result.applied };
  }

  /**
   * Deletes a client: marks it `deleted` (refused at once everywhere), ends
   * every session of its users and deactivates them, then drops its database
   * and role. `confirm` must equal the slug. Re-running on a deleted client
   * finishes a drop that failed half-way.
   */
  async delete(id: string, confirm: string | undefined): Promise<void> {
    const client = await this.get(id);
    if (confirm !== client.slug) throw new DeleteConfirmationError();
    // Under the client's lock, so an in-flight provisioning finishes first and cannot flip it back to active.
    await this.provisioning.withClientLock(id, () => this.clients.markDeleted(id, this.clock.now()));
    await this.invalidation.publish('client', id);
    const { userIds, sessionIds } = await this.clients.revokeAllAccess(id, this.clock.now());
    if (userIds.length + sessionIds.length > MAX_SINGLE_INVALIDATIONS) {
      await this.invalidation.publish('all', '*');
    } else {
      for (const sid of sessionIds) await this.invalidation.publish('session', sid);
      for (const uid of userIds) await this.invalidation.publish('user', uid);
    }
    await this.connections.close(id);
    try {
      for (const hook of this.beforeDropHooks) await hook(client);
    } catch (err) {
      this.logger.error(`The final backup of ${client.slug} failed: ${safeErrorMessage(err)}`);
      throw new ServiceUnavailableError('The client is deleted but its final backup failed, so its database was kept; repeat the request');
    }
    try {
      await this.provisioning.deprovision(id);
    } catch (err) {
      this.logger.error(`Dropping the database of ${client.slug} failed: ${safeErrorMessage(err)}`);
      throw new ServiceUnavailableError('The client is deleted but its database could not be dropped yet; repeat the request to finish');
    }
  }
}
