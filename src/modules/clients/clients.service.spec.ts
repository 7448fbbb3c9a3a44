import 'reflect-metadata';
import { jest } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { Clock } from '../../common/clock.js';
import { ConflictError, NotFoundError } from '../../common/errors.js';
import { InvalidationService } from '../../database/invalidation.service.js';
import { ProvisioningService } from '../../database/provisioning.service.js';
import { TenantConnectionManager } from '../../database/tenant-connection-manager.js';
import { UsersService } from '../identity/index.js';
import { ClientMigrationsService } from './client-migrations.service.js';
import { ClientRecord, ClientsRepository } from './clients.repository.js';
import { DeleteConfirmationError } from './clients.errors.js';
import { ClientsService } from './clients.service.js';

const CLIENT = '16fd2706-8baf-433b-82eb-8c7fada847da';
const admin = { email: 'Boss@Acme.test', name: 'Boss', password: 'BossPassword123' };
/** What the main database answers for a unique constraint violation. */
const uniqueViolation = () =>
  Object.assign(new Error('duplicate key value violates unique constraint "clients_slug_key"'), { code: '23505' });

/** ClientsService with typed fakes: `slugs` are the clients that exist, `emails` the users. */
async function setup(opts: { slugs?: string[]; emails?: string[] } = {}) {
  const slugs = new Set(opts.slugs ?? []);
  const emails = new Set(opts.emails ?? []);
  const f = {
    provisioning: {
      register: jest.fn<ProvisioningService['register']>(
        async () => ({ id: CLIENT }) as Awaited<ReturnType<ProvisioningService['register']>>,
      ),
      provision: jest.fn<ProvisioningService['provision']>().mockResolvedValue(undefined as never),
      withClientLock: jest.fn(async (_id: string, fn: () => Promise<unknown>) => fn()),
      deprovision: jest.fn<ProvisioningService['deprovision']>().mockResolvedValue(undefined as never),
    },
    users: { createUser: jest.fn(async () => ({ id: 'admin-id' })) },
    clients: {
      slugExists: jest.fn<ClientsRepository['slugExists']>(async (slug) => slugs.has(slug)),
      slugsStartingWith: jest.fn<ClientsRepository['slugsStartingWith']>(async (prefix) => [...slugs].filter((s) => s.startsWith(prefix))),
      deleteRegistration: jest.fn<ClientsRepository['deleteRegistration']>().mockResolvedValue(undefined as never),
      findUserIdByEmail: jest.fn<ClientsRepository['findUserIdByEmail']>(async (email) => (emails.has(email) ? 'u' : null)),
      findById: jest.fn<ClientsRepository['findById']>(async (id) =>
        id === CLIENT ? ({ id, slug: 'acme', status: 'active' } as ClientRecord) : null,
      ),
      markDeleted: jest.fn<ClientsRepository['markDeleted']>().mockResolvedValue(undefined as never),
      revokeAllAccess: jest.fn<ClientsRepository['revokeAllAccess']>().mockResolvedValue({ userIds: ['u1'], sessionIds: ['s1'] }),
    },
    invalidation: { publish: jest.fn<InvalidationService['publish']>().mockResolvedValue(undefined as never) },
    connections: { close: jest.fn<TenantConnectionManager['close']>().mockResolvedValue(undefined as never) },
  };
  const module = await Test.createTestingModule({
    providers: [
      ClientsService,
      Clock,
      { provide: ProvisioningService, useValue: f.provisioning },
      { provide: UsersService, useValue: f.users },
      { provide: ClientsRepository, useValue: f.clients },
      { provide: ClientMigrationsService, useValue: {} },
      { provide: InvalidationService, useValue: f.invalidation },
      { provide: TenantConnectionManager, useValue: f.connections },
    ],
  }).compile();
  return { service: module.get(ClientsService), slugs, ...f };
}

describe('ClientsService.createWithAdmin: slugs', () => {
  it('answers a chosen slug that is taken with 409 on the slug field, before registering anything', async () => {
    const { service, provisioning } = await setup({ slugs: ['acme'] });
    const err = await service.createWithAdmin({ name: 'Acme', slug: 'acme', admin }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).details).toEqual([{ field: 'slug', message: 'slug is already taken' }]);
    expect(provisioning.register).not.toHaveBeenCalled();
  });

  // Two signups racing for one slug both pass the pre-check; the unique constraint decides and the loser gets the same 409.
  it('answers a chosen slug taken meanwhile (unique violation) with the same 409', async () => {
    const { service, provisioning } = await setup();
    provisioning.register.mockRejectedValueOnce(uniqueViolation());
    await expect(service.createWithAdmin({ name: 'Acme', slug: 'acme', admin })).rejects.toBeInstanceOf(ConflictError);
    expect(provisioning.register).toHaveBeenCalledTimes(1);
  });

  it('derives a free slug from the name when none is chosen, moving on when one is taken meanwhile', async () => {
    const { service, provisioning, slugs } = await setup({ slugs: ['acme-corp'] });
    // Another signup registers acme-corp-2 between this one's look-up and its insert.
    provisioning.register.mockImplementationOnce(async ({ slug }) => {
      slugs.add(slug);
      throw uniqueViolation();
    });
    await service.createWithAdmin({ name: 'Acme Corp', admin });
    expect(provisioning.register.mock.calls.map(([c]) => c.slug)).toEqual(['acme-corp-2', 'acme-corp-3']);
  });

  it('answers an admin e-mail that is taken with 409 on the email field', async () => {
    const { service, provisioning } = await setup({ emails: ['boss@acme.test'] });
    const err = await service.createWithAdmin({ name: 'Acme', admin }).catch((e: unknown) => e);
    expect((err as ConflictError).details).toEqual([{ field: 'email', message: 'email is already taken' }]);
    expect(provisioning.register).not.toHaveBeenCalled();
  });
});

describe('ClientsService.delete', () => {
  // Deleting drops a database: the caller must name the client they mean, not just hold an id.
  it('refuses a confirmation that is not the client’s slug, and changes nothing', async () => {
    const { service, clients, provisioning } = await setup();
    for (const confirm of [undefined, '', 'ACME', 'acme-2', CLIENT])
      await expect(service.delete(CLIENT, confirm)).rejects.toBeInstanceOf(DeleteConfirmationError);
    expect(clients.markDeleted).not.toHaveBeenCalled();
    expect(provisioning.deprovision).not.toHaveBeenCalled();
  });

  it('answers an unknown client with 404', async () => {
    const { service } = await setup();
    await expect(service.delete('00000000-0000-4000-8000-000000000000', 'acme')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('marks the client deleted under its lock, ends every session at once and drops its database', async () => {
    const { service, clients, provisioning, invalidation, connections } = await setup();
    await service.delete(CLIENT, 'acme');
    expect(provisioning.withClientLock).toHaveBeenCalledWith(CLIENT, expect.any(Function));
    expect(clients.markDeleted).toHaveBeenCalledWith(CLIENT, expect.any(Date));
    expect(invalidation.publish.mock.calls).toEqual([
      ['client', CLIENT],
      ['session', 's1'],
      ['user', 'u1'],
    ]);
    expect(connections.close).toHaveBeenCalledWith(CLIENT);
    expect(provisioning.deprovision).toHaveBeenCalledWith(CLIENT);
  });
});
