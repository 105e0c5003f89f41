import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The analysts' schema: stable views over the read models, one per question. Counting rules are
 * the CPS's: per defendant from the referral on; a hate crime is a case the police flagged; the
 * uplift counts only when applied and stated in open court; a multi-strand case counts once in
 * "all" and once in each of its strands.
 */
export class AnalyticsViews1763770000001 implements MigrationInterface {
  readonly name = 'AnalyticsViews1763770000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS analytics`);
    await queryRunner.query(`
      CREATE VIEW analytics.case_journey AS
      SELECT c.case_id, d.defendant_id, c.urn, c.force_code, c.cps_area, c.financial_year,
             c.police_flagged, c.police_strands, c.religion_targeted_group, c.perceived_by,
             c.referral_flagged, c.referral_strands, c.cps_flagged, c.cps_strands,
             d.court_flagged, d.court_strands,
             c.recorded_at, d.suspect_identified_at, d.referred_at, c.cps_received_at,
             d.pre_charge_decision, d.decided_at, d.charged_at, d.court_received_at,
             d.convicted_at, d.conviction_basis, d.court_type, d.sentenced_at,
             d.uplift_applied, d.uplift_provision, d.uplift_stated_in_open_court, d.uplift_strands,
             d.uplift_announced, coalesce(d.stage_reached, 'recorded') AS stage_reached,
             c.victim_needs_passed_on
        FROM projection.cases c
        LEFT JOIN projection.defendants d USING (case_id)`);
    await queryRunner.query(`
      CREATE VIEW analytics.attrition_by_strand AS
      WITH hate_crimes AS (
        SELECT case_id, 'all' AS strand FROM projection.cases WHERE police_flagged
        UNION ALL
        SELECT case_id, unnest(police_strands) FROM projection.cases WHERE police_flagged
      ), counted AS (
        SELECT h.strand,
               count(DISTINCT h.case_id)                                              AS recorded,
               count(d.defendant_id) FILTER (WHERE d.suspect_identified_at IS NOT NULL) AS suspects_identified,
               count(d.defendant_id) FILTER (WHERE d.referred_at IS NOT NULL)           AS referred_to_cps,
               count(d.defendant_id) FILTER (WHERE d.pre_charge_decision IS NOT NULL)   AS pre_charge_decisions,
               count(d.defendant_id) FILTER (WHERE d.charged_at IS NOT NULL)            AS charged,
               count(d.defendant_id) FILTER (WHERE d.convicted_at IS NOT NULL)          AS convicted,
               count(d.defendant_id) FILTER (WHERE d.sentenced_at IS NOT NULL)          AS sentenced,
               count(d.defendant_id) FILTER (WHERE d.uplift_announced)                  AS uplift_announced
          FROM hate_crimes h
          LEFT JOIN projection.defendants d USING (case_id)
         GROUP BY h.strand
      )
      SELECT strand, recorded, suspects_identified, referred_to_cps, pre_charge_decisions, charged,
             convicted, sentenced, uplift_announced,
             round(100.0 * charged / nullif(pre_charge_decisions, 0), 1)  AS charge_rate_pct,
             round(100.0 * uplift_announced / nullif(convicted, 0), 1)    AS uplift_rate_pct
        FROM counted
       ORDER BY array_position(ARRAY['all', 'race', 'religion', 'sexual_orientation', 'disability', 'transgender'], strand)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SCHEMA analytics CASCADE`);
  }
}
