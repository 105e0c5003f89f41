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

export interface BatchConsumerOptions extends KafkaConnection {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Told of each failed attempt at a batch; the batch is retried until it succeeds. */
  readonly onError?: (error: unknown, attempt: number) => void;
}

/**
 * Consumes whole batches. Offsets are not auto-committed: the handler stores them with its own
 * writes, and the group offset is committed afterwards only as a hint where to resume.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;

  constructor(private readonly options: BatchConsumerOptions) {
    this.consumer = createKafka(options).consumer({
      groupId: options.groupId,
      // A consumer killed without leaving holds its partitions until its session expires: keep that short.
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
  }

  async start(handle: (batch: ConsumedBatch) => Promise<void>): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
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
        for (let attempt = 0; ; attempt++) {
          try {
            await handle(consumed);
            break;
          } catch (error) {
            if (!isRunning() || isStale()) return;
            this.options.onError?.(error, attempt);
            await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** attempt, 5000)));
            await heartbeat();
          }
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

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
