import type { Pool } from 'pg';

/**
 * Where the projection keeps what the reconciliation counts, read straight from its tables (not
 * through its API, which answers aggregates): the events it holds, its case rows and its stored
 * offsets. Two layouts exist:
 * - read model v1, schema `projection`: one row per event in `events`, one per case in `cases`;
 * - versioned read models (`projection.read_model_versions` names each version's schema and
 *   consumer): each case's events as one JSON envelope per line in `case_events` (in one `events`
 *   column, or one `<agency>_events` column per agency), the case rows in `journeys`. The active
 *   version is reconciled, or the one being built when none is active yet.
 */
export interface ProjectionView {
  readonly schema: string;
  /** The consumer name whose offsets count; undefined for v1, which has one consumer. */
  readonly consumer: string | undefined;
  /** Rows (event_id text, agency text): one per event held, a duplicate as a second row. */
  readonly eventsSql: string;
  /** Rows (case_id text): the cases with a row in the case-level read model. */
  readonly casesSql: string;
  /** Rows (topic, partition, next_offset text). */
  readonly offsetsSql: string;
  /** A query answering one row (n int): case rows whose stored event count disagrees with their events; or undefined. */
  readonly inconsistentSql: string | undefined;
}

async function tableExists(db: Pool, table: string): Promise<boolean> {
  const { rows } = await db.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [table]);
  return rows[0].present;
}

const quoted = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unexpected projection schema name ${name}`);
  return name;
};

export async function projectionView(db: Pool): Promise<ProjectionView> {
  if (await tableExists(db, 'projection.read_model_versions')) {
    const { rows } = await db.query(
      `SELECT schema_name, consumer FROM projection.read_model_versions
        WHERE state <> 'retired' ORDER BY (state = 'active') DESC, registered_at DESC LIMIT 1`,
    );
    const version = rows[0] as { schema_name: string; consumer: string } | undefined;
    if (version && (await tableExists(db, `${quoted(version.schema_name)}.case_events`))) {
      const schema = quoted(version.schema_name);
      const consumer = version.consumer.replace(/'/g, "''");
      // The events are one JSON envelope per line, in one text column or one per agency.
      const { rows: columns } = await db.query(
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = $1 AND table_name = 'case_events' AND data_type = 'text' AND column_name ~ '(^|_)events$'
          ORDER BY ordinal_position`,
        [schema],
      );
      const eventColumns = (columns as Array<{ column_name: string }>).map((column) => quoted(column.column_name));
      if (eventColumns.length === 0) throw new Error(`${schema}.case_events has no events column this script knows how to read`);
      const lines = (column: string) => `coalesce(array_length(string_to_array(nullif(${column}, ''), E'\\n'), 1), 0)`;
      return {
        schema,
        consumer: version.consumer,
        eventsSql: eventColumns
          .map(
            (column) => `SELECT line::jsonb->>'id' AS event_id, split_part(line::jsonb->>'type', '.', 5) AS agency
                           FROM ${schema}.case_events, regexp_split_to_table(${column}, E'\\n') AS line WHERE line <> ''`,
          )
          .join(' UNION ALL '),
        casesSql: `SELECT DISTINCT case_id::text AS case_id FROM ${schema}.journeys`,
        offsetsSql: `SELECT topic, partition, next_offset::text AS next_offset FROM ${schema}.consumer_offsets WHERE consumer = '${consumer}'`,
        inconsistentSql: `SELECT count(*)::int AS n FROM ${schema}.case_events WHERE event_count <> ${eventColumns.map(lines).join(' + ')}`,
      };
    }
  }
  return {
    schema: 'projection',
    consumer: undefined,
    eventsSql: `SELECT event_id::text AS event_id, agency FROM projection.events`,
    casesSql: `SELECT case_id::text AS case_id FROM projection.cases`,
    offsetsSql: `SELECT topic, partition, max(next_offset)::text AS next_offset FROM projection.consumer_offsets GROUP BY topic, partition`,
    inconsistentSql: undefined,
  };
}
