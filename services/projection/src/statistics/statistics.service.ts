import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { environment } from '@hc/config';
import { publicRelease } from '../disclosure/public-release';
import type { PublicRow, Row } from '../disclosure/public-table';
import { fromPublishedViews } from '../read-model/published-views';
import { READ_MODEL, ReadModelControl, type ReadModelStatus } from '../read-model/read-model';
import type { StatisticsFilterDto } from './dto/statistics-query.dto';
import { numericColumns, PUBLIC_TABLES, RELEASE_LINKS, type FilterColumn, type StatisticsTable } from './statistics-tables';

export interface StatisticsRequest extends StatisticsFilterDto {
  readonly courtType?: string;
  readonly boundary?: string;
  readonly public?: boolean;
}

/** The public tables as one disclosure-controlled release, and the statistics refresh it is of. */
export interface PublicRelease {
  readonly key: string;
  readonly of: { readonly refreshedAt: string | null; readonly throughEvents: number };
  readonly threshold: number;
  readonly tables: ReadonlyMap<string, PublicRow[]>;
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
  /** The last public release made, and the one being made (concurrent requests share it). */
  private release?: PublicRelease;
  private making?: { readonly key: string; readonly release: Promise<PublicRelease> };
  private readonly logger = new Logger('PublicRelease');
  private readonly threshold = environment().DISCLOSURE_THRESHOLD;

  constructor(private readonly dataSource: DataSource) {}

  /** The rows of a statistic, filtered; with `public`, from the public release (told to `released`). */
  async statistics(table: StatisticsTable, request: StatisticsRequest, released?: (release: PublicRelease) => void): Promise<Row[]> {
    if (request.public) {
      const release = await this.publicRelease();
      released?.(release);
      return release.tables.get(table.view)!.filter((row) => table.filters.every((column) => this.matches(row, column, request)));
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
   * Every public table with disclosure control applied to all of them together, as one release:
   * the suppression pattern is the same whatever table or slice a request reads, and no table
   * gives away what another withholds. A release is made once per statistics refresh, in the
   * background: while the next one is being made, the last one is served (it names the refresh it
   * is of); only the very first request waits.
   */
  async publicRelease(): Promise<PublicRelease> {
    const of = await this.freshness();
    const key = `${of.refreshedAt}|${of.throughEvents}`;
    if (this.release?.key === key) return this.release;
    if (this.making?.key !== key) {
      const making = this.makeRelease(key, of);
      this.making = { key, release: making };
      making
        .then((release) => {
          if (!this.release || this.release.of.throughEvents <= release.of.throughEvents) this.release = release;
        })
        .catch((error: Error) => this.logger.error(`public release of the statistics through ${of.throughEvents} events failed: ${error.message}`))
        .finally(() => {
          if (this.making?.release === making) this.making = undefined;
        });
    }
    return this.release ?? this.making!.release;
  }

  private async makeRelease(key: string, of: PublicRelease['of']): Promise<PublicRelease> {
    const started = Date.now();
    const tables = await Promise.all(
      PUBLIC_TABLES.map(async (table) => ({
        name: table.view,
        spec: table.spec,
        rows: (await this.query<Row>(`SELECT * FROM analytics.${table.view}`)).map((row) => withNumbers(row, numericColumns(table.spec))),
      })),
    );
    const tablesOf = await publicRelease(tables, RELEASE_LINKS, this.threshold);
    const withheld = [...tablesOf.values()].reduce((sum, rows) => sum + rows.reduce((cells, row) => cells + row.suppressed.length, 0), 0);
    this.logger.log(`public release of the statistics through ${of.throughEvents} events: ${withheld} figures withheld, in ${Date.now() - started} ms`);
    return { key, of, threshold: this.threshold, tables: tablesOf };
  }

  /** When the statistics were last recomputed, and through how many events. */
  async freshness(): Promise<{ refreshedAt: string | null; throughEvents: number }> {
    const [freshness] = await this.query<{ refreshed_at: Date | null; through_events: string }>(
      `SELECT refreshed_at, through_events FROM analytics.statistics_freshness`,
    );
    return { refreshedAt: toIso(freshness?.refreshed_at), throughEvents: Number(freshness?.through_events ?? 0) };
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
