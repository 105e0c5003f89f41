import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Personal details the police must keep, outside the event store and never on Kafka: sealed per
 * person (libs/personal-data), with each person's wrapped data key in its own table so that erasing
 * a person is deleting one key row. In production the key table belongs in a separate key store
 * (KMS/HSM) with its own backups; see docs/security.md.
 */
export class PolicePersonalData1763790000000 implements MigrationInterface {
  readonly name = 'PolicePersonalData1763790000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE police.person_keys (
        person_id   uuid PRIMARY KEY,
        wrapped_key text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE police.person_details (
        person_id  uuid PRIMARY KEY,
        case_id    uuid NOT NULL,
        role       text NOT NULL CHECK (role IN ('victim', 'suspect')),
        sealed     text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE police.erasures (
        person_id uuid PRIMARY KEY,
        erased_at timestamptz NOT NULL DEFAULT now(),
        reason    text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE police.access_log (
        id        bigserial PRIMARY KEY,
        at        timestamptz NOT NULL DEFAULT now(),
        actor     text NOT NULL,
        action    text NOT NULL,
        case_id   uuid,
        person_id uuid
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE police.access_log, police.erasures, police.person_details, police.person_keys`);
  }
}
