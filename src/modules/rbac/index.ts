/** The rbac module's public API. */
export { RbacModule } from './rbac.module.js';
