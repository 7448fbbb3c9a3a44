/** The health module's public API. */
export { HealthController } from './health.controller.js';
export { ApiIndexController } from './api-index.controller.js';
