import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dashboard's sessions: a person signs in with an analyst's or inspector's API key and gets a
 * session cookie, so that no key is ever in a page. Only a SHA-256 hash of the session id is
 * stored (the id is 32 random bytes, as a key's secret is): a copy of this table opens no session.
 * A session ends 30 minutes after its last request (`idle_expires_at`), 8 hours after sign-in at
 * the latest (`expires_at`), at sign-out (the row is deleted), or when its key is revoked.
 * No reference to `api_keys`: that table is created by a later migration of this service.
 */
export class DashboardSessions1763770000005 implements MigrationInterface {
  readonly name = 'DashboardSessions1763770000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projection.dashboard_sessions (
        session_hash     text PRIMARY KEY,
        key_id           text NOT NULL,
        role             text NOT NULL,
        principal        text NOT NULL,
        scope            text NOT NULL,
        csrf_token       text NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        last_seen_at     timestamptz NOT NULL DEFAULT now(),
        idle_expires_at  timestamptz NOT NULL,
        expires_at       timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX dashboard_sessions_expires ON projection.dashboard_sessions (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE projection.dashboard_sessions`);
  }
}
