import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of the projection. `events` keeps every event once (by id) so any case can be
 * rebuilt from its facts; `cases` and `defendants` are rebuilt per case from those facts;
 * `consumer_offsets` is written in the same transaction, so each message takes effect once.
 */
export class ProjectionSchema1763770000000 implements MigrationInterface {
  readonly name = 'ProjectionSchema1763770000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS projection`);
    await queryRunner.query(`
      CREATE TABLE projection.consumer_offsets (
        consumer    text NOT NULL,
        topic       text NOT NULL,
        partition   integer NOT NULL,
        next_offset bigint NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, topic, partition)
      )`);
    await queryRunner.query(`
      CREATE TABLE projection.events (
        event_id       uuid PRIMARY KEY,
        case_id        uuid NOT NULL,
        agency         text NOT NULL,
        type           text NOT NULL,
        stream_version integer NOT NULL,
        occurred_at    timestamptz NOT NULL,
        envelope       jsonb NOT NULL,
        topic          text NOT NULL,
        partition      integer NOT NULL,
        kafka_offset   bigint NOT NULL,
        projected_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX events_case_idx ON projection.events (case_id)`);
    await queryRunner.query(`
      CREATE TABLE projection.cases (
        case_id                uuid PRIMARY KEY,
        force_code             text,
        crime_reference        text,
        recorded_at            timestamptz,
        financial_year         text,
        police_flagged         boolean NOT NULL,
        police_strands         text[] NOT NULL,
        religion_targeted_group text,
        perceived_by           text[] NOT NULL,
        urn                    text,
        referred_at            timestamptz,
        victim_needs_passed_on boolean,
        referral_flagged       boolean,
        referral_strands       text[] NOT NULL,
        cps_received_at        timestamptz,
        cps_area               text,
        cps_flagged            boolean,
        cps_strands            text[] NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE projection.defendants (
        case_id                     uuid NOT NULL REFERENCES projection.cases (case_id) ON DELETE CASCADE,
        defendant_id                uuid NOT NULL,
        suspect_identified_at       timestamptz,
        referred_at                 timestamptz,
        pre_charge_decision         text,
        decided_at                  timestamptz,
        charged_at                  timestamptz,
        court_received_at           timestamptz,
        court_flagged               boolean,
        court_strands               text[] NOT NULL,
        convicted_at                timestamptz,
        conviction_basis            text,
        court_type                  text,
        sentenced_at                timestamptz,
        uplift_applied              boolean,
        uplift_provision            text,
        uplift_stated_in_open_court boolean,
        uplift_strands              text[] NOT NULL,
        uplift_announced            boolean NOT NULL,
        stage_reached               text NOT NULL,
        PRIMARY KEY (case_id, defendant_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SCHEMA projection CASCADE`);
  }
}
