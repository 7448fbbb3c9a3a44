/** The chat module's public API. */
export { ChatModule } from './chat.module.js';
