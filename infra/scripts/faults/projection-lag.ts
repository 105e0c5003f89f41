import type { Pool } from 'pg';
import { createKafka, type Admin, type KafkaConnection } from '@hc/kafka';
import { projectionView } from './projection-view';

/**
 * Whether the projection has caught up to a moment, measured from offsets alone (cheap, whatever
 * its read model looks like): the end offsets of the agency topics are sampled twice a second, and
 * the projection has caught up to a moment when its stored offsets reach the ends the topics had
 * then. Under continuous load it is never exactly at the end; what was just published is in transit.
 */
export class ProjectionLagProbe {
  private admin?: Admin;
  private timer?: NodeJS.Timeout;
  private readonly samples: Array<{ readonly at: number; readonly ends: ReadonlyMap<string, bigint> }> = [];

  constructor(
    private readonly connection: KafkaConnection,
    private readonly topics: readonly string[],
  ) {}

  start(): void {
    const sample = async () => {
      try {
        this.admin ??= createKafka(this.connection).admin();
        await this.admin.connect();
        const ends = new Map<string, bigint>();
        for (const topic of this.topics) {
          for (const partition of await this.admin.fetchTopicOffsets(topic)) ends.set(`${topic}/${partition.partition}`, BigInt(partition.high));
        }
        this.samples.push({ at: Date.now(), ends });
        if (this.samples.length > 40) this.samples.shift();
      } catch {
        // The broker is down or restarting: no sample; a fresh client next time.
        const admin = this.admin;
        this.admin = undefined;
        await admin?.disconnect().catch(() => undefined);
      }
      this.timer = setTimeout(() => void sample(), 500);
    };
    void sample();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.admin?.disconnect().catch(() => undefined);
  }

  /**
   * Messages the topics held at `cutoff` (epoch ms) that the projection has not consumed yet;
   * undefined when no end offsets were sampled by then. Samples stop while the broker is down, and
   * nothing is published meanwhile, so the last sample before the cutoff holds.
   */
  async behind(db: Pool, cutoff: number): Promise<number | undefined> {
    const reference = [...this.samples].reverse().find((sample) => sample.at <= cutoff);
    if (!reference) return undefined;
    const { rows } = await db.query((await projectionView(db)).offsetsSql);
    const consumed = new Map((rows as Array<{ topic: string; partition: number; next_offset: string }>).map((row) => [`${row.topic}/${row.partition}`, BigInt(row.next_offset)]));
    let behind = 0n;
    for (const [partition, end] of reference.ends) {
      const gap = end - (consumed.get(partition) ?? 0n);
      if (gap > 0n) behind += gap;
    }
    return Number(behind);
  }
}
