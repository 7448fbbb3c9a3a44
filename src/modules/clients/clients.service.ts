import { Injectable } from '@nestjs/common';
import { MainPrismaService } from '../../database/main-prisma.service.js';
import { ProvisioningService } from '../../database/provisioning.service.js';
import { ConflictError } from '../../common/errors.js';
import { constraintViolation } from '../../common/prisma-errors.js';
import { UsersService, normalizeEmail } from '../rbac/users.service.js';
import { slugify } from './slug.js';

export interface CreateClientInput {
  name: string;
  slug?: string;
  admin: { email: string; name: string; password: string; timeZone?: string };
}

export interface CreatedClient {
  clientId: string;
  adminUserId: string;
}

/**
 * Creating a client with its first admin: shared by POST /clients, signup,
 * the CLI and the demo seed. The database is provisioned before this returns.
 */
@Injectable()
export class ClientsService {
  constructor(
    private readonly main: MainPrismaService,
    private readonly provisioning: ProvisioningService,
    private readonly users: UsersService,
  ) {}

  async createWithAdmin(input: CreateClientInput): Promise<CreatedClient> {
    const slug = input.slug ?? slugify(input.name);
    const email = normalizeEmail(input.admin.email);
    // Cheap pre-checks for a clear 409; the unique constraints decide under concurrency.
    if (await this.main.client.findUnique({ where: { slug }, select: { id: true } })) {
      throw new ConflictError('This slug is already taken', 'CONFLICT', [{ field: 'slug', message: 'slug is already taken' }]);
    }
    if (await this.main.user.findUnique({ where: { email }, select: { id: true } })) {
      throw new ConflictError('A user with this e-mail already exists', 'CONFLICT', [{ field: 'email', message: 'email is already taken' }]);
    }
    let clientId: string;
    try {
      ({ id: clientId } = await this.provisioning.register({ name: input.name.trim(), slug }));
    } catch (err) {
      if (constraintViolation(err)?.sqlState === '23505') {
        throw new ConflictError('This slug is already taken', 'CONFLICT', [{ field: 'slug', message: 'slug is already taken' }]);
      }
      throw err;
    }
    let adminUserId: string;
    try {
      ({ id: adminUserId } = await this.users.createUser({ clientId, ...input.admin, email, roleKeys: ['client-admin'] }));
    } catch (err) {
      // The e-mail was taken meanwhile: nothing of this client may remain.
      await this.main.client.delete({ where: { id: clientId } }).catch(() => undefined);
      throw err;
    }
    await this.provisioning.provision(clientId);
    return { clientId, adminUserId };
  }
}
