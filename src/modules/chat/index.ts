/** The chat module's public API. */
export { ChatModule } from './chat.module.js';
export { warmUp as warmUpChatParser } from './nlu/index.js';
