import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { WebhookDispatchRepository } from './webhook-dispatch.repository.js';
import { WebhookDispatcherService } from './webhook-dispatcher.service.js';
import { WebhookSecrets } from './webhook-secrets.js';
import { WebhookSignalInterceptor } from './webhook-signal.interceptor.js';
import { WebhookSignalRepository } from './webhook-signal.repository.js';
import { WebhookSignalService } from './webhook-signal.service.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Webhooks (tenant-scoped): endpoints and their delivery log over REST; the
 * outbox is written by a database trigger in the change's transaction; the
 * dispatcher delivers. See README.md in this folder.
 */
@Module({
  controllers: [WebhooksController],
  providers: [
    WebhooksService,
    WebhooksRepository,
    WebhookDispatchRepository,
    WebhookSignalRepository,
    WebhookSignalService,
    WebhookSecrets,
    WebhookDispatcherService,
    { provide: APP_INTERCEPTOR, useClass: WebhookSignalInterceptor },
  ],
  exports: [WebhookDispatcherService],
})
export class WebhooksModule {}
