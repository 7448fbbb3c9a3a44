import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../common/secret-box.js';
import { AppConfigService } from '../../config/config.service.js';

/** Bytes of a new signing secret (Standard Webhooks: 24 to 64). */
const SECRET_BYTES = 32;

/**
 * Signing secrets: `whsec_<base64 of 32 random bytes>`, sealed at rest with
 * the key that seals tenant database passwords (ENCRYPTION_KEY, else derived
 * from JWT_SECRET). The plain secret leaves the service once, in the answer
 * to the creation.
 */
@Injectable()
export class WebhookSecrets {
  private readonly box: SecretBox;

  constructor(config: AppConfigService) {
    this.box = new SecretBox(config.get('ENCRYPTION_KEY') ?? config.get('JWT_SECRET'));
  }

  generate(): string {
    return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`;
  }

  seal(secret: string): string {
    return this.box.seal(secret);
  }

  open(sealed: string): string {
    return this.box.open(sealed);
  }
}
