import { Module } from '@nestjs/common';
import { TimeTrackingModule } from '../time-tracking/index.js';
import { ChatController } from './chat.controller.js';
import { ChatService } from './chat.service.js';
import { ConversationsRepository } from './conversations.repository.js';
import { AssistantService } from './assistant/assistant.service.js';
import { LlmAssistant } from './assistant/llm-assistant.js';
import { LlmClient } from './assistant/llm.client.js';

/** Conversations and the time-tracking assistant (tenant-scoped). */
@Module({
  imports: [TimeTrackingModule],
  controllers: [ChatController],
  providers: [ChatService, ConversationsRepository, AssistantService, LlmAssistant, LlmClient],
})
export class ChatModule {}
