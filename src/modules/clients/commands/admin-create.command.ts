import { Command, CommandRunner, Option } from 'nest-commander';
import { PlatformAdminService } from '../platform-admin.service.js';
import { print } from './cli-support.js';

interface Options {
  email: string;
  password: string;
  name?: string;
}

@Command({
  name: 'admin:create',
  description: 'Create a platform admin (a user without a client holding the platform-admin role)',
})
export class AdminCreateCommand extends CommandRunner {
  constructor(private readonly admins: PlatformAdminService) {
    super();
  }

  async run(_args: string[], options: Options): Promise<void> {
    const user = await this.admins.create({ email: options.email, password: options.password, name: options.name });
    print(`Created platform admin ${user.email} (${user.id})`);
  }

  @Option({
    flags: '--email <email>',
    description: 'E-mail (login); defaults to $PLATFORM_ADMIN_EMAIL',
    required: true,
    env: 'PLATFORM_ADMIN_EMAIL',
  })
  parseEmail(value: string): string {
    return value;
  }

  @Option({
    flags: '--password <password>',
    description: 'Password, at least 10 characters; defaults to $PLATFORM_ADMIN_PASSWORD (keeps it out of the process list)',
    required: true,
    env: 'PLATFORM_ADMIN_PASSWORD',
  })
  parsePassword(value: string): string {
    return value;
  }

  @Option({ flags: '--name <name>', description: 'Display name (default "Platform admin")' })
  parseName(value: string): string {
    return value;
  }
}
