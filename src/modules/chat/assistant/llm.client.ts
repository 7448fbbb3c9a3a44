import { Injectable, Logger } from '@nestjs/common';
import { AppConfigService } from '../../../config/config.service.js';

export interface LlmToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface LlmMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/**
 * An optional OpenAI-compatible chat-completions endpoint (LLM_BASE_URL,
 * LLM_API_KEY, LLM_MODEL). It only ever chooses among the assistant's own
 * tools (function calling); the assistant then runs the chosen tool through
 * the same services and permission checks as the REST routes. Timeouts and
 * errors return null so the caller falls back to the built-in answer.
 */
@Injectable()
export class LlmClient {
  private readonly logger = new Logger(LlmClient.name);

  constructor(private readonly config: AppConfigService) {}

  get enabled(): boolean {
    return !!(this.config.get('LLM_BASE_URL') && this.config.get('LLM_MODEL'));
  }

  async complete(messages: LlmMessage[], tools: LlmTool[]): Promise<{ text: string | null; toolCalls: LlmToolCall[] } | null> {
    if (!this.enabled) return null;
    const base = this.config.get('LLM_BASE_URL')!.replace(/\/+$/, '');
    const url = /\/chat\/completions$/.test(base) ? base : `${base}/chat/completions`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.config.get('LLM_TIMEOUT_MS'));
    try {
      const res = await fetch(url, {
        method: 'POST',
        signal: controller.signal,
        headers: {
          'content-type': 'application/json',
          ...(this.config.get('LLM_API_KEY') ? { authorization: `Bearer ${this.config.get('LLM_API_KEY')}` } : {}),
        },
        body: JSON.stringify({
          model: this.config.get('LLM_MODEL'),
          messages,
          tools: tools.map((t) => ({ type: 'function', function: t })),
          tool_choice: 'auto',
          temperature: 0,
        }),
      });
      if (!res.ok) {
        this.logger.warn(`LLM answered ${res.status}; using the built-in answer`);
        return null;
      }
      const body = (await res.json()) as {
        choices?: { message?: { content?: string | null; tool_calls?: { function?: { name?: string; arguments?: string } }[] } }[];
      };
      const message = body.choices?.[0]?.message;
      if (!message) return null;
      const toolCalls: LlmToolCall[] = [];
      for (const call of message.tool_calls ?? []) {
        if (!call.function?.name) continue;
        try {
          const args = JSON.parse(call.function.arguments || '{}') as unknown;
          if (args && typeof args === 'object' && !Array.isArray(args))
            toolCalls.push({ name: call.function.name, arguments: args as Record<string, unknown> });
        } catch {
          /* malformed arguments: ignore the call */
        }
      }
      return { text: typeof message.content === 'string' ? message.content : null, toolCalls };
    } catch (err) {
      this.logger.warn(`LLM call failed (${(err as Error).name}); using the built-in answer`);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
