import type { MigrationInterface, QueryRunner } from 'typeorm';
import { FORCES, HATE_CRIME_STRANDS } from '@hc/contracts';

/**
 * Every statistics table of read model version 2 gets a row for every combination of its slices,
 * empty ones included (counts 0; rates, percentages, medians and 90th percentiles null), as
 * docs/analytics.md promises: "Choose the totals you want in the WHERE clause; there is a row for
 * every combination." Before, `refresh_statistics()` grouped the journeys that exist, so a slice
 * no case fell in (no Crown Court case in a force, a strand with no case in a year) had no row.
 *
 * The slices:
 * - financial year: `all` and every year a hate crime of the journeys was recorded in (`unknown`
 *   only when it occurs; no year is invented);
 * - strand: `all` and each of the five;
 * - geography: England and Wales (`all`/`all`), each CPS area (force `all`), each force of
 *   `FORCES` under its area, whether or not it has a case; plus any area or force the journeys
 *   carry that the list does not (`unknown`, or a force the CPS placed in another area);
 * - court type (not in flag retention): `all`, `magistrates`, `crown`, `none`; flag retention has
 *   each of its three boundaries instead.
 *
 * A row that has cases keeps exactly the figures it had: the counts are grouped as before (the
 * same grouping sets over the same per-slice counts) and then joined onto the grid of every slice.
 * The tables, their columns and the views' order are unchanged, so the version's schema stays
 * `projection_v2`: the statistics are recomputed from the journeys whenever they are refreshed.
 * `analytics.attrition_by_strand` shows its six rows even when a strand has no crime.
 *
 * The list of forces is written into the function when this migration runs (as version 2 wrote
 * the strands into its own).
 */
export class StatisticsEverySlice1763770000003 implements MigrationInterface {
  readonly name = 'StatisticsEverySlice1763770000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.replace(queryRunner, true);
  }

  /** The statistics as version 2 first computed them: the same figures, only the slices that have a case. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await this.replace(queryRunner, false);
  }

  private async replace(queryRunner: QueryRunner, everySlice: boolean): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    // As the switch does (ReadModelControl.activate): wait for the version's batches in flight and
    // hold the next ones back (they take this lock shared), then lock the versions' rows, so the
    // state read below cannot change before this transaction commits.
    await q(`SELECT pg_advisory_xact_lock(hashtext('projection_v2:state'))`);
    const versions: Array<{ version: string; state: string }> = await q(
      `SELECT version, state FROM projection.read_model_versions ORDER BY version FOR UPDATE`,
    );
    await q(refreshStatistics(everySlice));
    await q(publishAnalytics(everySlice));
    // Recomputed now only where version 2 is the one analysts read. While it is building (or on a
    // new database, before it registers) its statistics are not read nor kept: the switch computes
    // them with this function. Where a newer version is active, the analytics views are not v2's.
    if (versions.some((row) => row.version === 'v2' && row.state === 'active')) {
      await q(`SELECT projection_v2.refresh_statistics()`);
      await q(`SELECT projection_v2.publish_analytics()`);
    }
  }
}

const STRANDS = ['all', ...HATE_CRIME_STRANDS];
const COURT_TYPES = ['all', 'magistrates', 'crown', 'none'];
const BOUNDARIES = ['police_to_cps', 'cps_to_court', 'conviction_to_sentence'];
const ATTRITION_COLUMNS = [
  'recorded', 'suspects_identified', 'referred_to_cps', 'pre_charge_decisions', 'charged', 'convicted', 'sentenced', 'uplift_announced',
];
const INTERVALS = ['recorded_to_suspect', 'recorded_to_referral', 'referral_to_decision', 'charge_to_completion', 'conviction_to_sentence', 'recorded_to_outcome'];

const literal = (value: string | null) => (value === null ? 'NULL' : `'${value.replace(/'/g, "''")}'`);
const textArray = (values: readonly string[]) => `ARRAY[${values.map(literal).join(', ')}]::text[]`;

/** England and Wales, each CPS area, and each force under its area: (cps_area, force_code, force_name). */
function listedGeography(): string {
  const forces = [...FORCES.values()];
  const areas = [...new Set(forces.map((force) => force.cpsArea))].sort();
  const rows: Array<readonly [string, string, string | null]> = [
    ['all', 'all', null],
    ...areas.map((area) => [area, 'all', null] as const),
    ...forces.map((force) => [force.cpsArea, force.code, force.name] as const),
  ];
  return `VALUES ${rows.map((row, i) => `(${row.map((value) => (i === 0 ? `${literal(value)}::text` : literal(value))).join(', ')})`).join(',\n           ')}`;
}

/** Slices of every statistic: year, strand ('all' and each), CPS area and force (rolled up), court type. */
const DIMENSIONS = `
       CASE WHEN GROUPING(financial_year) = 1 THEN 'all' ELSE coalesce(financial_year, 'unknown') END AS financial_year,
       strand,
       CASE WHEN GROUPING(cps_area) = 1 THEN 'all' ELSE coalesce(cps_area, 'unknown') END AS cps_area,
       CASE WHEN GROUPING(force_code) = 1 THEN 'all' ELSE coalesce(force_code, 'unknown') END AS force_code,
       CASE WHEN GROUPING(force_code) = 1 THEN NULL ELSE force_name END AS force_name`;
const COURT_TYPE = `CASE WHEN GROUPING(case_court_type) = 1 THEN 'all' ELSE case_court_type END AS court_type`;
const GROUP_BY_SLICES = `GROUP BY strand, GROUPING SETS ((financial_year), ()), ROLLUP (cps_area, (force_code, force_name)), GROUPING SETS ((case_court_type), ())`;
/** The grid's slice matches the computed one (force_name is null on the totals). */
const sameSlice = (grid: string, counted: string) =>
  `${counted}.financial_year = ${grid}.financial_year AND ${counted}.strand = ${grid}.strand AND ${counted}.cps_area = ${grid}.cps_area
      AND ${counted}.force_code = ${grid}.force_code AND coalesce(${counted}.force_name, '') = coalesce(${grid}.force_name, '')`;
/** The hate crime rows, once under 'all' and once under each of their strands. */
const BY_STRAND = `
  SELECT j.*, s.strand
    FROM projection_v2.journeys j
    CROSS JOIN LATERAL unnest(ARRAY['all'] || j.strands) AS s(strand)
   WHERE j.hate_crime`;
const pct = (numerator: string, denominator: string) => `round(100.0 * ${numerator} / nullif(${denominator}, 0), 1)`;
const days = (from: string, to: string) => `extract(epoch FROM (${to} - ${from})) / 86400.0`;

const FUNNEL_COUNTS = ['recorded', 'suspect_identified', 'referred_to_cps', 'charged', 'prosecution_completed', 'convicted', 'sentenced', 'uplift_announced'];
const RATE_COUNTS = ['decisions', 'charges', 'completed', 'convictions', 'guilty_pleas', 'uplifts', 'outcomes', 'police_charges'];
const CROSSING_COUNTS = ['flagged_upstream', 'kept', 'strands_changed', 'removed_with_reason', 'lost', 'first_applied_downstream'];

/**
 * With `everySlice` false, the rows of empty slices are taken out again at the end, which gives
 * back the tables as version 2 first computed them (a slice with a case has at least one
 * recorded crime, and a boundary crossing counts as flagged upstream or as first applied downstream).
 */
const DROP_EMPTY_SLICES = `
  DELETE FROM projection_v2.stat_attrition_funnel WHERE recorded = 0;
  DELETE FROM projection_v2.stat_outcome_rates o
   WHERE NOT EXISTS (SELECT 1 FROM projection_v2.stat_attrition_funnel f
                      WHERE (f.financial_year, f.strand, f.cps_area, f.force_code, f.court_type) = (o.financial_year, o.strand, o.cps_area, o.force_code, o.court_type));
  DELETE FROM projection_v2.stat_timeliness t
   WHERE NOT EXISTS (SELECT 1 FROM projection_v2.stat_attrition_funnel f
                      WHERE (f.financial_year, f.strand, f.cps_area, f.force_code, f.court_type) = (t.financial_year, t.strand, t.cps_area, t.force_code, t.court_type));
  DELETE FROM projection_v2.stat_flag_retention WHERE flagged_upstream = 0 AND first_applied_downstream = 0;`;

/**
 * Recomputes every statistics table from the per-case rows. Serialised by an advisory lock, so two
 * writers never interleave their delete and insert; readers see the old or the new figures, never a mix.
 */
function refreshStatistics(everySlice: boolean): string {
  return `
CREATE OR REPLACE FUNCTION projection_v2.refresh_statistics() RETURNS void LANGUAGE plpgsql
  -- the sorts of a national year fit in memory instead of spilling to disk (the default is 4 MB)
  SET work_mem = '128MB'
AS $fn$
DECLARE
  started timestamptz := clock_timestamp();
  counted_events bigint;
  years text[];
  strands text[];
BEGIN
  -- The attrition-by-strand rows first, then the refresh lock: the order a batch takes them in
  -- (it locks the rows to keep them exact, then may refresh), so a batch and a refresh run beside
  -- it cannot deadlock.
  PERFORM 1 FROM projection_v2.stat_attrition_by_strand ORDER BY strand FOR UPDATE;
  PERFORM pg_advisory_xact_lock(hashtext('projection_v2.refresh_statistics'));
  -- Counted first: the figures below take in at least these events (more, if a batch commits meanwhile).
  SELECT coalesce(sum(event_count), 0) INTO counted_events FROM projection_v2.case_events;

  -- The counts at the finest slice once; the totals ('all') are then sums over these few cells.
  DROP TABLE IF EXISTS pg_temp.slice_counts;
  CREATE TEMP TABLE slice_counts ON COMMIT DROP AS
  SELECT financial_year, strand, cps_area, force_code, force_name, case_court_type,
         count(*) FILTER (WHERE first_row)        AS recorded,
         count(*) FILTER (WHERE stage_index >= 1) AS suspect_identified,
         count(*) FILTER (WHERE stage_index >= 2) AS referred_to_cps,
         count(*) FILTER (WHERE stage_index >= 3) AS charged,
         count(*) FILTER (WHERE stage_index >= 4) AS prosecution_completed,
         count(*) FILTER (WHERE stage_index >= 5) AS convicted,
         count(*) FILTER (WHERE stage_index >= 6) AS sentenced,
         count(*) FILTER (WHERE stage_index >= 7) AS uplift_announced,
         count(*) FILTER (WHERE pre_charge_decision IS NOT NULL) AS decisions,
         count(*) FILTER (WHERE pre_charge_decision = 'charge') AS charges,
         count(*) FILTER (WHERE prosecution_outcome IS NOT NULL) AS completed,
         count(*) FILTER (WHERE prosecution_outcome IN ('guilty_plea', 'conviction_after_trial', 'proof_in_absence')) AS convictions,
         count(*) FILTER (WHERE prosecution_outcome = 'guilty_plea') AS guilty_pleas,
         count(*) FILTER (WHERE prosecution_outcome IN ('guilty_plea', 'conviction_after_trial', 'proof_in_absence') AND uplift_announced) AS uplifts,
         count(*) FILTER (WHERE first_row AND police_outcome_code IS NOT NULL) AS outcomes,
         count(*) FILTER (WHERE first_row AND police_outcome_code = 1) AS police_charges
    FROM (${BY_STRAND}) r
   GROUP BY financial_year, strand, cps_area, force_code, force_name, case_court_type;

  -- Every slice a statistic has a row for (but the court type): the years that occur and 'all';
  -- 'all' and every strand; England and Wales, every CPS area and every force of the list, and
  -- whatever area or force the rows carry that the list does not (unknown, or placed elsewhere).
  -- The years and strands as arrays: the planner, which cannot tell how few values a UNION over
  -- the counts leaves, would take the grid for millions of rows and compile it (JIT) for 0.3 s.
  SELECT ARRAY['all'] || coalesce(array_agg(DISTINCT coalesce(financial_year, 'unknown')), '{}') INTO years FROM slice_counts;
  SELECT ARRAY(SELECT unnest(${textArray(STRANDS)}) UNION SELECT strand FROM slice_counts) INTO strands;
  DROP TABLE IF EXISTS pg_temp.slice_grid;
  CREATE TEMP TABLE slice_grid ON COMMIT DROP AS
  WITH occurring AS (
    SELECT DISTINCT coalesce(cps_area, 'unknown') AS cps_area, 'all'::text AS force_code, NULL::text AS force_name FROM slice_counts
    UNION ALL
    SELECT DISTINCT coalesce(cps_area, 'unknown'), coalesce(force_code, 'unknown'), force_name FROM slice_counts
  ), geography AS (
    SELECT cps_area, force_code, force_name FROM occurring
    UNION ALL
    SELECT cps_area, force_code, force_name
      FROM (${listedGeography()}) AS listed(cps_area, force_code, force_name)
     WHERE NOT EXISTS (SELECT 1 FROM occurring o WHERE o.cps_area = listed.cps_area AND o.force_code = listed.force_code)
  )
  SELECT y.financial_year, s.strand, g.cps_area, g.force_code, g.force_name
    FROM unnest(years) AS y(financial_year)
   CROSS JOIN unnest(strands) AS s(strand)
   CROSS JOIN geography g;

  -- Every slice with its court type, and its totals: the sums over the finest slices, zeros where none.
  DROP TABLE IF EXISTS pg_temp.slice_totals;
  CREATE TEMP TABLE slice_totals ON COMMIT DROP AS
  SELECT g.financial_year, g.strand, g.cps_area, g.force_code, g.force_name, c.court_type,
         ${[...FUNNEL_COUNTS, ...RATE_COUNTS].map((column) => `coalesce(t.${column}, 0) AS ${column}`).join(', ')}
    FROM slice_grid g
   CROSS JOIN (SELECT unnest(${textArray(COURT_TYPES)}) AS court_type UNION SELECT case_court_type FROM slice_counts) c
    LEFT JOIN (
      SELECT ${DIMENSIONS}, ${COURT_TYPE},
             ${[...FUNNEL_COUNTS, ...RATE_COUNTS].map((column) => `sum(${column})::bigint AS ${column}`).join(', ')}
        FROM slice_counts
       ${GROUP_BY_SLICES}
    ) t ON ${sameSlice('g', 't')} AND t.court_type = c.court_type;

  DELETE FROM projection_v2.stat_attrition_funnel;
  INSERT INTO projection_v2.stat_attrition_funnel
  SELECT financial_year, strand, cps_area, force_code, force_name, court_type, ${FUNNEL_COUNTS.join(', ')}
    FROM slice_totals;

  DELETE FROM projection_v2.stat_outcome_rates;
  INSERT INTO projection_v2.stat_outcome_rates
  SELECT financial_year, strand, cps_area, force_code, force_name, court_type,
         decisions, charges, ${pct('charges', 'decisions')},
         completed, convictions, ${pct('convictions', 'completed')},
         guilty_pleas, ${pct('guilty_pleas', 'completed')},
         convictions, uplifts, ${pct('uplifts', 'convictions')},
         outcomes, police_charges, ${pct('police_charges', 'outcomes')}
    FROM slice_totals;

  DROP TABLE IF EXISTS pg_temp.slice_crossings;
  CREATE TEMP TABLE slice_crossings ON COMMIT DROP AS
  SELECT boundary, financial_year, strand, cps_area, force_code, force_name,
         count(*) FILTER (WHERE result IN ('kept', 'strands_changed', 'removed_with_reason', 'lost')) AS flagged_upstream,
         count(*) FILTER (WHERE result IN ('kept', 'strands_changed')) AS kept,
         count(*) FILTER (WHERE result = 'strands_changed') AS strands_changed,
         count(*) FILTER (WHERE result = 'removed_with_reason') AS removed_with_reason,
         count(*) FILTER (WHERE result = 'lost') AS lost,
         count(*) FILTER (WHERE result = 'first_applied_downstream') AS first_applied_downstream
    FROM (
      SELECT b.boundary, b.result, r.financial_year, r.strand, r.cps_area, r.force_code, r.force_name
        FROM (${BY_STRAND}) r
        CROSS JOIN LATERAL (VALUES
          ('police_to_cps', CASE WHEN r.first_row THEN r.police_to_cps END),
          ('cps_to_court', r.cps_to_court),
          ('conviction_to_sentence', r.conviction_to_sentence)
        ) AS b(boundary, result)
       WHERE b.result IS NOT NULL
    ) crossings
   GROUP BY boundary, financial_year, strand, cps_area, force_code, force_name;

  DELETE FROM projection_v2.stat_flag_retention;
  INSERT INTO projection_v2.stat_flag_retention
  SELECT b.boundary, g.financial_year, g.strand, g.cps_area, g.force_code, g.force_name,
         coalesce(t.flagged_upstream, 0), coalesce(t.kept, 0), ${pct('t.kept', 't.flagged_upstream')},
         coalesce(t.strands_changed, 0), coalesce(t.removed_with_reason, 0), coalesce(t.lost, 0), coalesce(t.first_applied_downstream, 0)
    FROM unnest(${textArray(BOUNDARIES)}) AS b(boundary)
   CROSS JOIN slice_grid g
    LEFT JOIN (
      SELECT boundary, ${DIMENSIONS},
             ${CROSSING_COUNTS.map((column) => `sum(${column})::bigint AS ${column}`).join(', ')}
        FROM slice_crossings
       GROUP BY boundary, strand, GROUPING SETS ((financial_year), ()), ROLLUP (cps_area, (force_code, force_name))
    ) t ON t.boundary = b.boundary AND ${sameSlice('g', 't')};

  -- Each defendant's intervals as rows (only those it has), so each percentile sorts only its own
  -- durations; the Victims' Code counts are sums over the finest slices, like the counts above.
  DROP TABLE IF EXISTS pg_temp.slice_intervals;
  CREATE TEMP TABLE slice_intervals ON COMMIT DROP AS
  SELECT r.financial_year, r.strand, r.cps_area, r.force_code, r.force_name, r.case_court_type, i.name, i.days
    FROM (${BY_STRAND}) r
    CROSS JOIN LATERAL (VALUES
      ('recorded_to_suspect', ${days('r.recorded_at', 'r.suspect_identified_at')}),
      ('recorded_to_referral', ${days('r.recorded_at', 'r.referred_at')}),
      ('referral_to_decision', ${days('r.referred_at', 'r.decided_at')}),
      ('charge_to_completion', ${days('r.charged_at', 'r.prosecution_completed_at')}),
      ('conviction_to_sentence', ${days('r.convicted_at', 'r.sentenced_at')}),
      ('recorded_to_outcome', ${days('r.recorded_at', 'r.outcome_at')})
    ) AS i(name, days)
   WHERE i.days IS NOT NULL;

  DROP TABLE IF EXISTS pg_temp.slice_victims;
  CREATE TEMP TABLE slice_victims ON COMMIT DROP AS
  SELECT financial_year, strand, cps_area, force_code, force_name, case_court_type,
         count(*) FILTER (WHERE enhanced_service) AS enhanced_outcomes,
         count(*) FILTER (WHERE enhanced_service AND told_in_time) AS enhanced_told,
         count(*) FILTER (WHERE NOT enhanced_service) AS other_outcomes,
         count(*) FILTER (WHERE NOT enhanced_service AND told_in_time) AS other_told
    FROM (
      SELECT r.*,
             -- Victims' Code: 1 working day for the enhanced service, 5 otherwise, taken as calendar days
             coalesce(r.victim_informed_at <= r.outcome_at + CASE WHEN r.enhanced_service THEN interval '1 day' ELSE interval '5 days' END, false) AS told_in_time
        FROM (${BY_STRAND}) r
       WHERE r.outcome_at IS NOT NULL
    ) outcomes
   GROUP BY financial_year, strand, cps_area, force_code, force_name, case_court_type;

  -- One row per row of the funnel, so every slice: an interval no defendant has is n 0, median and 90th percentile null.
  DELETE FROM projection_v2.stat_timeliness;
  INSERT INTO projection_v2.stat_timeliness
  SELECT s.financial_year, s.strand, s.cps_area, s.force_code, s.force_name, s.court_type,
         ${INTERVALS
           .map((name) => `coalesce(max(p.n) FILTER (WHERE p.name = '${name}'), 0), max(p.median) FILTER (WHERE p.name = '${name}'), max(p.p90) FILTER (WHERE p.name = '${name}')`)
           .join(',\n         ')},
         coalesce(max(v.enhanced_outcomes), 0), coalesce(max(v.enhanced_told), 0), ${pct('max(v.enhanced_told)', 'max(v.enhanced_outcomes)')},
         coalesce(max(v.other_outcomes), 0), coalesce(max(v.other_told), 0), ${pct('max(v.other_told)', 'max(v.other_outcomes)')}
    FROM (SELECT financial_year, strand, cps_area, force_code, force_name, court_type FROM projection_v2.stat_attrition_funnel) s
    LEFT JOIN (
      SELECT ${DIMENSIONS}, ${COURT_TYPE}, name, count(*) AS n,
             round(percentile_cont(0.5) WITHIN GROUP (ORDER BY days)::numeric, 1) AS median,
             round(percentile_cont(0.9) WITHIN GROUP (ORDER BY days)::numeric, 1) AS p90
        FROM slice_intervals
       GROUP BY name, strand, GROUPING SETS ((financial_year), ()), ROLLUP (cps_area, (force_code, force_name)), GROUPING SETS ((case_court_type), ())
    ) p USING (financial_year, strand, cps_area, force_code, court_type)
    LEFT JOIN (
      SELECT ${DIMENSIONS}, ${COURT_TYPE},
             sum(enhanced_outcomes)::bigint AS enhanced_outcomes, sum(enhanced_told)::bigint AS enhanced_told,
             sum(other_outcomes)::bigint AS other_outcomes, sum(other_told)::bigint AS other_told
        FROM slice_victims
       ${GROUP_BY_SLICES}
    ) v USING (financial_year, strand, cps_area, force_code, court_type)
   GROUP BY s.financial_year, s.strand, s.cps_area, s.force_code, s.force_name, s.court_type;
${everySlice ? '' : DROP_EMPTY_SLICES}
  -- Updated in place, never deleted and inserted again (see the table): a batch waiting for these
  -- rows then locks their new versions rather than skipping rows that were deleted meanwhile.
  UPDATE projection_v2.stat_attrition_by_strand t
     SET ${ATTRITION_COLUMNS.map((column) => `${column} = coalesce(f.${column}, 0)`).join(', ')}
    FROM projection_v2.stat_attrition_by_strand s
    LEFT JOIN projection_v2.attrition_by_strand_of(NULL) f USING (strand)
   WHERE t.strand = s.strand;

  UPDATE projection_v2.statistics_state
     SET refreshed_at = now(), through_events = counted_events, duration_ms = (extract(epoch FROM clock_timestamp() - started) * 1000)::integer;
END
$fn$`;
}

const STRAND_ORDER = `array_position(ARRAY['all', 'race', 'religion', 'sexual_orientation', 'disability', 'transgender'], strand)`;
const SLICE_ORDER = `financial_year <> 'all', financial_year, ${STRAND_ORDER}, cps_area <> 'all', cps_area, force_code <> 'all', force_code`;
const COURT_ORDER = `array_position(ARRAY['all', 'magistrates', 'crown', 'none'], court_type)`;

/**
 * Makes this version the one analysts read: the `analytics` schema is dropped and recreated with
 * views over `projection_v2`, in the caller's transaction, so readers see the old views or the new
 * ones, never none. Views are owned by the caller (the migration role) and readable by `analyst`.
 * As version 2 published them, but that `attrition_by_strand` has a row for every strand, even
 * one with no crime (with `everySlice` false, as version 2 first published it).
 */
function publishAnalytics(everySlice: boolean): string {
  return `
CREATE OR REPLACE FUNCTION projection_v2.publish_analytics() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  DROP SCHEMA IF EXISTS analytics CASCADE;
  CREATE SCHEMA analytics;
  COMMENT ON SCHEMA analytics IS 'Hate crime statistics for analysts: one stable view per question, over read model projection_v2 (docs/analytics.md)';

  CREATE VIEW analytics.case_journey AS
  SELECT case_id, defendant_id, urn, force_code, force_name, cps_area, financial_year, hate_crime, strands, case_court_type,
         stage_reached, stage_index,
         police_flagged_at_recording, police_strands_at_recording, police_flagged, police_strands, police_flag_removed_reason,
         religion_targeted_group, perceived_by, police_flagged_at_referral, police_strands_at_referral,
         referral_flagged, referral_strands, cps_flagged_at_receipt, cps_strands_at_receipt, cps_flagged, cps_strands,
         cps_flag_removed_reason, cps_flagged_at_decision, cps_strands_at_decision, charge_flagged, charge_strands,
         court_flagged, court_strands,
         recorded_at, suspect_identified_at, referred_at, cps_received_at, pre_charge_decision, decided_at, charged_at, charges,
         prosecution_outcome, prosecution_completed_at, court_received_at, listed_at, sent_to_crown_court_at, court_type,
         plea, plea_entered_at, convicted, convicted_at, conviction_basis, acquitted_at, acquittal_basis,
         sentenced_at, sentence, sentence_offences, uplift_decided, uplift_applied, uplift_provision, uplift_stated_in_open_court,
         uplift_strands, uplift_announced,
         police_outcome_code, police_outcome_at,
         victims_assessed, victim_needs_assessed_at, enhanced_service, victim_risk_level, victim_needs,
         victim_needs_passed_on, victim_needs_received, special_measures_applied_for,
         outcome_at, victim_informed_at, uplift_explained_to_victim,
         police_to_cps, cps_to_court, conviction_to_sentence, first_row, last_event_at
    FROM projection_v2.journeys;

  CREATE VIEW analytics.flag_audit AS
  SELECT case_id, defendant_id, urn, force_code, force_name, cps_area, financial_year, strands, court_type,
         boundary, finding, upstream_flagged, upstream_strands, downstream_flagged, downstream_strands,
         reason, event_id, detected_at, detail
    FROM projection_v2.flag_audit;

  CREATE VIEW analytics.attrition_funnel AS
  SELECT * FROM projection_v2.stat_attrition_funnel ORDER BY ${SLICE_ORDER}, ${COURT_ORDER};

  CREATE VIEW analytics.outcome_rates AS
  SELECT * FROM projection_v2.stat_outcome_rates ORDER BY ${SLICE_ORDER}, ${COURT_ORDER};

  CREATE VIEW analytics.flag_retention AS
  SELECT * FROM projection_v2.stat_flag_retention
   ORDER BY array_position(ARRAY['police_to_cps', 'cps_to_court', 'conviction_to_sentence'], boundary), ${SLICE_ORDER};

  CREATE VIEW analytics.timeliness AS
  SELECT * FROM projection_v2.stat_timeliness ORDER BY ${SLICE_ORDER}, ${COURT_ORDER};

  -- Kept exact with every batch (see ProjectionWriter), so it is current as soon as a batch commits.
  CREATE VIEW analytics.attrition_by_strand AS
  SELECT strand, recorded, suspects_identified, referred_to_cps, pre_charge_decisions, charged, convicted, sentenced, uplift_announced,
         ${pct('charged', 'pre_charge_decisions')} AS charge_rate_pct, ${pct('uplift_announced', 'convicted')} AS uplift_rate_pct
    FROM projection_v2.stat_attrition_by_strand${everySlice ? '' : `
   WHERE recorded > 0`}
   ORDER BY ${STRAND_ORDER};

  CREATE VIEW analytics.case_events AS
  SELECT case_id, position, (envelope ->> 'id')::uuid AS event_id,
         split_part(envelope ->> 'type', '.', 5) AS agency, split_part(envelope ->> 'type', '.', 6) AS event_type,
         (envelope ->> 'time')::timestamptz AS occurred_at, (envelope ->> 'streamversion')::integer AS stream_version,
         envelope
    FROM (
      SELECT ce.case_id, e.position, e.line::jsonb AS envelope
        FROM projection_v2.case_events ce
        CROSS JOIN LATERAL regexp_split_to_table(concat_ws(E'\\n', ce.police_events, ce.cps_events, ce.courts_events), E'\\n') WITH ORDINALITY AS e(line, position)
    ) lines;

  CREATE VIEW analytics.statistics_freshness AS
  SELECT 'v2'::text AS read_model_version, refreshed_at, through_events, duration_ms
    FROM projection_v2.statistics_state;

  GRANT USAGE ON SCHEMA analytics TO analyst;
  GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO analyst;
END
$fn$`;
}
