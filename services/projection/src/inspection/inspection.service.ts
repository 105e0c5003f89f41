import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventEnvelope } from '@hc/contracts';
import { AccessLog, accessLogActor } from '@hc/service-kit';
import type { Row } from '../disclosure/public-table';
import { buildTimeline, type TimelineEntry } from '../journey/case-timeline';
import type { FindingRow } from '../journey/flag-audit';
import { fromPublishedViews } from '../read-model/published-views';
import { BOUNDARIES, FINDING_TYPES } from '../journey/flag-audit';
import type { CasesBehindQueryDto, FlagAuditFilterDto, FlagAuditQueryDto, FlagAuditSampleQueryDto } from '../statistics/dto/statistics-query.dto';
import { FLAG_RETENTION, type FilterColumn, type StatisticsTable } from '../statistics/statistics-tables';
import { cellRows } from './cases-behind';

/**
 * The inspectors' case-level reads over HTTP, through the same `inspection` functions an inspector
 * calls from psql: each function writes the access log before it returns a row, here naming the
 * API key's holder and the route. A route's calls run in one transaction, which the log keeps as
 * one row (its `reads` list each call), so one request is one entry, written even when the case
 * turns out not to exist.
 */
@Injectable()
export class InspectionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accessLog: AccessLog,
  ) {}

  async flagAudit(request: FlagAuditQueryDto): Promise<Row[]> {
    return this.read('read-flag-audit', (call) =>
      call(
        `flag_audit(financial_year => $3, strand => $4, force_code => $5, cps_area => $6, court_type => $7, boundary => $8, finding => $9,
                    row_limit => $10, row_offset => $11, http_caller => $1, http_action => $2)`,
        [...filterParameters(request), request.limit ?? 1000, request.offset ?? 0],
      ),
    );
  }

  /** How many findings (and cases) each boundary and finding has under the filters: the list's own count. */
  async flagAuditCounts(request: FlagAuditFilterDto): Promise<Row[]> {
    const rows = await this.read('count-flag-audit', (_call, statement) =>
      statement(
        `SELECT boundary, finding, count(*)::int AS findings, count(DISTINCT case_id)::int AS cases
           FROM inspection.${FILTERED_FINDINGS}
          GROUP BY boundary, finding`,
        filterParameters(request),
      ),
    );
    return rows.sort((a, b) => order(a) - order(b));
  }

  /**
   * A reproducible random sample for a file review: for each boundary and finding, `perFinding`
   * of its cases, drawn by the MD5 of the seed and the case id (the same seed and filters draw the
   * same cases, whoever asks, until findings are added), one row per case with its findings' count.
   */
  async flagAuditSample(request: FlagAuditSampleQueryDto): Promise<Row[]> {
    const rows = await this.read('sample-flag-audit', (_call, statement) =>
      statement(
        `WITH findings AS (SELECT * FROM inspection.${FILTERED_FINDINGS}),
              cases AS (
                SELECT boundary, finding, case_id, min(urn) AS urn, min(force_code) AS force_code, min(force_name) AS force_name,
                       min(cps_area) AS cps_area, min(financial_year) AS financial_year, count(*)::int AS findings,
                       min(detected_at) AS first_detected_at, md5($10 || ':' || case_id::text) AS draw
                  FROM findings GROUP BY boundary, finding, case_id)
         SELECT boundary, finding, drawn, case_id, urn, force_code, force_name, cps_area, financial_year, findings, first_detected_at
           FROM (SELECT *, row_number() OVER (PARTITION BY boundary, finding ORDER BY draw, case_id)::int AS drawn FROM cases) ranked
          WHERE drawn <= $11
          ORDER BY boundary, finding, drawn`,
        [...filterParameters(request), request.seed, request.perFinding ?? 10],
      ),
    );
    return rows
      .sort((a, b) => order(a) - order(b) || Number(a.drawn) - Number(b.drawn))
      .map((row) => ({ ...row, first_detected_at: toIso(row.first_detected_at) }));
  }

  /**
   * The case rows behind one count of a statistic, for the slice given (a slice left out is its
   * total, `all`): `count` is the cell's value and `rows` a page of them. Written to the access log
   * with the table, the column and the slice.
   */
  async casesBehind(table: StatisticsTable, column: string, request: CasesBehindQueryDto): Promise<{ count: number; rows: Row[] }> {
    const { rows: counted, strands, column: predicate } = cellRows(table);
    const where = predicate(column, request.boundary);
    if (where === undefined) {
      throw new BadRequestException(
        table === FLAG_RETENTION && !request.boundary ? 'flag retention counts per boundary: give boundary' : `${table.view} has no count ${column}: one of ${table.spec.counts.join(', ')}`,
      );
    }
    const conditions = [counted, where];
    const parameters: unknown[] = [];
    const slice = (filter: FilterColumn, value: string | undefined, sql: (placeholder: string) => string) => {
      if (value === undefined || value === 'all') return;
      if (!table.filters.includes(filter)) throw new BadRequestException(`${table.view} has no ${filter} slice`);
      parameters.push(value);
      conditions.push(sql(`$${parameters.length}`));
    };
    slice('financial_year', request.year, (p) => `coalesce(j.financial_year, 'unknown') = ${p}`);
    slice('strand', request.strand, (p) => `${p} = ANY(${strands})`);
    slice('cps_area', request.cpsArea, (p) => `coalesce(j.cps_area, 'unknown') = ${p}`);
    slice('force_code', request.force, (p) => `coalesce(j.force_code, 'unknown') = ${p}`);
    slice('court_type', request.courtType, (p) => `j.case_court_type = ${p}`);
    const filters = Object.fromEntries(
      Object.entries({ year: request.year, strand: request.strand, cpsArea: request.cpsArea, force: request.force, courtType: request.courtType, boundary: request.boundary }).filter(
        ([, value]) => value !== undefined,
      ),
    );
    await this.accessLog.record(`read-cases-behind ${table.view}.${column} ${JSON.stringify(filters)}`, null);
    parameters.push(request.limit ?? 1000, request.offset ?? 0);
    const rows: Row[] = await fromPublishedViews(() =>
      this.dataSource.query(
        `SELECT count(*) OVER ()::int AS cell_count, j.case_id, j.defendant_id, j.urn, j.force_code, j.force_name, j.cps_area, j.financial_year,
                j.strands, j.case_court_type, j.stage_reached
           FROM inspection.case_journey j
          WHERE ${conditions.join(' AND ')}
          ORDER BY j.case_id, j.defendant_id NULLS FIRST
          LIMIT $${parameters.length - 1} OFFSET $${parameters.length}`,
        parameters,
      ),
    );
    const count = rows[0]?.cell_count as number | undefined;
    return {
      // A page past the end has no row to carry the count: count again without paging.
      count: count ?? (request.offset ? await this.countBehind(conditions, parameters.slice(0, -2)) : 0),
      rows: rows.map(({ cell_count: _count, ...row }) => row),
    };
  }

  private async countBehind(conditions: string[], parameters: unknown[]): Promise<number> {
    const [{ count }] = await fromPublishedViews(() =>
      this.dataSource.query(`SELECT count(*)::int AS count FROM inspection.case_journey j WHERE ${conditions.join(' AND ')}`, parameters),
    );
    return count;
  }

  async journey(caseId: string): Promise<{ caseId: string; defendants: Row[]; events: EventEnvelope[] }> {
    const [defendants, events] = await this.read('read-case-journey', async (call): Promise<[Row[], EventEnvelope[]]> => [
      await call(`case_journey(case_id => $3, http_caller => $1, http_action => $2) ORDER BY defendant_id NULLS FIRST`, [caseId]),
      await this.caseEvents(call, caseId),
    ]);
    if (events.length === 0) throw new NotFoundException(`the projection has no event of case ${caseId}`);
    return { caseId, defendants, events: buildTimeline(events, []).map((entry) => entry.envelope) };
  }

  async timeline(caseId: string): Promise<{ caseId: string; urn: string | null; findings: Row[]; events: TimelineEntry[] }> {
    const [events, findings, journey] = await this.read('read-case-timeline', async (call): Promise<[EventEnvelope[], Array<FindingRow & Row>, Row[]]> => [
      await this.caseEvents(call, caseId),
      (await call(
        `flag_audit(case_id => $3, row_limit => NULL, http_caller => $1, http_action => $2) ORDER BY detected_at, boundary, finding`,
        [caseId],
      )) as Array<FindingRow & Row>,
      await call(`case_journey(case_id => $3, http_caller => $1, http_action => $2) WHERE first_row`, [caseId]),
    ]);
    if (events.length === 0) throw new NotFoundException(`the projection has no event of case ${caseId}`);
    const rows = findings.map((finding) => ({ ...finding, event_id: finding.event_id, detected_at: toIso(finding.detected_at) }));
    const urn = (journey[0]?.urn as string | null | undefined) ?? null;
    return { caseId, urn, findings: rows, events: buildTimeline(events, rows as unknown as FindingRow[]) };
  }

  private async caseEvents(call: InspectionCall, caseId: string): Promise<EventEnvelope[]> {
    const rows = await call(`case_events(case_id => $3, http_caller => $1, http_action => $2) ORDER BY position`, [caseId]);
    return rows.map((row) => row.envelope as EventEnvelope);
  }

  /**
   * One transaction for the route's calls; `call` selects from an inspection function with the
   * caller and the action as its first two parameters, then the given ones.
   */
  private read<T>(action: string, work: (call: InspectionCall, statement: InspectionCall) => Promise<T>): Promise<T> {
    const caller = accessLogActor();
    return fromPublishedViews(() =>
      this.dataSource.transaction((manager: EntityManager) => {
        const statement: InspectionCall = (sql, parameters) => manager.query(sql, [caller, action, ...parameters]);
        return work((sql, parameters) => statement(`SELECT * FROM inspection.${sql}`, parameters), statement);
      }),
    );
  }
}

/** `call` selects from an inspection function; `statement` runs a whole statement that calls them. Both pass the caller and the action as $1 and $2. */
type InspectionCall = (sql: string, parameters: unknown[]) => Promise<Row[]>;

/** Every finding under the filters $3 to $9 (see `filterParameters`), unpaged. */
const FILTERED_FINDINGS = `flag_audit(financial_year => $3, strand => $4, force_code => $5, cps_area => $6, court_type => $7, boundary => $8, finding => $9,
                    row_limit => NULL, http_caller => $1, http_action => $2)`;

function filterParameters(request: FlagAuditFilterDto): unknown[] {
  return [request.year, request.strand, request.force, request.cpsArea, request.courtType, request.boundary, request.finding];
}

/** Boundaries in the order a case crosses them, then findings in the audit's order. */
function order(row: Row): number {
  return BOUNDARIES.indexOf(row.boundary as (typeof BOUNDARIES)[number]) * 100 + FINDING_TYPES.indexOf(row.finding as (typeof FINDING_TYPES)[number]);
}

function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}
