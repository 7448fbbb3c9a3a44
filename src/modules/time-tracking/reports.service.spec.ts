import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { Clock } from '../../common/clock.js';
import { ForbiddenError, ValidationFailedError } from '../../common/errors.js';
import { SYSTEM_ROLES } from '../identity/index.js';
import type { Actor } from './actor.js';
import { ClientUserRecord, ClientUsersRepository } from './client-users.repository.js';
import { ExportRow, ReportFilter, ReportGroupBy, ReportsRepository, ReportSummaryRows } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

const actor = (role: keyof typeof SYSTEM_ROLES, timeZone = 'UTC'): Actor => ({
  userId: '00000000-0000-4000-8000-000000000001',
  clientId: '00000000-0000-4000-8000-0000000000c1',
  timeZone,
  capabilities: new Set<string>(SYSTEM_ROLES[role]),
});

function row(over: Partial<ExportRow> = {}): ExportRow {
  return {
    id: 'e1',
    userId: '00000000-0000-4000-8000-000000000001',
    date: '2026-03-23',
    projectName: 'Alpha',
    taskTitle: null,
    description: null,
    startTime: null,
    endTime: null,
    duration: 60,
    billable: true,
    ...over,
  };
}

async function setup(opts: { rows?: () => AsyncGenerator<ExportRow>; summary?: ReportSummaryRows; now?: Date } = {}) {
  const calls: { groupBy?: ReportGroupBy; filter?: ReportFilter } = {};
  const reports = {
    summary: async (groupBy: ReportGroupBy, filter: ReportFilter) => {
      calls.groupBy = groupBy;
      calls.filter = filter;
      return opts.summary ?? { totalSeconds: 0, billableSeconds: 0, groups: [] };
    },
    exportRows: (filter: ReportFilter) => {
      calls.filter = filter;
      return (opts.rows ?? async function* () {})();
    },
  } as unknown as ReportsRepository;
  const users = {
    findManyInClient: async (_c: string, ids: readonly string[]) =>
      new Map<string, ClientUserRecord>(
        ids.map((id) => [id, { id, name: 'Mia', email: 'mia@example.test', timeZone: 'UTC', isActive: true }]),
      ),
  } as unknown as ClientUsersRepository;
  const module = await Test.createTestingModule({
    providers: [
      ReportsService,
      Clock,
      { provide: ReportsRepository, useValue: reports },
      { provide: ClientUsersRepository, useValue: users },
    ],
  }).compile();
  module.get(Clock).set(opts.now ?? new Date('2026-03-25T12:00:00Z'));
  return { service: module.get(ReportsService), calls };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
}

describe('ReportsService', () => {
  it("restricts a member to their own time and refuses another user's", async () => {
    const { service, calls } = await setup();
    await service.summary(actor('member'), { from: '2026-03-01', to: '2026-03-31' });
    expect(calls.filter?.userId).toBe(actor('member').userId);
    await expect(service.summary(actor('member'), { userId: '00000000-0000-4000-8000-000000000002' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await service.summary(actor('manager'), {});
    expect(calls.filter?.userId).toBeUndefined();
  });

  // Weeks start on Monday and "this week" is the caller's, in their zone.
  it("defaults to the caller's current ISO week in their time zone", async () => {
    const { service, calls } = await setup({ now: new Date('2026-03-29T23:30:00Z') });
    await service.summary(actor('member', 'UTC'), {});
    expect(calls.filter).toMatchObject({ from: '2026-03-23', to: '2026-03-29' });
    await service.summary(actor('member', 'Europe/Berlin'), {});
    expect(calls.filter).toMatchObject({ from: '2026-03-30', to: '2026-04-05' });
  });

  it('refuses a range that ends before it starts', async () => {
    const { service } = await setup();
    await expect(service.summary(actor('manager'), { from: '2026-03-10', to: '2026-03-01' })).rejects.toBeInstanceOf(ValidationFailedError);
  });

  it('labels weeks, missing tasks and users', async () => {
    const { service } = await setup({
      summary: { totalSeconds: 3, billableSeconds: 1, groups: [{ key: null, label: null, totalSeconds: 3, billableSeconds: 1 }] },
    });
    const task = await service.summary(actor('manager'), { groupBy: 'task' });
    expect(task.groups[0].label).toBe('(no task)');
    const week = await (
      await setup({
        summary: { totalSeconds: 3, billableSeconds: 1, groups: [{ key: '2026-03-23', label: null, totalSeconds: 3, billableSeconds: 1 }] },
      })
    ).service.summary(actor('manager'), { groupBy: 'week' });
    expect(week.groups[0].label).toBe('Week of 2026-03-23');
  });

  it('guards CSV cells against formula injection and quotes commas and quotes', async () => {
    const { service } = await setup({
      rows: async function* () {
        yield row({ description: '=HYPERLINK("x")', projectName: 'A, B' });
        yield row({ id: 'e2', description: '-5 min', taskTitle: '@task' });
        // Spreadsheets skip leading white space and line breaks and read full-width signs as formula starters too.
        yield row({ id: 'e3', description: '\n=HYPERLINK("x")', taskTitle: ' =1+1' });
        yield row({ id: 'e4', description: '\uFF1D1+1', taskTitle: 'a=b' });
      },
    });
    const text = await readAll(service.exportCsv(actor('member'), {}).stream);
    expect(text.split('\n')[0]).toBe('date,user,project,task,description,start,end,duration_seconds,billable');
    expect(text).toContain(`2026-03-23,Mia,"A, B",,"'=HYPERLINK(""x"")",,,60,true`);
    expect(text).toContain(`'@task,'-5 min`);
    expect(text).toContain(`' =1+1,"'\n=HYPERLINK(""x"")"`);
    expect(text).toContain(`a=b,'\uFF1D1+1`);
  });

  // Headers are already sent when a read fails mid-export: the stream must error, not hang.
  it('fails the CSV stream when a read fails after the first rows', async () => {
    const { service } = await setup({
      rows: async function* () {
        yield row();
        throw new Error('connection lost');
      },
    });
    await expect(readAll(service.exportCsv(actor('member'), {}).stream)).rejects.toThrow('connection lost');
  });

  it('checks permissions before any row is read', async () => {
    const { service } = await setup();
    expect(() => service.exportCsv(actor('member'), { userId: '00000000-0000-4000-8000-000000000009' })).toThrow(ForbiddenError);
  });
});
