import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEFAULT_DISCLOSURE_THRESHOLD, publicTable, type Row } from '../disclosure/public-table';
import { fromPublishedViews } from '../read-model/published-views';
import { READ_MODEL, ReadModelControl, type ReadModelStatus } from '../read-model/read-model';
import type { StatisticsFilterDto } from './dto/statistics-query.dto';
import { numericColumns, type FilterColumn, type StatisticsTable } from './statistics-tables';

export interface StatisticsRequest extends StatisticsFilterDto {
  readonly courtType?: string;
  readonly boundary?: string;
  readonly public?: boolean;
  readonly threshold?: number;
}

/** Which request field filters which column of a statistics view. */
const FILTER_FIELDS: Record<FilterColumn, keyof StatisticsRequest> = {
  financial_year: 'year',
  strand: 'strand',
  cps_area: 'cpsArea',
  force_code: 'force',
  court_type: 'courtType',
  boundary: 'boundary',
};

/**
 * Reads the analytics views for the HTTP API: filters, and disclosure control for public output.
 * Everything goes through `analytics`, so the API answers from the read model version analysts
 * see, whichever version this process is building. The inspectors' case-level reads are the
 * InspectionService's.
 */
@Injectable()
export class StatisticsService {
  private readonly publicCache = new Map<string, Row[]>();

  constructor(private readonly dataSource: DataSource) {}

  async statistics(table: StatisticsTable, request: StatisticsRequest): Promise<Row[]> {
    if (request.public) {
      const threshold = request.threshold ?? DEFAULT_DISCLOSURE_THRESHOLD;
      const full = await this.publicRows(table, threshold);
      return full.filter((row) => table.filters.every((column) => this.matches(row, column, request)));
    }
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    for (const column of table.filters) {
      const value = request[FILTER_FIELDS[column]];
      if (value === undefined) continue;
      parameters.push(value);
      conditions.push(`${column} = $${parameters.length}`);
    }
    const rows = await this.query<Row>(
      `SELECT * FROM analytics.${table.view}${conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : ''}`,
      parameters,
    );
    return rows.map((row) => withNumbers(row, numericColumns(table.spec)));
  }

  private matches(row: Row, column: FilterColumn, request: StatisticsRequest): boolean {
    const wanted = request[FILTER_FIELDS[column]];
    return wanted === undefined || row[column] === wanted;
  }

  /**
   * The whole table with disclosure control applied, computed once per statistics refresh and
   * threshold: the suppression pattern must be the same whatever slice a request filters.
   */
  private async publicRows(table: StatisticsTable, threshold: number): Promise<Row[]> {
    if (table.live) {
      const rows = (await this.query<Row>(`SELECT * FROM analytics.${table.view}`)).map((row) => withNumbers(row, numericColumns(table.spec)));
      return publicTable(rows, table.spec, threshold);
    }
    const [freshness] = await this.query<{ refreshed_at: Date | null; through_events: string }>(
      `SELECT refreshed_at, through_events FROM analytics.statistics_freshness`,
    );
    const key = `${table.view}|${threshold}|${freshness?.refreshed_at?.toISOString()}|${freshness?.through_events}`;
    let rows = this.publicCache.get(key);
    if (!rows) {
      const full = (await this.query<Row>(`SELECT * FROM analytics.${table.view}`)).map((row) => withNumbers(row, numericColumns(table.spec)));
      rows = publicTable(full, table.spec, threshold);
      for (const stale of [...this.publicCache.keys()].filter((cached) => cached.startsWith(`${table.view}|${threshold}|`))) this.publicCache.delete(stale);
      this.publicCache.set(key, rows);
    }
    return rows;
  }

  async status(): Promise<{
    version: string;
    state: string;
    events: number;
    cases: number;
    offsets: unknown[];
    statistics: { refreshedAt: string | null; throughEvents: number; durationMs: number | null };
    versions: ReadModelStatus[];
  }> {
    const { schema, consumer } = READ_MODEL;
    const [[counts], offsets, [statistics], versions] = await Promise.all([
      this.dataSource.query(
        `SELECT (SELECT coalesce(sum(event_count), 0) FROM ${schema}.case_events)::bigint::text AS events,
                (SELECT count(*) FROM ${schema}.case_events)::int AS cases`,
      ),
      this.dataSource.query(
        `SELECT consumer, topic, partition, next_offset::text AS next_offset FROM ${schema}.consumer_offsets WHERE consumer = $1 ORDER BY topic, partition`,
        [consumer],
      ),
      this.dataSource.query(`SELECT refreshed_at, through_events::text AS through_events, duration_ms FROM ${schema}.statistics_state`),
      new ReadModelControl(this.dataSource, READ_MODEL).versions(),
    ]);
    return {
      version: READ_MODEL.version,
      state: versions.find((version) => version.version === READ_MODEL.version)?.state ?? 'building',
      events: Number(counts.events),
      cases: counts.cases,
      offsets,
      statistics: {
        refreshedAt: toIso(statistics?.refreshed_at),
        throughEvents: Number(statistics?.through_events ?? 0),
        durationMs: statistics?.duration_ms ?? null,
      },
      versions,
    };
  }

  private query<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return fromPublishedViews(() => this.dataSource.query(sql, parameters));
  }
}

function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : String(value);
}

/** PostgreSQL sends bigint and numeric as text; analysts want numbers (slice values such as force '01' stay text). */
function withNumbers(row: Row, numeric: ReadonlySet<string>): Row {
  const copy: Row = { ...row };
  for (const column of numeric) {
    const value = copy[column];
    if (typeof value === 'string') copy[column] = Number(value);
  }
  return copy;
}
