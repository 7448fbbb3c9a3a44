/**
 * A client of the service written against the types generated from its
 * OpenAPI document (openapi-typescript, next to this file as schema.d.ts)
 * and driven through openapi-fetch: sign up, create a project, log time, read
 * the report, and ask the chat assistant about it. test/e2e/openapi-client.e2e-spec.ts
 * copies it beside the generated types, type-checks it with `tsc --strict`
 * (so every path, parameter, body and response field used here must exist
 * in the document with these types) and runs it against a listening test app:
 * `node scenario.mjs <baseUrl>` prints a JSON summary and exits 0, or exits 1.
 * Not part of `npm run typecheck`: schema.d.ts exists only once the test made it.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

type TimeEntry = components['schemas']['TimeEntryDto'];

export interface ScenarioResult {
  userId: string;
  clientSlug: string;
  projectId: string;
  entry: TimeEntry;
  reportTotalSeconds: number;
  reportGroups: { label: string; totalSeconds: number }[];
  assistantReply: string;
  assistantActions: string[];
  /** What the assistant's report action counted, in seconds. */
  assistantReportSeconds: number | undefined;
}

function fail(step: string, error: unknown, status: number): never {
  throw new Error(`${step} answered ${status}: ${JSON.stringify(error)}`);
}

export async function runScenario(baseUrl: string): Promise<ScenarioResult> {
  const suffix = Math.random().toString(36).slice(2, 10);
  const client = createClient<paths>({ baseUrl });

  const signup = await client.POST('/api/v1/auth/signup', {
    body: {
      companyName: `Typed Client ${suffix}`,
      slug: `typed-${suffix}`,
      name: 'Tess Typed',
      email: `tess-${suffix}@typed.example`,
      password: 'TypedClient2026',
      timeZone: 'UTC',
    },
  });
  if (!signup.data) fail('signup', signup.error, signup.response.status);
  const { accessToken, user, client: tenant } = signup.data;
  client.use({
    onRequest({ request }) {
      request.headers.set('authorization', `Bearer ${accessToken}`);
      return request;
    },
  });

  const project = await client.POST('/api/v1/projects', { body: { name: 'Typed project', billable: true, hourlyRate: 80 } });
  if (!project.data) fail('create project', project.error, project.response.status);

  // Yesterday 09:00-10:30 UTC: in the past whatever the time of day, and the user's time zone is UTC.
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const created = await client.POST('/api/v1/time-entries', {
    body: {
      projectId: project.data.id,
      description: 'Typed client scenario',
      startTime: `${day}T09:00:00Z`,
      endTime: `${day}T10:30:00Z`,
    },
  });
  if (!created.data) fail('create time entry', created.error, created.response.status);

  const report = await client.GET('/api/v1/reports/summary', { params: { query: { from: day, to: day, groupBy: 'project' } } });
  if (!report.data) fail('report summary', report.error, report.response.status);

  const conversation = await client.POST('/api/v1/conversations', { body: { title: 'Typed client' } });
  if (!conversation.data) fail('create conversation', conversation.error, conversation.response.status);
  const message = await client.POST('/api/v1/conversations/{id}/messages', {
    params: { path: { id: conversation.data.id } },
    body: { content: 'How many hours did I log yesterday?' },
  });
  if (!message.data) fail('send message', message.error, message.response.status);

  return {
    userId: user.id,
    clientSlug: tenant.slug,
    projectId: project.data.id,
    entry: created.data,
    reportTotalSeconds: report.data.totalSeconds,
    reportGroups: report.data.groups.map((g) => ({ label: g.label, totalSeconds: g.totalSeconds })),
    assistantReply: message.data.reply.content,
    assistantActions: message.data.actions.map((a) => a.type),
    assistantReportSeconds: message.data.actions.find((a) => a.type === 'report')?.totalSeconds,
  };
}

const baseUrl = process.argv[2];
if (baseUrl) {
  runScenario(baseUrl).then(
    (result) => console.log(JSON.stringify(result)),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
