import { Injectable } from '@nestjs/common';
import { TenantPrismaProvider } from '../../database/tenant-prisma.provider.js';
import type { ChatAction } from './assistant/actions.js';
import { assertUnderQuota } from '../../database/quota.js';

export interface ConversationRow {
  id: string;
  userId: string;
  title: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface MessageRow {
  id: string;
  seq: bigint;
  conversationId: string;
  role: string;
  content: string;
  actions: unknown;
  createdAt: Date;
}

/** Conversations and messages in the caller's tenant database; always filtered by owner. */
@Injectable()
export class ConversationsRepository {
  constructor(private readonly tenant: TenantPrismaProvider) {}

  /** Creates a conversation unless the client holds `quota` conversations already. */
  create(userId: string, title: string | null, quota: number): Promise<ConversationRow> {
    return this.tenant.client.$transaction(async (tx) => {
      await assertUnderQuota(tx, 'conversations', quota, () => tx.conversation.count());
      return tx.conversation.create({ data: { userId, title } });
    });
  }

  countMessages(conversationId: string): Promise<number> {
    return this.tenant.client.message.count({ where: { conversationId } });
  }

  findOwned(id: string, userId: string): Promise<ConversationRow | null> {
    return this.tenant.client.conversation.findFirst({ where: { id, userId } });
  }

  /** Newest first, keyset on (createdAt, id). */
  listOwned(userId: string, limit: number, after: { t: string; id: string } | null): Promise<ConversationRow[]> {
    return this.tenant.client.conversation.findMany({
      where: {
        userId,
        ...(after ? { OR: [{ createdAt: { lt: new Date(after.t) } }, { createdAt: new Date(after.t), id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
  }

  async deleteOwned(id: string, userId: string): Promise<boolean> {
    const { count } = await this.tenant.client.conversation.deleteMany({ where: { id, userId } });
    return count === 1;
  }

  /** Oldest first, keyset on the message sequence. */
  listMessages(conversationId: string, limit: number, afterSeq: bigint | null): Promise<MessageRow[]> {
    return this.tenant.client.message.findMany({
      where: { conversationId, ...(afterSeq !== null ? { seq: { gt: afterSeq } } : {}) },
      orderBy: { seq: 'asc' },
      take: limit + 1,
    });
  }

  /** The user's message and the assistant's answer, stored together (the answer gets the later sequence number). */
  addExchange(conversationId: string, question: string, answer: string, actions: ChatAction[]): Promise<[MessageRow, MessageRow]> {
    return this.tenant.client.$transaction(async (tx) => {
      const message = await tx.message.create({ data: { conversationId, role: 'user', content: question, actions: [] } });
      const reply = await tx.message.create({
        data: { conversationId, role: 'assistant', content: answer, actions: JSON.parse(JSON.stringify(actions)) as object[] },
      });
      await tx.conversation.update({ where: { id: conversationId }, data: { updatedAt: new Date() } });
      return [message, reply];
    });
  }
}
