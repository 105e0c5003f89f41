import type { MigrationInterface, QueryRunner } from 'typeorm';
import { HATE_CRIME_STRANDS } from '@hc/contracts';

/** The rows of the attrition by strand: every strand, and the total. */
const STRANDS = ['all', ...HATE_CRIME_STRANDS];
const ATTRITION_COLUMNS = [
  'recorded', 'suspects_identified', 'referred_to_cps', 'pre_charge_decisions', 'charged', 'convicted', 'sentenced', 'uplift_announced',
];

/**
 * Read model version 2, in its own schema `projection_v2`, so that it can be built from offset 0
 * under its own consumer name while another version keeps answering, then switched to.
 *
 * Everything that defines the version lives here and is frozen with it: the tables, the function
 * that recomputes the statistics tables from the per-case rows, and the function that publishes
 * the `analytics` views over this schema (called when the version becomes the active one). A change
 * to any of them is a new version: a new schema, a new migration, a new consumer name.
 *
 * - `case_events`: every event of a case once (de-duplicated by id), as published, one JSON
 *   document per line, one column per agency; the projection rebuilds a case from these.
 * - `journeys`: one row per case and defendant (or one row with no defendant while no suspect is
 *   known), rebuilt per case from its events; `flag_audit`: one row per finding, rebuilt per case.
 * - `stat_*`: the statistics, recomputed from `journeys` by `refresh_statistics()` when the version
 *   is switched to and, once it is active, after the batches that change them (`statistics_state`
 *   says how fresh they are). `analytics.attrition_by_strand` is small and counted live.
 * - `consumer_offsets`: written in the same transaction as the rows, so each message takes effect once.
 *
 * Also: the control table `projection.read_model_versions`, and the `analyst` group role, which
 * may read the `analytics` schema and nothing else (the views are owned by the role that runs the
 * migrations, so they read the projection tables with their owner's rights).
 */
export class ReadModelV21763770000002 implements MigrationInterface {
  readonly name = 'ReadModelV21763770000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`
      CREATE TABLE projection.read_model_versions (
        version        text PRIMARY KEY,
        schema_name    text NOT NULL UNIQUE,
        consumer       text NOT NULL UNIQUE,
        state          text NOT NULL CHECK (state IN ('building', 'active', 'retired')),
        registered_at  timestamptz NOT NULL DEFAULT now(),
        first_batch_at timestamptz,
        caught_up_at   timestamptz,
        activated_at   timestamptz,
        retired_at     timestamptz
      )`);
    // A database upgraded from the first version keeps answering from it until version 2 has caught up.
    await q(`
      INSERT INTO projection.read_model_versions (version, schema_name, consumer, state, activated_at)
      SELECT 'v1', 'projection', 'projection-v1', 'active', now()
       WHERE EXISTS (SELECT 1 FROM projection.events)`);

    await q(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'analyst') THEN
          BEGIN
            CREATE ROLE analyst NOLOGIN;
          EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- created meanwhile by another database's migration: roles are cluster-wide
          END;
        END IF;
      END
      $$`);
    // Only the role's owner may comment on it; where the projection runs as its own role
    // (db:setup --roles made the analyst role), the comment is db:setup's business.
    await q(`
      DO $$
      BEGIN
        COMMENT ON ROLE analyst IS 'Analysts: SELECT on the analytics views and nothing else. Grant it to a login role.';
      EXCEPTION WHEN insufficient_privilege THEN
        NULL;
      END
      $$`);

    await q(`CREATE SCHEMA projection_v2`);
    await q(`
      CREATE TABLE projection_v2.consumer_offsets (
        consumer    text NOT NULL,
        topic       text NOT NULL,
        partition   integer NOT NULL,
        next_offset bigint NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, topic, partition)
      )`);
    await q(`
      CREATE TABLE projection_v2.case_events (
        case_id       uuid PRIMARY KEY,
        event_count   integer NOT NULL,
        police_events text,
        cps_events    text,
        courts_events text,
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    // One column per agency: a batch (one topic) appends to one of them, and the others' stored
    // (compressed, out-of-line) values are kept as they are instead of being rewritten.
    await q(`COMMENT ON TABLE projection_v2.case_events IS 'The events of each case as published (validated), one JSON envelope per line, per agency'`);
    // lz4 (PostgreSQL 14+ built with it) compresses the event text several times faster than pglz.
    await q(`
      DO $$
      BEGIN
        ALTER TABLE projection_v2.case_events ALTER COLUMN police_events SET COMPRESSION lz4,
          ALTER COLUMN cps_events SET COMPRESSION lz4, ALTER COLUMN courts_events SET COMPRESSION lz4;
      EXCEPTION WHEN feature_not_supported OR invalid_parameter_value OR undefined_object THEN
        NULL;
      END
      $$`);
    await q(`
      CREATE TABLE projection_v2.journeys (
        case_id                      uuid NOT NULL,
        defendant_id                 uuid,
        first_row                    boolean NOT NULL,
        urn                          text,
        force_code                   text,
        force_name                   text,
        cps_area                     text,
        crime_reference              text,
        recorded_at                  timestamptz,
        financial_year               text,
        hate_crime                   boolean NOT NULL,
        strands                      text[] NOT NULL,
        case_court_type              text NOT NULL,
        police_flagged_at_recording  boolean NOT NULL,
        police_strands_at_recording  text[] NOT NULL,
        police_flagged               boolean NOT NULL,
        police_strands               text[] NOT NULL,
        police_flag_removed_reason   text,
        religion_targeted_group      text,
        perceived_by                 text[] NOT NULL,
        police_flagged_at_referral   boolean,
        police_strands_at_referral   text[] NOT NULL,
        referral_flagged             boolean,
        referral_strands             text[] NOT NULL,
        victim_needs_passed_on       boolean,
        cps_received_at              timestamptz,
        cps_flagged_at_receipt       boolean,
        cps_strands_at_receipt       text[] NOT NULL,
        cps_flagged                  boolean,
        cps_strands                  text[] NOT NULL,
        cps_flag_removed_reason      text,
        victim_needs_received        boolean,
        victims_assessed             integer NOT NULL,
        victim_needs_assessed_at     timestamptz,
        enhanced_service             boolean NOT NULL,
        victim_risk_level            text,
        victim_needs                 text[] NOT NULL,
        special_measures_applied_for boolean NOT NULL,
        police_outcome_code          integer,
        police_outcome_at            timestamptz,
        suspect_identified_at        timestamptz,
        referred_at                  timestamptz,
        pre_charge_decision          text,
        decided_at                   timestamptz,
        charged_at                   timestamptz,
        charges                      jsonb NOT NULL,
        cps_flagged_at_decision      boolean,
        cps_strands_at_decision      text[] NOT NULL,
        charge_flagged               boolean,
        charge_strands               text[] NOT NULL,
        prosecution_outcome          text,
        prosecution_completed_at     timestamptz,
        court_received_at            timestamptz,
        court_flagged                boolean,
        court_strands                text[] NOT NULL,
        listed_at                    timestamptz,
        sent_to_crown_court_at       timestamptz,
        court_type                   text,
        plea                         text,
        plea_entered_at              timestamptz,
        convicted                    boolean NOT NULL,
        convicted_at                 timestamptz,
        conviction_basis             text,
        acquitted_at                 timestamptz,
        acquittal_basis              text,
        sentenced_at                 timestamptz,
        sentence                     text,
        sentence_offences            jsonb NOT NULL,
        uplift_decided               boolean NOT NULL,
        uplift_applied               boolean,
        uplift_provision             text,
        uplift_stated_in_open_court  boolean,
        uplift_strands               text[] NOT NULL,
        uplift_announced             boolean NOT NULL,
        outcome_at                   timestamptz,
        victim_informed_at           timestamptz,
        uplift_explained_to_victim   boolean,
        stage_reached                text NOT NULL,
        stage_index                  smallint NOT NULL,
        police_to_cps                text,
        cps_to_court                 text,
        conviction_to_sentence       text,
        last_event_at                timestamptz,
        UNIQUE NULLS NOT DISTINCT (case_id, defendant_id)
      )`);
    await q(`CREATE INDEX journeys_urn_idx ON projection_v2.journeys (urn)`);
    await q(`
      CREATE TABLE projection_v2.flag_audit (
        case_id            uuid NOT NULL,
        defendant_id       uuid,
        urn                text,
        force_code         text,
        force_name         text,
        cps_area           text,
        financial_year     text,
        strands            text[] NOT NULL,
        court_type         text NOT NULL,
        boundary           text NOT NULL,
        finding            text NOT NULL,
        upstream_flagged   boolean NOT NULL,
        upstream_strands   text[] NOT NULL,
        downstream_flagged boolean NOT NULL,
        downstream_strands text[] NOT NULL,
        reason             text,
        event_id           uuid,
        detected_at        timestamptz,
        detail             text NOT NULL
      )`);
    await q(`CREATE INDEX flag_audit_case_idx ON projection_v2.flag_audit (case_id)`);

    const slice = `
        financial_year text NOT NULL,
        strand         text NOT NULL,
        cps_area       text NOT NULL,
        force_code     text NOT NULL,
        force_name     text,
        court_type     text NOT NULL`;
    await q(`
      CREATE TABLE projection_v2.stat_attrition_funnel (${slice},
        recorded              bigint NOT NULL,
        suspect_identified    bigint NOT NULL,
        referred_to_cps       bigint NOT NULL,
        charged               bigint NOT NULL,
        prosecution_completed bigint NOT NULL,
        convicted             bigint NOT NULL,
        sentenced             bigint NOT NULL,
        uplift_announced      bigint NOT NULL
      )`);
    await q(`
      CREATE TABLE projection_v2.stat_outcome_rates (${slice},
        pre_charge_decisions     bigint NOT NULL,
        charges                  bigint NOT NULL,
        charge_rate_pct          numeric,
        completed_prosecutions   bigint NOT NULL,
        convictions              bigint NOT NULL,
        conviction_rate_pct      numeric,
        guilty_pleas             bigint NOT NULL,
        guilty_plea_rate_pct     numeric,
        hate_crime_convictions   bigint NOT NULL,
        uplifts_announced        bigint NOT NULL,
        uplift_rate_pct          numeric,
        police_outcomes_assigned bigint NOT NULL,
        police_charges           bigint NOT NULL,
        police_charge_rate_pct   numeric
      )`);
    await q(`
      CREATE TABLE projection_v2.stat_flag_retention (
        boundary                 text NOT NULL,
        financial_year           text NOT NULL,
        strand                   text NOT NULL,
        cps_area                 text NOT NULL,
        force_code               text NOT NULL,
        force_name               text,
        flagged_upstream         bigint NOT NULL,
        kept                     bigint NOT NULL,
        kept_pct                 numeric,
        strands_changed          bigint NOT NULL,
        removed_with_reason      bigint NOT NULL,
        lost                     bigint NOT NULL,
        first_applied_downstream bigint NOT NULL
      )`);
    const interval = (name: string) => `
        ${name}_n bigint NOT NULL, ${name}_median_days numeric, ${name}_p90_days numeric`;
    await q(`
      CREATE TABLE projection_v2.stat_timeliness (${slice},
        ${['recorded_to_suspect', 'recorded_to_referral', 'referral_to_decision', 'charge_to_completion', 'conviction_to_sentence', 'recorded_to_outcome'].map(interval).join(',')},
        enhanced_victim_outcomes   bigint NOT NULL,
        enhanced_victims_told_in_time bigint NOT NULL,
        enhanced_told_in_time_pct  numeric,
        other_victim_outcomes      bigint NOT NULL,
        other_victims_told_in_time bigint NOT NULL,
        other_told_in_time_pct     numeric
      )`);
    await q(`
      CREATE TABLE projection_v2.stat_attrition_by_strand (
        strand               text PRIMARY KEY,
        recorded             bigint NOT NULL,
        suspects_identified  bigint NOT NULL,
        referred_to_cps      bigint NOT NULL,
        pre_charge_decisions bigint NOT NULL,
        charged              bigint NOT NULL,
        convicted            bigint NOT NULL,
        sentenced            bigint NOT NULL,
        uplift_announced     bigint NOT NULL
      )`);
    // A row per strand from the start, never deleted: a batch locks them all (FOR UPDATE) before it
    // changes any, so batches and refreshes take their turn instead of inserting or deleting rows
    // under each other (which let two batches lock the same rows in different orders).
    await q(`INSERT INTO projection_v2.stat_attrition_by_strand
             SELECT strand, 0, 0, 0, 0, 0, 0, 0, 0 FROM unnest(ARRAY[${STRANDS.map((strand) => `'${strand}'`).join(', ')}]) AS strand`);
    await q(`CREATE FUNCTION projection_v2.attrition_by_strand_of(case_ids uuid[]) RETURNS TABLE (
        strand text, recorded bigint, suspects_identified bigint, referred_to_cps bigint, pre_charge_decisions bigint,
        charged bigint, convicted bigint, sentenced bigint, uplift_announced bigint)
      LANGUAGE sql STABLE AS $fn$ ${ATTRITION_BY_STRAND_OF} $fn$`);
    await q(`
      CREATE TABLE projection_v2.statistics_state (
        singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        refreshed_at   timestamptz,
        through_events bigint NOT NULL DEFAULT 0,
        duration_ms    integer
      )`);
    await q(`INSERT INTO projection_v2.statistics_state DEFAULT VALUES`);

    await q(REFRESH_STATISTICS);
    await q(PUBLISH_ANALYTICS);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SCHEMA projection_v2 CASCADE`);
    await queryRunner.query(`DROP TABLE projection.read_model_versions`);
  }
}

/**
 * The first version's attrition by strand (police-flagged crimes at recording), counted over the
 * given cases, or over every case when the argument is null. The writer subtracts a batch's cases
 * as they were and adds them as they are, in the batch's transaction, so the table is always exact.
 */
const ATTRITION_BY_STRAND_OF = `
  SELECT s.strand,
         count(*) FILTER (WHERE j.first_row),
         count(*) FILTER (WHERE j.suspect_identified_at IS NOT NULL),
         count(*) FILTER (WHERE j.referred_at IS NOT NULL),
         count(*) FILTER (WHERE j.pre_charge_decision IS NOT NULL),
         count(*) FILTER (WHERE j.charged_at IS NOT NULL),
         count(*) FILTER (WHERE j.conviction_basis IS NOT NULL),
         count(*) FILTER (WHERE j.sentenced_at IS NOT NULL),
         count(*) FILTER (WHERE j.uplift_announced)
    FROM projection_v2.journeys j
    CROSS JOIN LATERAL unnest(ARRAY['all'] || j.police_strands_at_recording) AS s(strand)
   WHERE j.police_flagged_at_recording AND (case_ids IS NULL OR j.case_id = ANY(case_ids))
   GROUP BY s.strand`;

/** Slices of every statistic: year, strand ('all' and each), CPS area and force (rolled up), court type. */
const DIMENSIONS = `
       CASE WHEN GROUPING(financial_year) = 1 THEN 'all' ELSE coalesce(financial_year, 'unknown') END AS financial_year,
       strand,
       CASE WHEN GROUPING(cps_area) = 1 THEN 'all' ELSE coalesce(cps_area, 'unknown') END AS cps_area,
       CASE WHEN GROUPING(force_code) = 1 THEN 'all' ELSE coalesce(force_code, 'unknown') END AS force_code,
       CASE WHEN GROUPING(force_code) = 1 THEN NULL ELSE force_name END AS force_name`;
const COURT_TYPE = `CASE WHEN GROUPING(case_court_type) = 1 THEN 'all' ELSE case_court_type END AS court_type`;
const GROUP_BY_SLICES = `GROUP BY strand, GROUPING SETS ((financial_year), ()), ROLLUP (cps_area, (force_code, force_name)), GROUPING SETS ((case_court_type), ())`;
/** The hate crime rows, once under 'all' and once under each of their strands. */
const BY_STRAND = `
  SELECT j.*, s.strand
    FROM projection_v2.journeys j
    CROSS JOIN LATERAL unnest(ARRAY['all'] || j.strands) AS s(strand)
   WHERE j.hate_crime`;
const pct = (numerator: string, denominator: string) => `round(100.0 * ${numerator} / nullif(${denominator}, 0), 1)`;
const days = (from: string, to: string) => `extract(epoch FROM (${to} - ${from})) / 86400.0`;
/**
 * Recomputes every statistics table from the per-case rows. Serialised by an advisory lock, so two
 * writers never interleave their delete and insert; readers see the old or the new figures, never a mix.
 */
const REFRESH_STATISTICS = `
CREATE FUNCTION projection_v2.refresh_statistics() RETURNS void LANGUAGE plpgsql
  -- the sorts of a national year fit in memory instead of spilling to disk (the default is 4 MB)
  SET work_mem = '128MB'
AS $fn$
DECLARE
  started timestamptz := clock_timestamp();
  counted_events bigint;
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

  DELETE FROM projection_v2.stat_attrition_funnel;
  INSERT INTO projection_v2.stat_attrition_funnel
  SELECT ${DIMENSIONS}, ${COURT_TYPE},
         sum(recorded)::bigint, sum(suspect_identified)::bigint, sum(referred_to_cps)::bigint, sum(charged)::bigint,
         sum(prosecution_completed)::bigint, sum(convicted)::bigint, sum(sentenced)::bigint, sum(uplift_announced)::bigint
    FROM slice_counts
   ${GROUP_BY_SLICES};

  DELETE FROM projection_v2.stat_outcome_rates;
  INSERT INTO projection_v2.stat_outcome_rates
  SELECT CASE WHEN g_year = 1 THEN 'all' ELSE coalesce(financial_year, 'unknown') END,
         strand,
         CASE WHEN g_area = 1 THEN 'all' ELSE coalesce(cps_area, 'unknown') END,
         CASE WHEN g_force = 1 THEN 'all' ELSE coalesce(force_code, 'unknown') END,
         CASE WHEN g_force = 1 THEN NULL ELSE force_name END,
         CASE WHEN g_court = 1 THEN 'all' ELSE case_court_type END,
         decisions, charges, ${pct('charges', 'decisions')},
         completed, convictions, ${pct('convictions', 'completed')},
         guilty_pleas, ${pct('guilty_pleas', 'completed')},
         convictions, uplifts, ${pct('uplifts', 'convictions')},
         outcomes, police_charges, ${pct('police_charges', 'outcomes')}
    FROM (
      SELECT financial_year, strand, cps_area, force_code, force_name, case_court_type,
             GROUPING(financial_year) AS g_year, GROUPING(cps_area) AS g_area, GROUPING(force_code) AS g_force, GROUPING(case_court_type) AS g_court,
             sum(decisions)::bigint AS decisions, sum(charges)::bigint AS charges, sum(completed)::bigint AS completed,
             sum(convictions)::bigint AS convictions, sum(guilty_pleas)::bigint AS guilty_pleas, sum(uplifts)::bigint AS uplifts,
             sum(outcomes)::bigint AS outcomes, sum(police_charges)::bigint AS police_charges
        FROM slice_counts
       ${GROUP_BY_SLICES}
    ) counted;

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
  SELECT boundary, ${DIMENSIONS},
         sum(flagged_upstream)::bigint, sum(kept)::bigint, ${pct('sum(kept)', 'sum(flagged_upstream)')},
         sum(strands_changed)::bigint, sum(removed_with_reason)::bigint, sum(lost)::bigint, sum(first_applied_downstream)::bigint
    FROM slice_crossings
   GROUP BY boundary, strand, GROUPING SETS ((financial_year), ()), ROLLUP (cps_area, (force_code, force_name));

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

  DELETE FROM projection_v2.stat_timeliness;
  INSERT INTO projection_v2.stat_timeliness
  SELECT s.financial_year, s.strand, s.cps_area, s.force_code, s.force_name, s.court_type,
         ${['recorded_to_suspect', 'recorded_to_referral', 'referral_to_decision', 'charge_to_completion', 'conviction_to_sentence', 'recorded_to_outcome']
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

const STRAND_ORDER = `array_position(ARRAY['all', 'race', 'religion', 'sexual_orientation', 'disability', 'transgender'], strand)`;
const SLICE_ORDER = `financial_year <> 'all', financial_year, ${STRAND_ORDER}, cps_area <> 'all', cps_area, force_code <> 'all', force_code`;
const COURT_ORDER = `array_position(ARRAY['all', 'magistrates', 'crown', 'none'], court_type)`;

/**
 * Makes this version the one analysts read: the `analytics` schema is dropped and recreated with
 * views over `projection_v2`, in the caller's transaction, so readers see the old views or the new
 * ones, never none. Views are owned by the caller (the migration role) and readable by `analyst`.
 */
const PUBLISH_ANALYTICS = `
CREATE FUNCTION projection_v2.publish_analytics() RETURNS void LANGUAGE plpgsql AS $fn$
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
    FROM projection_v2.stat_attrition_by_strand
   WHERE recorded > 0
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
