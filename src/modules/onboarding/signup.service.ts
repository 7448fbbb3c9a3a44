import { Injectable } from '@nestjs/common';
import { AppConfigService } from '../../config/config.service.js';
import { AuthService, type ClientMeta } from '../auth/index.js';
import { ClientsService } from '../clients/index.js';
import { canonicalTimeZone } from '../identity/index.js';
import type { SignupDto, SignupResponseDto } from './dto/signup.dto.js';
import { SignupDisabledError } from './onboarding.errors.js';

/**
 * Self-service signup: a new client (company) with its database and first
 * admin (the clients module), then that admin signed in (the auth module).
 */
@Injectable()
export class SignupService {
  constructor(
    private readonly config: AppConfigService,
    private readonly clients: ClientsService,
    private readonly auth: AuthService,
  ) {}

  async signup(dto: SignupDto, meta: ClientMeta): Promise<SignupResponseDto> {
    if (!this.config.get('SIGNUP_ENABLED')) throw new SignupDisabledError();
    const { clientId, adminUserId } = await this.clients.createWithAdmin({
      name: dto.companyName,
      slug: dto.slug,
      admin: {
        email: dto.email,
        name: dto.name,
        password: dto.password,
        timeZone: dto.timeZone ? canonicalTimeZone(dto.timeZone) : undefined,
      },
    });
    return this.auth.signInNewClientAdmin(adminUserId, clientId, meta);
  }
}
