import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The framework scores of the relationship scorecard: a person's judgement (0 to 3) of the policy
 * frameworks of one relationship, with who entered it, when and why. Versioned and never
 * overwritten: a new judgement is a new row (the next version of that relationship), and a
 * trigger refuses every UPDATE and DELETE, so the history a scorecard shows is the whole history.
 * Outside the read model versions (`projection`, not `projection_v2`): a rebuild from Kafka cannot
 * bring these back, so no rebuild drops them.
 */
export class Scorecard1763770000006 implements MigrationInterface {
  readonly name = 'Scorecard1763770000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    const q = (sql: string) => queryRunner.query(sql);
    await q(`
      CREATE TABLE projection.scorecard_framework_scores (
        relationship text NOT NULL CHECK (relationship IN ('police_cps', 'cps_courts', 'police_courts', 'courts_victim', 'police_victim')),
        version      integer NOT NULL CHECK (version >= 1),
        score        smallint NOT NULL CHECK (score BETWEEN 0 AND 3),
        reason       text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
        entered_by   text NOT NULL,
        entered_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (relationship, version)
      )`);
    await q(`COMMENT ON TABLE projection.scorecard_framework_scores IS 'Framework scores of the relationship scorecard (docs/scorecard.md): every judgement, never overwritten'`);
    await q(`
      CREATE FUNCTION projection.scorecard_framework_scores_are_kept() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          RAISE EXCEPTION 'framework scores are never deleted' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RAISE EXCEPTION 'a framework score is never changed or deleted: enter a new one (version % of %)', OLD.version, OLD.relationship
          USING ERRCODE = 'integrity_constraint_violation';
      END
      $fn$`);
    await q(`
      CREATE TRIGGER scorecard_framework_scores_are_kept BEFORE UPDATE OR DELETE ON projection.scorecard_framework_scores
        FOR EACH ROW EXECUTE FUNCTION projection.scorecard_framework_scores_are_kept()`);
    await q(`
      CREATE TRIGGER scorecard_framework_scores_not_truncated BEFORE TRUNCATE ON projection.scorecard_framework_scores
        FOR EACH STATEMENT EXECUTE FUNCTION projection.scorecard_framework_scores_are_kept()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE projection.scorecard_framework_scores`);
    await queryRunner.query(`DROP FUNCTION projection.scorecard_framework_scores_are_kept()`);
  }
}
