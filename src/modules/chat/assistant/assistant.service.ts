import { Injectable, Logger } from '@nestjs/common';
import { ChecksTenantActor } from '../../../database/tenant-actor.js';
import { Clock } from '../../../common/clock.js';
import { MissingCapabilityError } from '../../../common/errors.js';
import {
  type Actor,
  ProjectsService,
  TimeEntriesService,
  ReportsService,
  toTimeEntryDto,
  type ProjectName,
  type TimeEntryRecord,
  NoRunningTimerError,
  DailyLimitExceededError,
  TimerAlreadyRunningError,
  MAX_DURATION_SECONDS,
} from '../../time-tracking/index.js';
import { parseMessage } from '../nlu/index.js';
import type { Intent } from '../nlu/types.js';
import type { AssistantAnswer, ChatAction, TimeEntryWithProject } from './actions.js';
import { formatClock, formatDay, formatDuration, formatPeriod } from './format.js';
import { LlmAssistant } from './llm-assistant.js';
import { clarify, localToday, refusalAnswer, resolveProject, smalltalk, withProject } from './replies.js';

/**
 * The time-tracking assistant. It understands a message with the built-in
 * parser (nlu/), optionally asks a configured language model when the parser
 * does not, and acts only as the caller through the TimeTracking services,
 * with their permission checks. It asks (a `clarification`, nothing changed)
 * rather than guesses.
 */
@Injectable()
@ChecksTenantActor()
export class AssistantService {
  private readonly logger = new Logger(AssistantService.name);

  constructor(
    private readonly projects: ProjectsService,
    private readonly entries: TimeEntriesService,
    private readonly reports: ReportsService,
    private readonly clock: Clock,
    private readonly llm: LlmAssistant,
  ) {}

  async respond(actor: Actor, text: string): Promise<AssistantAnswer> {
    const now = this.clock.now();
    // Without projects:read the assistant knows no project names (a request naming one is then an unknown project).
    const projects = actor.capabilities.has('projects:read') ? await this.projects.listVisible(actor, { includeArchived: true }) : [];
    const ctx = { now, timeZone: actor.timeZone, projects: projects.map((p) => ({ id: p.id, name: p.name })) };
    let intent = parseMessage(text, ctx);
    if (intent.type === 'smalltalk' && intent.kind === 'other' && this.llm.enabled) {
      const fromModel = await this.llm.understand(text, ctx);
      if (fromModel) intent = fromModel;
    }
    try {
      return await this.execute(actor, intent, projects, now);
    } catch (err) {
      // The caller's role does not allow what they asked (the same check as the REST route's): said in the
      // conversation, as an answer with no action, rather than failing the whole message with a 403.
      if (err instanceof MissingCapabilityError) {
        return { reply: `Your role doesn't allow that (${err.message.toLowerCase()}), so nothing was changed.`, actions: [] };
      }
      throw err;
    }
  }

  async execute(actor: Actor, intent: Intent, projects: ProjectName[], now: Date): Promise<AssistantAnswer> {
    switch (intent.type) {
      case 'log_time':
        return this.logTime(actor, intent, projects, now);
      case 'start_timer':
        return this.startTimer(actor, intent, projects);
      case 'stop_timer':
        return this.stopTimer(actor, now);
      case 'report':
        return this.report(actor, intent, projects);
      case 'status':
        return this.status(actor, projects, now);
      case 'smalltalk':
        return smalltalk(intent.kind);
    }
  }

  private async logTime(
    actor: Actor,
    intent: Extract<Intent, { type: 'log_time' }>,
    projects: ProjectName[],
    now: Date,
  ): Promise<AssistantAnswer> {
    const resolved = resolveProject(intent.project, projects, 'log this time to');
    if ('answer' in resolved) return resolved.answer;
    const project = resolved.project;
    if (intent.unclearDay !== undefined) {
      return clarify(`Which day should I log this on? "${intent.unclearDay}" is not a single day I can log to.`);
    }
    const seconds = intent.durationSeconds;
    if (!Number.isFinite(seconds) || seconds <= 0) {
      return clarify('The duration has to be more than zero. How long did you work?');
    }
    if (seconds > MAX_DURATION_SECONDS) {
      return clarify(`That's ${formatDuration(seconds)}, but one entry can be at most 24 hours. How long did you work?`);
    }
    const today = localToday(actor, now);
    if (intent.date > today || (intent.endTime && intent.endTime.getTime() > now.getTime())) {
      return clarify("That's in the future: I can only log time that has already happened. When did you work?");
    }
    let entry: TimeEntryRecord;
    try {
      entry = await this.entries.create(
        actor,
        intent.startTime && intent.endTime
          ? { projectId: project.id, startTime: intent.startTime, endTime: intent.endTime, description: intent.description }
          : { projectId: project.id, date: intent.date, duration: seconds, description: intent.description },
      );
    } catch (err) {
      return this.refusal(err, project, actor, projects);
    }
    const when = formatDay(entry.date, today);
    const range =
      entry.startTime && entry.endTime
        ? ` (${formatClock(entry.startTime, actor.timeZone)}–${formatClock(entry.endTime, actor.timeZone)})`
        : '';
    const what = entry.description ? `: ${entry.description}` : '';
    return {
      reply: `Logged ${formatDuration(entry.duration ?? seconds)} on ${project.name} for ${when.replace(/^on /, '')}${range}${what}.`,
      actions: [{ type: 'time_entry.created', timeEntry: withProject(entry, project) }],
    };
  }

  private async startTimer(
    actor: Actor,
    intent: Extract<Intent, { type: 'start_timer' }>,
    projects: ProjectName[],
  ): Promise<AssistantAnswer> {
    const resolved = resolveProject(intent.project, projects, 'track');
    if ('answer' in resolved) return resolved.answer;
    const project = resolved.project;
    try {
      const entry = await this.entries.start(actor, { projectId: project.id, description: intent.description });
      return {
        reply: `Started a timer on ${project.name} at ${formatClock(entry.startTime!, actor.timeZone)}.`,
        actions: [{ type: 'timer.started', timeEntry: withProject(entry, project) }],
      };
    } catch (err) {
      if (err instanceof TimerAlreadyRunningError) {
        const running = await this.entries.running(actor);
        const name = running ? (projects.find((p) => p.id === running.projectId)?.name ?? 'another project') : 'another project';
        const since = running?.startTime ? ` since ${formatClock(running.startTime, actor.timeZone)}` : '';
        return clarify(
          `A timer is already running on ${name}${since}. Should I stop it first? Say "stop the timer", then start the new one.`,
        );
      }
      return this.refusal(err, project, actor, projects);
    }
  }

  private async stopTimer(actor: Actor, now: Date): Promise<AssistantAnswer> {
    try {
      const entry = await this.entries.stop(actor);
      const project = await this.projects.findVisible(actor, entry.projectId);
      const name = project?.name ?? 'the project';
      return {
        reply: `Stopped the timer on ${name}: ${formatDuration(entry.duration ?? 0)} logged for ${formatDay(entry.date, localToday(actor, now)).replace(/^on /, '')}.`,
        actions: [{ type: 'timer.stopped', timeEntry: { ...toTimeEntryDto(entry), projectName: name } as TimeEntryWithProject }],
      };
    } catch (err) {
      if (err instanceof NoRunningTimerError) return clarify("No timer is running, so there's nothing to stop. Want me to start one?");
      if (err instanceof DailyLimitExceededError) {
        return clarify(
          'Stopping the timer now would put more than 24 hours on its day, so it is still running. Edit or delete an entry of that day first.',
        );
      }
      throw err;
    }
  }

  private async report(actor: Actor, intent: Extract<Intent, { type: 'report' }>, projects: ProjectName[]): Promise<AssistantAnswer> {
    let project: ProjectName | undefined;
    if (intent.project.status !== 'none') {
      const resolved = resolveProject(intent.project, projects, 'report on', { allowArchived: true });
      if ('answer' in resolved) return resolved.answer;
      project = resolved.project;
    }
    const { from, to } = intent.period;
    // "How much did I log": the caller's own time, also for a manager who may read everyone's.
    const summary = await this.reports.summary(actor, {
      from,
      to,
      userId: actor.userId,
      projectId: project?.id,
      groupBy: intent.groupBy ?? 'project',
    });
    const running = await this.entries.running(actor);
    const runningProject = running ? projects.find((p) => p.id === running.projectId) : undefined;
    const action: ChatAction = {
      type: 'report',
      from: summary.from,
      to: summary.to,
      ...(project ? { projectId: project.id } : {}),
      totalSeconds: summary.totalSeconds,
      billableSeconds: summary.billableSeconds,
      running: running ? withProject(running, runningProject) : null,
    };
    const period = formatPeriod(intent.period.label, summary.from, summary.to);
    let reply = `You logged ${formatDuration(summary.totalSeconds)}${project ? ` on ${project.name}` : ''} ${period}`;
    const groups = summary.groups.filter((g) => g.totalSeconds > 0);
    if (!project && groups.length > 1 && (intent.groupBy || groups.length <= 6)) {
      reply += `: ${groups.map((g) => `${g.label} ${formatDuration(g.totalSeconds)}`).join(', ')}`;
    } else if (intent.groupBy === 'day' && groups.length > 0) {
      reply += `: ${groups.map((g) => `${g.label} ${formatDuration(g.totalSeconds)}`).join(', ')}`;
    }
    reply += '.';
    if (summary.billableSeconds !== summary.totalSeconds && summary.totalSeconds > 0) {
      reply += ` ${formatDuration(summary.billableSeconds)} of it is billable.`;
    }
    if (running) {
      reply += ` A timer is running on ${runningProject?.name ?? 'a project'} since ${formatClock(running.startTime!, actor.timeZone)}.`;
    }
    return { reply, actions: [action] };
  }

  private async status(actor: Actor, projects: ProjectName[], now: Date): Promise<AssistantAnswer> {
    const today = localToday(actor, now);
    const running = await this.entries.running(actor);
    const summary = await this.reports.summary(actor, { from: today, to: today, userId: actor.userId, groupBy: 'project' });
    const project = running ? projects.find((p) => p.id === running.projectId) : undefined;
    const action: ChatAction = {
      type: 'report',
      from: today,
      to: today,
      totalSeconds: summary.totalSeconds,
      billableSeconds: summary.billableSeconds,
      running: running ? withProject(running, project) : null,
    };
    if (!running) {
      return { reply: `No timer is running. Today you logged ${formatDuration(summary.totalSeconds)}.`, actions: [action] };
    }
    const elapsed = Math.max(0, Math.floor((now.getTime() - running.startTime!.getTime()) / 1000));
    const what = running.description ? ` (${running.description})` : '';
    return {
      reply: `You're working on ${project?.name ?? 'a project'}${what} since ${formatClock(running.startTime!, actor.timeZone)}: ${formatDuration(elapsed)} so far.`,
      actions: [action],
    };
  }

  /** Service refusals become questions; anything unexpected is logged and rethrown. */
  private refusal(err: unknown, project: ProjectName, actor: Actor, projects: ProjectName[]): AssistantAnswer {
    const answer = refusalAnswer(err, project, actor, projects, this.clock.now());
    if (answer) return answer;
    this.logger.error(err);
    throw err;
  }
}
