import { Controller, Get, Param, ParseUUIDPipe, NotFoundException } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';

/** Analysts' and inspectors' read API over the `analytics` views and the projection's event table. */
@ApiTags('statistics')
@Controller()
export class StatisticsController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('statistics/attrition-by-strand')
  @ApiOkResponse({ description: 'Attrition from recording to uplift by strand (analytics.attrition_by_strand).' })
  async attritionByStrand(): Promise<unknown[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(`SELECT * FROM analytics.attrition_by_strand`);
    return rows.map(numbersFromPostgres);
  }

  @Get('cases/:caseId/journey')
  @ApiOkResponse({ description: 'One case per defendant across the three agencies, and every event of the case in order.' })
  @ApiNotFoundResponse({ description: 'The projection has no event of this case.' })
  async journey(@Param('caseId', new ParseUUIDPipe()) caseId: string): Promise<unknown> {
    const [journey, events] = await Promise.all([
      this.dataSource.query(`SELECT * FROM analytics.case_journey WHERE case_id = $1 ORDER BY defendant_id`, [caseId]),
      this.dataSource.query(
        `SELECT envelope FROM projection.events WHERE case_id = $1 ORDER BY occurred_at, agency, stream_version`,
        [caseId],
      ),
    ]);
    if ((events as unknown[]).length === 0) throw new NotFoundException(`the projection has no event of case ${caseId}`);
    return { caseId, defendants: journey, events: (events as Array<{ envelope: unknown }>).map((row) => row.envelope) };
  }

  @Get('projection/status')
  @ApiOkResponse({ description: 'How many events the projection holds and where it is in each partition.' })
  async status(): Promise<{ events: number; cases: number; offsets: unknown[] }> {
    const [[counts], offsets] = await Promise.all([
      this.dataSource.query(
        `SELECT (SELECT count(*) FROM projection.events)::int AS events, (SELECT count(*) FROM projection.cases)::int AS cases`,
      ),
      this.dataSource.query(
        `SELECT consumer, topic, partition, next_offset::text AS next_offset FROM projection.consumer_offsets ORDER BY consumer, topic, partition`,
      ),
    ]);
    return { events: counts.events, cases: counts.cases, offsets };
  }
}

/** PostgreSQL returns count() as a string (bigint) and numeric as a string; analysts want numbers. */
function numbersFromPostgres(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value]),
  );
}
