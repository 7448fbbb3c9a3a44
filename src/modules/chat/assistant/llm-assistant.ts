import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { parseMessage } from '../nlu/index.js';
import type { Intent, ParseContext, ProjectRef } from '../nlu/types.js';
import { LlmClient, LlmTool } from './llm.client.js';

const DATE = { type: 'string', description: 'Local date YYYY-MM-DD' };
const TIME = { type: 'string', description: 'Local clock time HH:mm (24h)' };

/** The only things the model may ask for: the assistant's own tools, run as the caller. */
export const ASSISTANT_TOOLS: LlmTool[] = [
  {
    name: 'log_time',
    description: 'Log time already worked on a project. Give minutes, or start and end clock times.',
    parameters: {
      type: 'object',
      properties: {
        project: { type: 'string', description: 'Project name as the user said it' },
        minutes: { type: 'number', description: 'Duration in minutes (duration-only entry)' },
        date: DATE,
        start: TIME,
        end: TIME,
        description: { type: 'string' },
      },
      required: ['project'],
      additionalProperties: false,
    },
  },
  {
    name: 'start_timer',
    description: 'Start a timer on a project.',
    parameters: {
      type: 'object',
      properties: { project: { type: 'string' }, description: { type: 'string' } },
      required: ['project'],
      additionalProperties: false,
    },
  },
  {
    name: 'stop_timer',
    description: 'Stop the running timer.',
    parameters: { type: 'object', properties: {}, additionalProperties: false },
  },
  {
    name: 'report',
    description: 'Answer how much time the user logged in a period, optionally for one project.',
    parameters: {
      type: 'object',
      properties: { from: DATE, to: DATE, project: { type: 'string' }, groupBy: { type: 'string', enum: ['project', 'day'] } },
      required: ['from', 'to'],
      additionalProperties: false,
    },
  },
  {
    name: 'status',
    description: 'Tell what the user is working on now (the running timer).',
    parameters: { type: 'object', properties: {}, additionalProperties: false },
  },
];

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const isDate = (v: string | undefined): v is string => !!v && DateTime.fromISO(v).isValid && /^\d{4}-\d{2}-\d{2}$/.test(v);
const isTime = (v: string | undefined): v is string => !!v && /^([01]?\d|2[0-3]):[0-5]\d$/.test(v);

/**
 * Turns a model's tool call into the same Intent the built-in parser
 * produces, so execution, validation and permission checks are identical.
 * Anything malformed yields null (the built-in answer stands).
 */
@Injectable()
export class LlmAssistant {
  constructor(private readonly llm: LlmClient) {}

  get enabled(): boolean {
    return this.llm.enabled;
  }

  async understand(text: string, ctx: ParseContext): Promise<Intent | null> {
    const today = DateTime.fromJSDate(ctx.now).setZone(ctx.timeZone);
    const result = await this.llm.complete(
      [
        {
          role: 'system',
          content:
            `You help a user track time. Today is ${today.toISODate()} (${today.toFormat('cccc')}), ` +
            `the user's time zone is ${ctx.timeZone}. Their projects: ${ctx.projects.map((p) => p.name).join('; ') || 'none'}. ` +
            'Call exactly one tool when the message asks to log time, start or stop a timer, or asks about hours; otherwise call none.',
        },
        { role: 'user', content: text },
      ],
      ASSISTANT_TOOLS,
    );
    const call = result?.toolCalls[0];
    if (!call) return null;
    return this.toIntent(call.name, call.arguments, ctx);
  }

  toIntent(name: string, args: Record<string, unknown>, ctx: ParseContext): Intent | null {
    const zone = ctx.timeZone;
    const today = DateTime.fromJSDate(ctx.now).setZone(zone).toISODate()!;
    switch (name) {
      case 'log_time': {
        const project = this.project(str(args.project), ctx);
        const date = isDate(str(args.date)) ? str(args.date)! : today;
        const start = str(args.start);
        const end = str(args.end);
        if (isTime(start) && isTime(end)) {
          const s = DateTime.fromISO(`${date}T${start}`, { zone });
          let e = DateTime.fromISO(`${date}T${end}`, { zone });
          if (e <= s) e = e.plus({ days: 1 });
          return {
            type: 'log_time',
            project,
            date,
            durationSeconds: Math.round(e.diff(s, 'seconds').seconds),
            startTime: s.toJSDate(),
            endTime: e.toJSDate(),
            description: str(args.description) ?? null,
          };
        }
        const minutes = typeof args.minutes === 'number' && Number.isFinite(args.minutes) ? args.minutes : null;
        if (minutes === null) return null;
        return {
          type: 'log_time',
          project,
          date,
          durationSeconds: Math.round(minutes * 60),
          startTime: null,
          endTime: null,
          description: str(args.description) ?? null,
        };
      }
      case 'start_timer':
        return { type: 'start_timer', project: this.project(str(args.project), ctx), description: str(args.description) ?? null };
      case 'stop_timer':
        return { type: 'stop_timer' };
      case 'status':
        return { type: 'status' };
      case 'report': {
        const from = str(args.from);
        const to = str(args.to);
        if (!isDate(from) || !isDate(to) || from > to) return null;
        const groupBy = args.groupBy === 'project' || args.groupBy === 'day' ? args.groupBy : null;
        const project: ProjectRef = str(args.project) ? this.project(str(args.project), ctx) : { status: 'none' };
        return { type: 'report', period: { from, to, label: from === to ? `on ${from}` : `${from} – ${to}` }, project, groupBy };
      }
      default:
        return null;
    }
  }

  /** Matches a project name with the built-in parser's own matcher (typos, fragments, ambiguity). */
  private project(name: string | undefined, ctx: ParseContext): ProjectRef {
    if (!name) return { status: 'none' };
    const parsed = parseMessage(`start a timer on ${name.replace(/[\r\n]/g, ' ')}`, ctx);
    return parsed.type === 'start_timer' ? parsed.project : { status: 'unknown', query: name };
  }
}
