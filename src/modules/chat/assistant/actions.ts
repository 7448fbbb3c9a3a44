/** What the assistant did, as returned by POST /conversations/:id/messages (the OpenAPI document, Chat). */
export type TimeEntryWithProject = Record<string, unknown> & { projectName: string };

export type ChatAction =
  | { type: 'time_entry.created'; timeEntry: TimeEntryWithProject }
  | { type: 'timer.started'; timeEntry: TimeEntryWithProject }
  | { type: 'timer.stopped'; timeEntry: TimeEntryWithProject }
  | {
      type: 'report';
      from: string;
      to: string;
      projectId?: string;
      totalSeconds: number;
      billableSeconds: number;
      running: TimeEntryWithProject | null;
    }
  | { type: 'clarification'; question: string; candidates?: string[] };

export interface AssistantAnswer {
  reply: string;
  actions: ChatAction[];
}
