import { toProjectDto, toTimeEntryDto, type ProjectRecord, type TimeEntryRecord } from '../time-tracking/index.js';

/** The event types an endpoint may subscribe to (`ping` is sent on request to one endpoint only). */
export const WEBHOOK_EVENT_TYPES = [
  'time_entry.created',
  'time_entry.updated',
  'time_entry.deleted',
  'timer.started',
  'timer.stopped',
  'project.created',
  'project.updated',
  'project.archived',
  'ping',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

type Row = Record<string, unknown>;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const time = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(String(v)));

/** A time_entries row as the trigger stored it (to_jsonb: column names, ISO text) → the record the REST mapping takes. */
function timeEntryFromRow(r: Row): TimeEntryRecord {
  return {
    id: String(r.id),
    userId: String(r.user_id),
    projectId: String(r.project_id),
    taskId: str(r.task_id),
    description: str(r.description),
    date: String(r.date).slice(0, 10),
    startTime: time(r.start_time),
    endTime: time(r.end_time),
    duration: r.duration === null || r.duration === undefined ? null : Number(r.duration),
    billable: r.billable === true,
    createdAt: time(r.created_at)!,
    updatedAt: time(r.updated_at)!,
  };
}

function projectFromRow(r: Row): ProjectRecord {
  return {
    id: String(r.id),
    name: String(r.name),
    description: str(r.description),
    billable: r.billable === true,
    hourlyRate: r.hourly_rate === null || r.hourly_rate === undefined ? null : Number(r.hourly_rate),
    archived: r.archived === true,
    archivedAt: time(r.archived_at),
    createdAt: time(r.created_at)!,
    updatedAt: time(r.updated_at)!,
  };
}

/** The event's `data`: the resource exactly as the REST routes answer it (for a deletion, as it was). */
export function eventData(type: string, stored: unknown): unknown {
  const row = (stored ?? {}) as Row;
  if (type.startsWith('time_entry.') || type.startsWith('timer.')) return toTimeEntryDto(timeEntryFromRow(row));
  if (type.startsWith('project.')) return toProjectDto(projectFromRow(row));
  return row;
}

export interface StoredEvent {
  id: string;
  type: string;
  createdAt: Date;
  data: unknown;
}

/** The request body: `{id, type, createdAt, clientId, data}`, serialised once per attempt (same text every time). */
export function eventBody(clientId: string, e: StoredEvent): string {
  return JSON.stringify({ id: e.id, type: e.type, createdAt: e.createdAt.toISOString(), clientId, data: eventData(e.type, e.data) });
}
