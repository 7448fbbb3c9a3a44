/** The webhooks module's public API. */
export { WebhooksModule } from './webhooks.module.js';
export { NO_WEBHOOK_DISPATCH, WebhookDispatcherService } from './webhook-dispatcher.service.js';
export { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events.js';
