/** Idempotency-Key on POSTs: the module (its interceptor is global). */
export { IdempotencyModule } from './idempotency.module.js';
