/** The operations module's public API. */
export { OperationsModule } from './operations.module.js';
