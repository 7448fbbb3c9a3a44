/** The time-tracking module's public API (the chat assistant's door): services taking an Actor, DTO mapping, errors. */
export { actorFrom, CurrentActor, type Actor } from './actor.js';
export { ProjectsService } from './projects.service.js';
export { TasksService } from './tasks.service.js';
export {
  TimeEntriesService,
  type CreateTimeEntryInput,
  type StartTimerInput,
  type UpdateTimeEntryInput,
  type ListTimeEntriesInput,
} from './time-entries.service.js';
export { ReportsService, type ReportQuery, type ReportSummary, type ReportGroup } from './reports.service.js';
export type { ProjectName, ProjectRecord } from './projects.repository.js';
export type { TimeEntryRecord } from './time-entries.repository.js';
export type { TaskRecord } from './tasks.repository.js';
export type { ReportGroupBy } from './reports.repository.js';
export { toTimeEntryDto, TimeEntryDto } from './dto/time-entry.dto.js';
export { MAX_DURATION_SECONDS } from './time-fields.js';
export { toProjectDto, ProjectDto } from './dto/project.dto.js';
export * from './time-tracking.errors.js';
export { TimeTrackingModule } from './time-tracking.module.js';
