import { randomUUID } from 'node:crypto';
import { createKafka, type KafkaConnection } from './kafka-client';
import type { ConsumedMessage } from './batch-consumer';

export interface ReadMessage extends ConsumedMessage {
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Reads a topic from its first offset to the end it has now, without a consumer group (nothing is
 * committed), for tools such as the dead-letter inspector and for reconciliation.
 */
export async function readTopic(
  connection: KafkaConnection,
  topic: string,
  { timeoutMs = 30000, groupPrefix = 'hatecrime-reader' }: { timeoutMs?: number; groupPrefix?: string } = {},
): Promise<ReadMessage[]> {
  const kafka = createKafka(connection);
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const remaining = new Map(ends.filter((end) => BigInt(end.high) > BigInt(end.low)).map((end) => [end.partition, BigInt(end.high)]));
  const messages: ReadMessage[] = [];
  if (remaining.size === 0) return messages;

  // A group of its own: readers started in the same millisecond (several topics read at once) must
  // not share one, or the group's partitions are split among members subscribed to other topics.
  const consumer = kafka.consumer({ groupId: `${groupPrefix}-${randomUUID()}`, sessionTimeout: 10000 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading ${topic} took longer than ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            messages.push({
              topic,
              partition,
              offset: message.offset,
              key: message.key?.toString('utf8') ?? null,
              value: message.value?.toString('utf8') ?? null,
              headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
            });
            const end = remaining.get(partition);
            if (end !== undefined && BigInt(message.offset) + 1n >= end) remaining.delete(partition);
            if (remaining.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
