import { AppConfigService } from '../../config/config.service.js';
import { ChecksTenantActor } from '../../database/tenant-actor.js';
import { Injectable } from '@nestjs/common';
import { NotFoundError, QuotaExceededError } from '../../common/errors.js';
import { decodeCursor, isCreatedAtIdCursor, Page, toPage } from '../../common/pagination.js';
import type { Actor } from '../time-tracking/index.js';
import { AssistantService } from './assistant/assistant.service.js';
import type { ChatAction } from './assistant/actions.js';
import { ConversationRow, ConversationsRepository, MessageRow } from './conversations.repository.js';
import type { ConversationDto, MessageDto } from './dto/chat.dto.js';

export function toConversationDto(c: ConversationRow): ConversationDto {
  return { id: c.id, title: c.title, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() };
}

export function toMessageDto(m: MessageRow): MessageDto {
  return {
    id: m.id,
    conversationId: m.conversationId,
    role: m.role as 'user' | 'assistant',
    content: m.content,
    actions: (Array.isArray(m.actions) ? m.actions : []) as MessageDto['actions'],
    createdAt: m.createdAt.toISOString(),
  };
}

/** A message's sequence number: a positive bigint (PostgreSQL int8), as the service writes it. */
const isSeqCursor = (v: Record<string, unknown>): v is { s: string } =>
  typeof v.s === 'string' && /^\d{1,19}$/.test(v.s) && BigInt(v.s) <= 9223372036854775807n;

/** Conversations belong to their user: anyone else's answer 404. */
@Injectable()
@ChecksTenantActor()
export class ChatService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly assistant: AssistantService,
    private readonly config: AppConfigService,
  ) {}

  async create(actor: Actor, title: string | null | undefined): Promise<ConversationDto> {
    return toConversationDto(await this.conversations.create(actor.userId, title?.trim() || null, this.config.get('QUOTA_CONVERSATIONS')));
  }

  async list(actor: Actor, limit = 50, cursor?: string): Promise<Page<ConversationDto>> {
    const after = decodeCursor(cursor, isCreatedAtIdCursor);
    const rows = await this.conversations.listOwned(actor.userId, limit, after);
    return toPage(rows, limit, toConversationDto, (r) => ({ t: r.createdAt.toISOString(), id: r.id }));
  }

  async get(actor: Actor, id: string): Promise<ConversationDto> {
    return toConversationDto(await this.owned(actor, id));
  }

  async delete(actor: Actor, id: string): Promise<void> {
    if (!(await this.conversations.deleteOwned(id, actor.userId))) throw new NotFoundError('Conversation');
  }

  async messages(actor: Actor, id: string, limit = 50, cursor?: string): Promise<Page<MessageDto>> {
    await this.owned(actor, id);
    const after = decodeCursor(cursor, isSeqCursor);
    const rows = await this.conversations.listMessages(id, limit, after ? BigInt(after.s) : null);
    return toPage(rows, limit, toMessageDto, (r) => ({ s: r.seq.toString() }));
  }

  /** Stores the user's message, lets the assistant act, stores its answer with the actions taken. */
  async post(actor: Actor, id: string, content: string): Promise<{ message: MessageDto; reply: MessageDto; actions: ChatAction[] }> {
    await this.owned(actor, id);
    // Before the assistant acts: a refused message changes nothing. Concurrent messages to one
    // conversation may pass it together by a few, bounded by the write rate limit.
    const quota = this.config.get('QUOTA_MESSAGES_PER_CONVERSATION');
    if ((await this.conversations.countMessages(id)) + 2 > quota) throw new QuotaExceededError('messages in this conversation', quota);
    const answer = await this.assistant.respond(actor, content);
    // Both messages in one transaction: a failing assistant leaves no orphan question behind.
    const [message, reply] = await this.conversations.addExchange(id, content, answer.reply, answer.actions);
    return { message: toMessageDto(message), reply: toMessageDto(reply), actions: answer.actions };
  }

  private async owned(actor: Actor, id: string): Promise<ConversationRow> {
    const c = await this.conversations.findOwned(id, actor.userId);
    if (!c) throw new NotFoundError('Conversation');
    return c;
  }
}
