import type { DataSource, EntityManager } from 'typeorm';
import { upcast, type EventEnvelope } from '@hc/contracts';
import type { EventProducer } from '@hc/kafka';

export interface OutboxRelayOptions {
  readonly schema: string;
  readonly topic: string;
  readonly pollIntervalMs: number;
  readonly batchSize?: number;
  readonly onError?: (error: unknown) => void;
}

/**
 * Publishes stored events that are not yet marked published, in position order, and marks them
 * in the same transaction that locked them. It looks for unpublished rows rather than for rows
 * after a high-water mark, so an event whose transaction commits late (with a lower position than
 * one already sent) is still found. A crash after the send and before the commit sends the batch
 * again on restart: at least once on Kafka, and consumers drop the copy by event id.
 * `FOR UPDATE` (not SKIP LOCKED) makes a second relay wait instead of overtaking, which keeps each
 * case's events in order on its partition. An event stored in an older version of its schema is
 * sent upcast to the latest: the agency's store keeps what it wrote (its own record, free text
 * included), and only codes leave it.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running = false;
  private draining?: Promise<void>;
  private again = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: EventProducer,
    private readonly options: OutboxRelayOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.draining;
  }

  /** Called after an append so that new events go out without waiting for the next poll. */
  nudge(): void {
    if (!this.running) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Publishes everything that is waiting; returns how many events were sent. */
  async publishPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.publishBatch();
      total += sent;
      if (sent < (this.options.batchSize ?? 500)) return total;
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    if (!this.running || this.draining) return;
    let delay = this.options.pollIntervalMs;
    this.draining = this.publishPending().then(
      () => undefined,
      (error: unknown) => {
        this.options.onError?.(error);
        delay = Math.min(this.options.pollIntervalMs * 10, 5000);
      },
    );
    await this.draining;
    this.draining = undefined;
    if (this.again) {
      this.again = false;
      delay = 0;
    }
    if (this.running) this.schedule(delay);
  }

  private async publishBatch(): Promise<number> {
    const { schema, topic } = this.options;
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ position: string; stream_id: string; envelope: EventEnvelope }> = await manager.query(
        `SELECT position, stream_id, envelope FROM "${schema}".events
          WHERE published_at IS NULL ORDER BY position LIMIT $1 FOR UPDATE`,
        [this.options.batchSize ?? 500],
      );
      if (rows.length === 0) return 0;
      await this.producer.send(
        rows.map((row) => ({
          topic,
          key: row.stream_id,
          value: JSON.stringify(upcast(row.envelope)),
          headers: { 'ce-type': row.envelope.type, 'ce-id': row.envelope.id, 'content-type': 'application/cloudevents+json' },
        })),
      );
      await this.markPublished(manager, rows.map((row) => row.position));
      return rows.length;
    });
  }

  /** Marks sent events; a crash before this commits means the batch is sent again (at least once). */
  protected async markPublished(manager: EntityManager, positions: readonly string[]): Promise<void> {
    await manager.query(`UPDATE "${this.options.schema}".events SET published_at = now() WHERE position = ANY($1::bigint[])`, [positions]);
  }
}
