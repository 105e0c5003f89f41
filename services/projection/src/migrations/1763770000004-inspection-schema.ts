import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Case-level data leaves the analysts' schema. Until now `analytics` held, beside the statistics,
 * `case_journey`, `flag_audit` and `case_events`, which list cases: the `analyst` role read them
 * with no access log, while over HTTP they are the inspector's and every read is logged.
 *
 * - `analytics` keeps the statistics only (attrition_funnel, outcome_rates, flag_retention,
 *   timeliness, attrition_by_strand, statistics_freshness), readable by `analyst`.
 * - `inspection` holds the case-level views and the functions inspectors read them through:
 *   `case_journey(case_id)`, `case_journey_by_urn(urn)`, `case_events(case_id)` and
 *   `flag_audit(filters..., row_limit, row_offset)`. Each is SECURITY DEFINER with a fixed
 *   search_path, and writes who, what and when to `projection.access_log` before it returns a row.
 *   EXECUTE is revoked from PUBLIC and granted to the `inspector` group role, which has no SELECT
 *   on the views nor any right on the tables; `analyst` has nothing in the schema.
 * - The projection's HTTP routes read through the same functions, naming the API key's holder
 *   (`http_caller`, accepted only from the functions' owner, the projection itself), so every
 *   case-level read, over HTTP or SQL, leaves its row. The calls one transaction makes for one
 *   reader, purpose and case share a row (`reads` lists them), so one HTTP request is one row.
 *   A reader can roll its own transaction back, and the row with it: each read is therefore also
 *   written to the server log (RAISE LOG), which no database role can take back.
 *
 * Both schemas are views over the active read model version: `projection_v2.publish_analytics()`
 * (replaced here) drops and recreates them together, with their grants, when a version switches
 * in. Only the access log and its writer, outside them, are permanent.
 */
export class InspectionSchema1763770000004 implements MigrationInterface {
  readonly name = 'InspectionSchema1763770000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'inspector') THEN
          BEGIN
            CREATE ROLE inspector NOLOGIN;
          EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- created meanwhile by another database's migration: roles are cluster-wide
          END;
        END IF;
      END
      $$`);
    // Inspectors see the statistics too, as over HTTP. Granting a role and commenting on it need
    // rights over it: where the projection runs as its own role, db:setup --roles does both. Done
    // only when missing, so databases migrating side by side do not update the same catalog row.
    await q(`
      DO $$
      BEGIN
        IF NOT pg_has_role('inspector', 'analyst', 'MEMBER') THEN
          GRANT analyst TO inspector;
        END IF;
        IF obj_description((SELECT oid FROM pg_roles WHERE rolname = 'inspector'), 'pg_authid') IS DISTINCT FROM '${INSPECTOR_COMMENT}' THEN
          COMMENT ON ROLE inspector IS '${INSPECTOR_COMMENT}';
        END IF;
      EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation OR unique_violation THEN
        NULL;
      END
      $$`);

    // As accessControlMigration creates it (it runs later on a new database, and then finds it).
    await q(`
      CREATE TABLE IF NOT EXISTS projection.access_log (
        id        bigserial PRIMARY KEY,
        at        timestamptz NOT NULL DEFAULT now(),
        actor     text NOT NULL,
        action    text NOT NULL,
        case_id   uuid,
        person_id uuid
      )`);
    await q(`
      ALTER TABLE projection.access_log
        ADD COLUMN IF NOT EXISTS db_user text,
        ADD COLUMN IF NOT EXISTS db_role text,
        ADD COLUMN IF NOT EXISTS reads jsonb,
        ADD COLUMN IF NOT EXISTS transaction_id xid8`);
    await q(`COMMENT ON COLUMN projection.access_log.actor IS 'Who read: the API key''s holder (role:name (key id)) over HTTP, the database login otherwise'`);
    await q(`COMMENT ON COLUMN projection.access_log.db_user IS 'A read through the inspection functions: the database login (session_user)'`);
    await q(`COMMENT ON COLUMN projection.access_log.db_role IS 'A read through the inspection functions: the role the login had set (SET ROLE), if any'`);
    await q(`COMMENT ON COLUMN projection.access_log.reads IS 'A read through the inspection functions: each call, [{function, arguments}]'`);
    await q(`
      CREATE UNIQUE INDEX IF NOT EXISTS access_log_one_row_per_read ON projection.access_log (transaction_id, actor, action, case_id) NULLS NOT DISTINCT
       WHERE transaction_id IS NOT NULL`);
    await q(RECORD_CASE_READ);

    await q(publishAnalytics(true));
    // As migration 1763770000003: the state cannot change before this transaction commits.
    await q(`SELECT pg_advisory_xact_lock(hashtext('projection_v2:state'))`);
    const versions: Array<{ version: string; state: string }> = await q(
      `SELECT version, state FROM projection.read_model_versions ORDER BY version FOR UPDATE`,
    );
    if (versions.some((row) => row.version === 'v2' && row.state === 'active')) {
      await q(`SELECT projection_v2.publish_analytics()`);
    } else {
      // Version 1's views are published until version 2 switches in, its case journey among them.
      await q(`CREATE SCHEMA IF NOT EXISTS inspection`);
      await q(`
        DO $$
        BEGIN
          IF to_regclass('analytics.case_journey') IS NOT NULL THEN
            ALTER VIEW analytics.case_journey SET SCHEMA inspection;
            REVOKE ALL ON inspection.case_journey FROM analyst;
          END IF;
        END
        $$`);
    }
  }

  /** The case-level views back in `analytics`, as migration 1763770000003 published them. */
  async down(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(publishAnalytics(false));
    const versions: Array<{ version: string; state: string }> = await q(`SELECT version, state FROM projection.read_model_versions`);
    if (versions.some((row) => row.version === 'v2' && row.state === 'active')) {
      await q(`SELECT projection_v2.publish_analytics()`);
    } else {
      await q(`
        DO $$
        BEGIN
          IF to_regclass('inspection.case_journey') IS NOT NULL THEN
            ALTER VIEW inspection.case_journey SET SCHEMA analytics;
            GRANT SELECT ON analytics.case_journey TO analyst;
          END IF;
        END
        $$`);
    }
    await q(`DROP SCHEMA IF EXISTS inspection CASCADE`);
    await q(`DROP FUNCTION projection.record_case_read(text, jsonb, uuid, text, text)`);
    await q(`DROP INDEX projection.access_log_one_row_per_read`);
    await q(`ALTER TABLE projection.access_log DROP COLUMN db_user, DROP COLUMN db_role, DROP COLUMN reads, DROP COLUMN transaction_id`);
  }
}

const INSPECTOR_COMMENT = 'Inspectors: the analytics views, and case-level data through the inspection functions, each read logged. Grant it to a login role.';

/**
 * Writes one read of case-level data to the access log, before the calling function returns any
 * row. Called by the inspection functions with their owner's rights; nobody else may call it.
 * `caller` and `purpose` (an HTTP key's holder and route) are taken only from the owner's own
 * connection: another login naming someone else is refused, and is logged as itself otherwise.
 */
const RECORD_CASE_READ = `
CREATE OR REPLACE FUNCTION projection.record_case_read(read_function text, read_arguments jsonb, read_case_id uuid, caller text, purpose text)
  RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
  set_role text := nullif(current_setting('role'), 'none');
BEGIN
  IF (caller IS NOT NULL OR purpose IS NOT NULL) AND session_user <> current_user THEN
    RAISE EXCEPTION 'only the projection service (%) may read on behalf of an HTTP caller; call % without http_caller and http_action', current_user, read_function
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO projection.access_log AS log (actor, action, case_id, db_user, db_role, reads, transaction_id)
  VALUES (coalesce(caller, session_user::text), coalesce(purpose, read_function), read_case_id, session_user, set_role,
          jsonb_build_array(jsonb_build_object('function', read_function, 'arguments', read_arguments)), pg_current_xact_id())
  ON CONFLICT (transaction_id, actor, action, case_id) WHERE transaction_id IS NOT NULL
  DO UPDATE SET reads = log.reads || EXCLUDED.reads;
  -- Outside the reader's transaction: a reader who rolls back takes the row back, not this line.
  RAISE LOG 'inspection: % read %(%) as database user % (role %)', coalesce(caller, session_user::text), read_function, read_arguments, session_user, coalesce(set_role, 'none');
END
$fn$;
REVOKE ALL ON FUNCTION projection.record_case_read(text, jsonb, uuid, text, text) FROM PUBLIC`;

const STRAND_ORDER = `array_position(ARRAY['all', 'race', 'religion', 'sexual_orientation', 'disability', 'transgender'], strand)`;
const SLICE_ORDER = `financial_year <> 'all', financial_year, ${STRAND_ORDER}, cps_area <> 'all', cps_area, force_code <> 'all', force_code`;
const COURT_ORDER = `array_position(ARRAY['all', 'magistrates', 'crown', 'none'], court_type)`;
const pct = (numerator: string, denominator: string) => `round(100.0 * ${numerator} / nullif(${denominator}, 0), 1)`;

/** The statistics, as migration 1763770000003 published them. */
const STATISTICS_VIEWS = `
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
   ORDER BY ${STRAND_ORDER};

  CREATE VIEW analytics.statistics_freshness AS
  SELECT 'v2'::text AS read_model_version, refreshed_at, through_events, duration_ms
    FROM projection_v2.statistics_state;`;

/** The case-level views, as migration 1763770000003 published them (in `analytics`), in a schema of the caller's choice. */
function caseViews(schema: string): string {
  return `
  CREATE VIEW ${schema}.case_journey AS
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

  CREATE VIEW ${schema}.flag_audit AS
  SELECT case_id, defendant_id, urn, force_code, force_name, cps_area, financial_year, strands, court_type,
         boundary, finding, upstream_flagged, upstream_strands, downstream_flagged, downstream_strands,
         reason, event_id, detected_at, detail
    FROM projection_v2.flag_audit;

  CREATE VIEW ${schema}.case_events AS
  SELECT case_id, position, (envelope ->> 'id')::uuid AS event_id,
         split_part(envelope ->> 'type', '.', 5) AS agency, split_part(envelope ->> 'type', '.', 6) AS event_type,
         (envelope ->> 'time')::timestamptz AS occurred_at, (envelope ->> 'streamversion')::integer AS stream_version,
         envelope
    FROM (
      SELECT ce.case_id, e.position, e.line::jsonb AS envelope
        FROM projection_v2.case_events ce
        CROSS JOIN LATERAL regexp_split_to_table(concat_ws(E'\\n', ce.police_events, ce.cps_events, ce.courts_events), E'\\n') WITH ORDINALITY AS e(line, position)
    ) lines;`;
}

/** What every inspection function starts with: its owner's rights, no search path a caller could plant objects in. */
const DEFINER = `LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp`;
/** The HTTP caller, for the projection service only (see projection.record_case_read). */
const ON_BEHALF = `http_caller text DEFAULT NULL, http_action text DEFAULT NULL`;

/**
 * The inspectors' reads. Arguments are case ids, a URN and filters: never personal data, so the
 * log can name them. A missing case id is refused rather than read as "no case".
 */
const INSPECTION_FUNCTIONS = `
  CREATE FUNCTION inspection.case_journey(case_id uuid, ${ON_BEHALF})
    RETURNS SETOF inspection.case_journey ${DEFINER} AS $read$
  #variable_conflict use_variable
  BEGIN
    IF case_id IS NULL THEN RAISE EXCEPTION 'inspection.case_journey needs a case id' USING ERRCODE = 'null_value_not_allowed'; END IF;
    PERFORM projection.record_case_read('inspection.case_journey', jsonb_build_object('case_id', case_id), case_id, http_caller, http_action);
    RETURN QUERY SELECT * FROM inspection.case_journey j WHERE j.case_id = case_id ORDER BY j.defendant_id NULLS FIRST;
  END
  $read$;
  COMMENT ON FUNCTION inspection.case_journey(uuid, text, text) IS 'One case per defendant across the three agencies (one row with no defendant while no suspect is known); logged';

  CREATE FUNCTION inspection.case_journey_by_urn(urn text, ${ON_BEHALF})
    RETURNS SETOF inspection.case_journey ${DEFINER} AS $read$
  #variable_conflict use_variable
  BEGIN
    IF urn IS NULL THEN RAISE EXCEPTION 'inspection.case_journey_by_urn needs a URN' USING ERRCODE = 'null_value_not_allowed'; END IF;
    PERFORM projection.record_case_read('inspection.case_journey_by_urn', jsonb_build_object('urn', urn), NULL, http_caller, http_action);
    RETURN QUERY SELECT * FROM inspection.case_journey j WHERE j.urn = urn ORDER BY j.case_id, j.defendant_id NULLS FIRST;
  END
  $read$;
  COMMENT ON FUNCTION inspection.case_journey_by_urn(text, text, text) IS 'The journey rows of the case(s) under one URN (01/KD/41873/24); logged';

  CREATE FUNCTION inspection.case_events(case_id uuid, ${ON_BEHALF})
    RETURNS SETOF inspection.case_events ${DEFINER} AS $read$
  #variable_conflict use_variable
  BEGIN
    IF case_id IS NULL THEN RAISE EXCEPTION 'inspection.case_events needs a case id' USING ERRCODE = 'null_value_not_allowed'; END IF;
    PERFORM projection.record_case_read('inspection.case_events', jsonb_build_object('case_id', case_id), case_id, http_caller, http_action);
    RETURN QUERY SELECT * FROM inspection.case_events e WHERE e.case_id = case_id ORDER BY e.position;
  END
  $read$;
  COMMENT ON FUNCTION inspection.case_events(uuid, text, text) IS 'Every event of one case as published, police then CPS then courts; logged';

  -- A filter left null (or 'all') does not filter; row_limit null returns every row.
  CREATE FUNCTION inspection.flag_audit(
      financial_year text DEFAULT NULL, strand text DEFAULT NULL, force_code text DEFAULT NULL, cps_area text DEFAULT NULL,
      court_type text DEFAULT NULL, boundary text DEFAULT NULL, finding text DEFAULT NULL, case_id uuid DEFAULT NULL,
      row_limit integer DEFAULT 1000, row_offset integer DEFAULT 0, ${ON_BEHALF})
    RETURNS SETOF inspection.flag_audit ${DEFINER} AS $read$
  #variable_conflict use_variable
  BEGIN
    PERFORM projection.record_case_read('inspection.flag_audit', jsonb_strip_nulls(jsonb_build_object(
      'financial_year', financial_year, 'strand', strand, 'force_code', force_code, 'cps_area', cps_area, 'court_type', court_type,
      'boundary', boundary, 'finding', finding, 'case_id', case_id, 'row_limit', row_limit, 'row_offset', row_offset)), case_id, http_caller, http_action);
    RETURN QUERY
    SELECT * FROM inspection.flag_audit f
     WHERE (financial_year IS NULL OR financial_year = 'all' OR f.financial_year = financial_year)
       AND (strand IS NULL OR strand = 'all' OR strand = ANY(f.strands))
       AND (force_code IS NULL OR force_code = 'all' OR f.force_code = force_code)
       AND (cps_area IS NULL OR cps_area = 'all' OR f.cps_area = cps_area)
       AND (court_type IS NULL OR court_type = 'all' OR f.court_type = court_type)
       AND (boundary IS NULL OR boundary = 'all' OR f.boundary = boundary)
       AND (finding IS NULL OR finding = 'all' OR f.finding = finding)
       AND (case_id IS NULL OR f.case_id = case_id)
     ORDER BY f.detected_at NULLS LAST, f.case_id, f.defendant_id NULLS FIRST, f.boundary, f.finding
     LIMIT row_limit OFFSET coalesce(row_offset, 0);
  END
  $read$;
  COMMENT ON FUNCTION inspection.flag_audit(text, text, text, text, text, text, text, uuid, integer, integer, text, text) IS
    'The findings of the flag audit, oldest first, filtered (null or all: every value) and paged (1000 rows by default); logged';`;

/**
 * Replaces `projection_v2.publish_analytics()`, which the switch calls when the version becomes the
 * active one: with `inspection` true, `analytics` gets the statistics only and `inspection` the
 * case-level views and functions; with it false, as migration 1763770000003 left it.
 */
function publishAnalytics(inspection: boolean): string {
  return `
CREATE OR REPLACE FUNCTION projection_v2.publish_analytics() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  DROP SCHEMA IF EXISTS analytics CASCADE;
  CREATE SCHEMA analytics;
  COMMENT ON SCHEMA analytics IS 'Hate crime statistics for analysts: one stable view per question, over read model projection_v2 (docs/analytics.md)';
${STATISTICS_VIEWS}
${inspection ? '' : caseViews('analytics')}
  GRANT USAGE ON SCHEMA analytics TO analyst;
  GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO analyst;
${inspection ? publishInspection() : ''}
END
$fn$`;
}

function publishInspection(): string {
  return `
  DROP SCHEMA IF EXISTS inspection CASCADE;
  CREATE SCHEMA inspection;
  COMMENT ON SCHEMA inspection IS 'Case-level data for inspectors, over read model projection_v2: read through the functions, each read written to projection.access_log (docs/analytics.md)';
${caseViews('inspection')}
${INSPECTION_FUNCTIONS}
  -- Nobody but the owner reads the views; inspectors call the functions, and nothing else here.
  REVOKE ALL ON ALL TABLES IN SCHEMA inspection FROM PUBLIC;
  REVOKE ALL ON ALL FUNCTIONS IN SCHEMA inspection FROM PUBLIC;
  GRANT USAGE ON SCHEMA inspection TO inspector;
  GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA inspection TO inspector;`;
}
