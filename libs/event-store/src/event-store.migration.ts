import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables of one agency's event store, in that agency's own schema:
 * - `events`: one row per event, one stream per case; unique (stream_id, version) is the
 *   optimistic concurrency check. `published_at` makes the table its own transactional outbox:
 *   an event is stored and queued for Kafka in one commit, and the relay marks it when sent.
 * - `inbox`: ids of the upstream messages already acted on, written in the same transaction as
 *   the events they caused, so a redelivered message changes nothing.
 */
export function eventStoreMigration(schema: string, timestamp: number): new () => MigrationInterface {
  const name = `${schema[0]!.toUpperCase()}${schema.slice(1)}EventStore${timestamp}`;
  const migration = class implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`
        CREATE TABLE "${schema}".events (
          position     bigserial PRIMARY KEY,
          event_id     uuid NOT NULL UNIQUE,
          stream_id    text NOT NULL,
          version      integer NOT NULL CHECK (version > 0),
          type         text NOT NULL,
          envelope     jsonb NOT NULL,
          recorded_at  timestamptz NOT NULL DEFAULT now(),
          published_at timestamptz,
          CONSTRAINT events_stream_version_unique UNIQUE (stream_id, version)
        )`);
      await queryRunner.query(
        `CREATE INDEX events_unpublished_idx ON "${schema}".events (position) WHERE published_at IS NULL`,
      );
      await queryRunner.query(`
        CREATE TABLE "${schema}".inbox (
          message_id  text PRIMARY KEY,
          received_at timestamptz NOT NULL DEFAULT now()
        )`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE "${schema}".inbox`);
      await queryRunner.query(`DROP TABLE "${schema}".events`);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}

/**
 * Idempotency keys of the commands an agency system sent: the same key with the same request gets
 * the stored answer and appends nothing; the row is written in the transaction of the append.
 */
export function idempotencyKeysMigration(schema: string, timestamp: number): new () => MigrationInterface {
  const name = `${schema[0]!.toUpperCase()}${schema.slice(1)}IdempotencyKeys${timestamp}`;
  const migration = class implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`
        CREATE TABLE "${schema}".idempotency_keys (
          idempotency_key text PRIMARY KEY,
          fingerprint     text NOT NULL,
          stream_id       text NOT NULL,
          response        jsonb NOT NULL,
          created_at      timestamptz NOT NULL DEFAULT now()
        )`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE "${schema}".idempotency_keys`);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}

/** Every migration of an agency's event store, in order. */
export function eventStoreMigrations(schema: string): Array<new () => MigrationInterface> {
  return [eventStoreMigration(schema, 1763770000000), idempotencyKeysMigration(schema, 1763780000000)];
}
