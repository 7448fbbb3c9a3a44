export const JOB_TYPES = [
  'client.backup',
  'client.restore',
  'client.move',
  'clients.migrate',
  'clients.migrate.batch',
  'backups.expire',
] as const;
export type JobType = (typeof JOB_TYPES)[number];

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** An operation job as the API shows it. */
export interface JobRecord {
  id: string;
  type: string;
  clientId: string | null;
  status: JobStatus;
  progress: { done: number; total: number };
  result: unknown;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What a job handler receives: its input, and ways to report progress and remember how far it got. */
export interface JobContext<D = Record<string, unknown>> {
  id: string;
  clientId: string | null;
  data: D;
  /** The last checkpoint recorded by an earlier attempt of this job (after a crash), or null. */
  checkpoint: string | null;
  progress(done: number, total: number): Promise<void>;
  setCheckpoint(name: string): Promise<void>;
  /** Merges `patch` into the job's data (kept for a later attempt after a crash); `data` is updated too. */
  save(patch: Record<string, unknown>): Promise<void>;
}

/** A handler's failure that still has a result to show (e.g. per-client outcomes of migrations across clients). */
export class JobFailure extends Error {
  constructor(
    message: string,
    readonly result: unknown,
  ) {
    super(message);
  }
}

export type JobHandler = (ctx: JobContext) => Promise<unknown>;

/**
 * pg-boss states mapped onto the API's: created/retry are waiting, active is
 * running, completed succeeded, failed/cancelled (incl. expired after its
 * retries) failed.
 */
export function statusFromBossState(state: string): JobStatus {
  if (state === 'active') return 'running';
  if (state === 'completed') return 'succeeded';
  if (state === 'failed' || state === 'cancelled') return 'failed';
  return 'queued';
}
