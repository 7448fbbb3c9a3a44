import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { AppConfigService } from '../../config/config.service.js';
import { ValidationFailedError } from '../../common/errors.js';
import { UsersService } from '../identity/index.js';
import { PlatformAdminsRepository } from './platform-admins.repository.js';
import { safeErrorMessage } from './redact.js';

/** Provided (true) by the CLI: its commands create admins explicitly, and `db:migrate` must run on an empty database. */
export const SKIP_PLATFORM_ADMIN_BOOTSTRAP = Symbol('SKIP_PLATFORM_ADMIN_BOOTSTRAP');

export interface PlatformAdminInput {
  email: string;
  password: string;
  name?: string;
}

/**
 * Platform admins (users without a client, holding `platform-admin`). At
 * start, when PLATFORM_ADMIN_EMAIL/PASSWORD are configured and none exists,
 * creates the first one; instances starting together serialise on an
 * advisory lock, and the unique e-mail backs that up.
 */
@Injectable()
export class PlatformAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger(PlatformAdminService.name);

  constructor(
    private readonly config: AppConfigService,
    private readonly admins: PlatformAdminsRepository,
    private readonly users: UsersService,
    @Optional() @Inject(SKIP_PLATFORM_ADMIN_BOOTSTRAP) private readonly skipBootstrap?: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.skipBootstrap) return;
    const email = this.config.get('PLATFORM_ADMIN_EMAIL');
    const password = this.config.get('PLATFORM_ADMIN_PASSWORD');
    if (!email || !password) return;
    try {
      const result = await this.ensureFirstAdmin({ email, password });
      if (result.created) this.logger.log(`Created the first platform admin ${email}`);
    } catch (err) {
      // Start-up goes on: an operator can still create one with `npm run cli -- admin:create`.
      this.logger.error(`Could not create the platform admin from PLATFORM_ADMIN_EMAIL: ${safeErrorMessage(err)}`);
    }
  }

  /** Creates a platform admin unless one exists already (race-safe across instances). */
  async ensureFirstAdmin(input: PlatformAdminInput): Promise<{ created: boolean; userId: string | null }> {
    return this.admins.withBootstrapLock(async () => {
      if ((await this.admins.count()) > 0) return { created: false, userId: null };
      const { id } = await this.create(input);
      return { created: true, userId: id };
    });
  }

  /** Creates a platform admin (`admin:create`); 409 CONFLICT when the e-mail is taken. */
  async create(input: PlatformAdminInput): Promise<{ id: string; email: string }> {
    if (!/^[^\s@]+@[^\s@]+$/.test(input.email.trim())) throw ValidationFailedError.field('email', 'email must be an e-mail address');
    if (input.password.length < 10) throw ValidationFailedError.field('password', 'password must be at least 10 characters');
    return this.users.createUser({
      clientId: null,
      email: input.email,
      name: input.name?.trim() || 'Platform admin',
      password: input.password,
      roleKeys: ['platform-admin'],
    });
  }

  list() {
    return this.admins.list();
  }
}
