import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { EventEnvelope } from '@hc/contracts';
import { accessLogActor } from '@hc/service-kit';
import type { Row } from '../disclosure/public-table';
import { buildTimeline, type TimelineEntry } from '../journey/case-timeline';
import type { FindingRow } from '../journey/flag-audit';
import { fromPublishedViews } from '../read-model/published-views';
import type { FlagAuditQueryDto } from '../statistics/dto/statistics-query.dto';

/**
 * The inspectors' case-level reads over HTTP, through the same `inspection` functions an inspector
 * calls from psql: each function writes the access log before it returns a row, here naming the
 * API key's holder and the route. A route's calls run in one transaction, which the log keeps as
 * one row (its `reads` list each call), so one request is one entry, written even when the case
 * turns out not to exist.
 */
@Injectable()
export class InspectionService {
  constructor(private readonly dataSource: DataSource) {}

  async flagAudit(request: FlagAuditQueryDto): Promise<Row[]> {
    return this.read('read-flag-audit', (call) =>
      call(
        `flag_audit(financial_year => $3, strand => $4, force_code => $5, cps_area => $6, court_type => $7, boundary => $8, finding => $9,
                    row_limit => $10, row_offset => $11, http_caller => $1, http_action => $2)`,
        [request.year, request.strand, request.force, request.cpsArea, request.courtType, request.boundary, request.finding, request.limit ?? 1000, request.offset ?? 0],
      ),
    );
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
  private read<T>(action: string, work: (call: InspectionCall) => Promise<T>): Promise<T> {
    const caller = accessLogActor();
    return fromPublishedViews(() =>
      this.dataSource.transaction((manager: EntityManager) =>
        work((sql, parameters) => manager.query(`SELECT * FROM inspection.${sql}`, [caller, action, ...parameters])),
      ),
    );
  }
}

type InspectionCall = (sql: string, parameters: unknown[]) => Promise<Row[]>;

function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}
