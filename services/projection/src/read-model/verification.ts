import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { configuredTopics } from '@hc/config';
import { topicOffsets } from '@hc/kafka';
import { kafkaConnection } from '@hc/service-kit';
import { ProjectionWriter } from '../consumer/projection-writer';
import { READ_MODEL } from './read-model';

export interface PartitionPosition {
  readonly topic: string;
  readonly partition: number;
  /** The next offset the read model will take in. */
  readonly stored: string;
  /** The offset the next message on Kafka will get. */
  readonly end: string;
  readonly behind: number;
}

export interface Verification {
  readonly version: string;
  readonly verifiedAt: string;
  /** consistent: nothing differs and nothing is waiting; behind: nothing differs, but messages or a statistics refresh are pending; inconsistent: stored rows differ from their events. */
  readonly verdict: 'consistent' | 'behind' | 'inconsistent';
  readonly partitions: readonly PartitionPosition[];
  readonly cases: {
    /** Cases folded again from their stored events and compared, row by row, with their stored journey rows and audit findings. */
    readonly checked: number;
    readonly held: number;
    /** The checked cases whose stored rows differ from what their events give (at most 100 listed). */
    readonly differing: readonly string[];
    readonly differingCount: number;
    /**
     * Of the checked cases, those holding events that are stored but not counted: past a gap in
     * their agency's stream versions, waiting for the missing event (at most 100 listed).
     */
    readonly uncounted: { readonly events: number; readonly cases: number; readonly caseIds: readonly string[] };
  };
  readonly statistics: {
    readonly eventsHeld: number;
    readonly throughEvents: number;
    /** The statistics tables were recomputed after the last event was taken in. */
    readonly fresh: boolean;
    /** The attrition by strand, kept up to date batch by batch, equals a count over every journey row. */
    readonly attritionByStrandExact: boolean;
  };
}

/**
 * Verifies the read model against its sources: how far each partition is behind Kafka, whether
 * the stored per-case rows are what the stored events give (folded again, for a sample of cases
 * or all of them), and whether the statistics are current and the incrementally kept table exact.
 * Reads only; an operation for inspectors and operators, not a script.
 */
@Injectable()
export class ReadModelVerification {
  private readonly writer: ProjectionWriter;

  constructor(private readonly dataSource: DataSource) {
    this.writer = new ProjectionWriter(dataSource, READ_MODEL, () => undefined);
  }

  async verify(sample: number | 'all'): Promise<Verification> {
    const { schema, consumer, version } = READ_MODEL;
    const topics = configuredTopics();
    const [ends, stored, [held], [statistics], [strands]] = await Promise.all([
      topicOffsets(kafkaConnection('projection'), [topics.police, topics.cps, topics.courts]),
      this.dataSource.query(`SELECT topic, partition, next_offset::text AS next_offset FROM ${schema}.consumer_offsets WHERE consumer = $1`, [consumer]) as Promise<
        Array<{ topic: string; partition: number; next_offset: string }>
      >,
      this.dataSource.query(`SELECT count(*)::int AS cases, coalesce(sum(event_count), 0)::bigint::text AS events FROM ${schema}.case_events`),
      this.dataSource.query(`SELECT through_events::text AS through_events FROM ${schema}.statistics_state`),
      this.dataSource.query(
        `SELECT count(*)::int AS differing FROM (
           (SELECT * FROM ${schema}.stat_attrition_by_strand WHERE recorded > 0 EXCEPT SELECT * FROM ${schema}.attrition_by_strand_of(NULL))
           UNION ALL
           (SELECT * FROM ${schema}.attrition_by_strand_of(NULL) EXCEPT SELECT * FROM ${schema}.stat_attrition_by_strand)
         ) d`,
      ),
    ]);
    const storedOffsets = new Map(stored.map((row) => [`${row.topic}/${row.partition}`, row.next_offset]));
    const partitions = ends.map(({ topic, partition, high: end }) => {
      const next = storedOffsets.get(`${topic}/${partition}`) ?? '0';
      return { topic, partition, stored: next, end, behind: Math.max(0, Number(BigInt(end) - BigInt(next))) };
    });

    const caseIds: Array<{ case_id: string }> = await this.dataSource.query(
      sample === 'all'
        ? `SELECT case_id FROM ${schema}.case_events`
        : `SELECT case_id FROM ${schema}.case_events ORDER BY random() LIMIT $1`,
      sample === 'all' ? [] : [sample],
    );
    const differing: string[] = [];
    const uncounted: Array<{ caseId: string; events: number }> = [];
    for (let i = 0; i < caseIds.length; i += 2000) {
      const checked = await this.writer.verifyCases(caseIds.slice(i, i + 2000).map((row) => row.case_id));
      differing.push(...checked.differing);
      uncounted.push(...checked.held);
    }

    const eventsHeld = Number(held.events);
    const throughEvents = Number(statistics?.through_events ?? 0);
    const attritionByStrandExact = strands.differing === 0;
    const behind = partitions.some((partition) => partition.behind > 0) || throughEvents !== eventsHeld;
    return {
      version,
      verifiedAt: new Date().toISOString(),
      verdict: differing.length > 0 || !attritionByStrandExact ? 'inconsistent' : behind ? 'behind' : 'consistent',
      partitions,
      cases: {
        checked: caseIds.length,
        held: held.cases,
        differing: differing.slice(0, 100),
        differingCount: differing.length,
        uncounted: {
          events: uncounted.reduce((sum, item) => sum + item.events, 0),
          cases: uncounted.length,
          caseIds: uncounted.slice(0, 100).map((item) => item.caseId),
        },
      },
      statistics: { eventsHeld, throughEvents, fresh: throughEvents === eventsHeld, attritionByStrandExact },
    };
  }
}
