import type { DataSource, EntityManager } from 'typeorm';

/**
 * A version of the read models: its own schema, its own consumer name (and so its own Kafka
 * consumer group and stored offsets), built from offset 0. Several versions can run side by side;
 * `projection.read_model_versions` says which one the `analytics` views read.
 *
 * Life of a version: `building` (consuming, statistics not maintained) -> `active` (it has caught
 * up with the topics as they were when it started; the switch recomputes its statistics and
 * republishes the analytics views over its schema in one transaction) -> `retired` (a newer
 * version became active; the process can be stopped and the schema dropped).
 */
export interface ReadModel {
  readonly version: string;
  readonly schema: string;
  readonly consumer: string;
}

export const READ_MODEL: ReadModel = { version: 'v2', schema: 'projection_v2', consumer: 'projection-v2' };

export type ReadModelState = 'building' | 'active' | 'retired';

export interface ReadModelStatus {
  readonly version: string;
  readonly schema_name: string;
  readonly consumer: string;
  readonly state: ReadModelState;
  readonly registered_at: string;
  readonly first_batch_at: string | null;
  /** When it had taken in what the topics held at its start, and the switch began. */
  readonly caught_up_at: string | null;
  /** When the switch (statistics and views) was done. */
  readonly activated_at: string | null;
  readonly retired_at: string | null;
}

/** Registration, state and the switch of one read model version. */
export class ReadModelControl {
  constructor(
    private readonly dataSource: DataSource,
    readonly readModel: ReadModel,
  ) {}

  async register(): Promise<ReadModelState> {
    const { version, schema, consumer } = this.readModel;
    await this.dataSource.query(
      `INSERT INTO projection.read_model_versions (version, schema_name, consumer, state) VALUES ($1, $2, $3, 'building')
       ON CONFLICT (version) DO NOTHING`,
      [version, schema, consumer],
    );
    return this.state();
  }

  async state(): Promise<ReadModelState> {
    const rows: Array<{ state: ReadModelState }> = await this.dataSource.query(
      `SELECT state FROM projection.read_model_versions WHERE version = $1`,
      [this.readModel.version],
    );
    return rows[0]?.state ?? 'building';
  }

  async markFirstBatch(): Promise<void> {
    await this.dataSource.query(
      `UPDATE projection.read_model_versions SET first_batch_at = coalesce(first_batch_at, now()) WHERE version = $1`,
      [this.readModel.version],
    );
  }

  /** How many messages of each topic this version has taken in (stored offsets summed over partitions). */
  async consumed(): Promise<Map<string, bigint>> {
    const rows: Array<{ topic: string; consumed: string }> = await this.dataSource.query(
      `SELECT topic, sum(next_offset)::text AS consumed FROM ${this.readModel.schema}.consumer_offsets WHERE consumer = $1 GROUP BY topic`,
      [this.readModel.consumer],
    );
    return new Map(rows.map((row) => [row.topic, BigInt(row.consumed)]));
  }

  /**
   * Makes this version the one analysts read, in one transaction: the last rows brought up to date
   * (`beforeSwitch`), its statistics recomputed, the analytics views republished over its schema,
   * the previous version retired. Readers see the old views or the new ones, never a mix; batches
   * committed after it see the version active and maintain its rows and statistics.
   */
  async activate(stateLock: string, beforeSwitch: (manager: EntityManager) => Promise<void>): Promise<void> {
    const { version, schema } = this.readModel;
    await this.dataSource.transaction(async (manager) => {
      // Waits for this version's batches in flight (they hold the lock shared) and holds the next ones back.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [stateLock]);
      await manager.query(`SELECT version FROM projection.read_model_versions ORDER BY version FOR UPDATE`);
      await beforeSwitch(manager);
      await manager.query(`SELECT ${schema}.refresh_statistics()`);
      await manager.query(`SELECT ${schema}.publish_analytics()`);
      await manager.query(
        `UPDATE projection.read_model_versions SET state = 'retired', retired_at = now() WHERE state = 'active' AND version <> $1`,
        [version],
      );
      await manager.query(
        `UPDATE projection.read_model_versions
            SET state = 'active', caught_up_at = coalesce(caught_up_at, now()), activated_at = clock_timestamp(), retired_at = NULL
          WHERE version = $1`,
        [version],
      );
    });
  }

  async versions(): Promise<ReadModelStatus[]> {
    return this.dataSource.query(
      `SELECT version, schema_name, consumer, state, registered_at, first_batch_at, caught_up_at, activated_at, retired_at
         FROM projection.read_model_versions ORDER BY version`,
    );
  }
}
