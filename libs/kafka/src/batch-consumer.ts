import { createKafka, type Consumer, type KafkaConnection } from './kafka-client';

export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
}

export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly messages: readonly ConsumedMessage[];
}

/**
 * What the handler did with a batch: nothing to say (taken, or nothing in it was new), or not
 * taken because the partition must be read again from an earlier offset, the one the handler's
 * own store says comes next (its store was restored to an earlier point than the group's offset).
 */
export type BatchVerdict = void | { readonly rewindTo: string };

export interface BatchConsumerOptions extends KafkaConnection {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Told of each failed attempt at a batch; the batch is retried until it succeeds. */
  readonly onError?: (error: unknown, attempt: number) => void;
  /**
   * The handler's own next offset of each partition (0 for one it has never taken a message of).
   * Given, every partition assigned to this consumer is read from there rather than from the
   * group's committed offset, which is only a hint and can be ahead of the handler's store (after
   * the store is restored from a backup) or behind it.
   */
  /**
   * Batches of different partitions handled at once (1 by default). More lets the handler's work in
   * this process overlap its database's; the handler must then not depend on the order of batches
   * across partitions (each partition's batches still come one after another, in order).
   */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * kafkajs has stopped this consumer for good (an error it does not retry): nothing more will be
   * consumed until the owner starts a new one. Without this a process would go on answering its
   * health check while its partitions stand still.
   */
  readonly onCrash?: (error: Error) => void;
  readonly storedOffsets?: (partitions: ReadonlyArray<TopicPartition>) => Promise<ReadonlyArray<TopicPartition & { readonly offset: string }>>;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/**
 * Consumes whole batches. Offsets are not auto-committed: the handler stores them with its own
 * writes, and the group offset is committed afterwards only as a hint where to resume. A handler
 * that finds the hint ahead of its own stored offset answers `rewindTo`, and the partition is read
 * again from there.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  /** Bumped at each group join: a seek computed for an older assignment is not applied. */
  private generation = 0;

  constructor(private readonly options: BatchConsumerOptions) {
    this.consumer = createKafka(options).consumer({
      groupId: options.groupId,
      // A consumer killed without leaving holds its partitions until its session expires: keep that short.
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
  }

  async start(handle: (batch: ConsumedBatch) => Promise<BatchVerdict>): Promise<void> {
    const { storedOffsets, onCrash } = this.options;
    if (onCrash) {
      this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) onCrash(payload.error);
      });
    }
    if (storedOffsets) {
      this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
        const partitions = Object.entries(payload.memberAssignment).flatMap(([topic, numbers]) => numbers.map((partition) => ({ topic, partition })));
        void this.seekToStored(++this.generation, partitions, storedOffsets);
      });
    }
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const consumed: ConsumedBatch = {
          topic: batch.topic,
          partition: batch.partition,
          messages: batch.messages.map((message) => ({
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            value: message.value?.toString('utf8') ?? null,
          })),
        };
        // A handler that fails (the database is unreachable, say) gets the same batch again, with
        // backoff, for as long as it takes: kafkajs would otherwise crash the consumer on an error
        // that is not its own, and the partition would stall until the process restarts.
        let verdict: BatchVerdict;
        for (let attempt = 0; ; attempt++) {
          try {
            verdict = await handle(consumed);
            break;
          } catch (error) {
            if (!isRunning() || isStale()) return;
            this.options.onError?.(error, attempt);
            await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** attempt, 5000)));
            await heartbeat();
          }
        }
        if (verdict?.rewindTo !== undefined) {
          // The rest of this fetch is dropped (the batch is stale from now on) and the partition is
          // fetched again from there; nothing is resolved or committed for it.
          this.consumer.seek({ topic: batch.topic, partition: batch.partition, offset: verdict.rewindTo });
          await heartbeat();
          return;
        }
        const last = batch.messages[batch.messages.length - 1]!;
        resolveOffset(last.offset);
        await commitOffsetsIfNecessary({
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }] }],
        });
        await heartbeat();
      },
    });
  }

  /**
   * Moves each assigned partition to the handler's stored offset. A batch fetched from the group's
   * offset before this lands is harmless: the handler skips what it holds and answers `rewindTo`
   * for a batch that starts past its stored offset. Retried (the store may be down) until it
   * succeeds or the group rebalances again.
   */
  private async seekToStored(
    generation: number,
    partitions: ReadonlyArray<TopicPartition>,
    storedOffsets: NonNullable<BatchConsumerOptions['storedOffsets']>,
  ): Promise<void> {
    for (let attempt = 0; generation === this.generation; attempt++) {
      try {
        const offsets = await storedOffsets(partitions);
        if (generation !== this.generation) return;
        for (const { topic, partition, offset } of offsets) this.consumer.seek({ topic, partition, offset });
        return;
      } catch (error) {
        this.options.onError?.(error, attempt);
        await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** attempt, 5000)));
      }
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
