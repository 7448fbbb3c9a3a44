import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequireCapabilities, TenantScoped } from '../auth/index.js';
import { type Actor, CurrentActor } from './actor.js';
import { ReportExportQueryDto, ReportSummaryDto, ReportSummaryQueryDto } from './dto/report.dto.js';
import { CSV_COLUMNS, ReportsService } from './reports.service.js';

const WHO =
  "Needs reports:read:own (the caller's own time) or reports:read:all (everyone in the client; `userId` of someone else needs it, else 403). " +
  'Running timers are not counted.';

@ApiTags('reports')
@TenantScoped()
@Controller('reports')
export class ReportsController {
  private readonly logger = new Logger(ReportsController.name);

  constructor(private readonly reports: ReportsService) {}

  @Get('summary')
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Time summary',
    description:
      `Sums computed in SQL. ${WHO} groupBy (default project): project (label: name), task (label: title, "(no task)" with key null), user (label: name), ` +
      'day (the entry\'s local `date`), week (key: Monday of the ISO week of `date`, label "Week of YYYY-MM-DD"). Groups by total descending; day/week by date.',
  })
  @ApiOkResponse({ type: ReportSummaryDto, description: 'Totals for the range and one row per group' })
  async summary(@CurrentActor() actor: Actor, @Query() query: ReportSummaryQueryDto): Promise<ReportSummaryDto> {
    return this.reports.summary(actor, query);
  }

  @Get('time-entries.csv')
  @RequireCapabilities()
  @ApiOperation({
    summary: 'Export time entries as CSV',
    description:
      `Streamed from the database in batches, chronological. ${WHO} Columns: ${CSV_COLUMNS.join(', ')}; start/end in UTC ISO-8601 (empty for ` +
      "duration-only entries); text cells starting with = + - @ are prefixed with ' (spreadsheet formula injection).",
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV with a header row', schema: { type: 'string', example: `${CSV_COLUMNS.join(',')}\n` } })
  exportCsv(@CurrentActor() actor: Actor, @Query() query: ReportExportQueryDto, @Res() res: FastifyReply): void {
    // Checked before anything is written, so refusals are ordinary error responses.
    const { filter, stream } = this.reports.exportCsv(actor, query);
    // Fastify pipes the stream to the response; a failure mid-stream (headers are gone by then) cuts the
    // response short, and a client that goes away destroys the stream, which stops the reads.
    stream.once('error', (err) => {
      if (res.raw.headersSent) this.logger.error({ err }, 'CSV export failed mid-stream');
    });
    res
      .status(200)
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="time-entries_${filter.from}_${filter.to}.csv"`)
      .header('Cache-Control', 'no-store')
      .send(stream);
  }
}
