/** The impersonation module's public API. */
export { ImpersonationModule } from './impersonation.module.js';
