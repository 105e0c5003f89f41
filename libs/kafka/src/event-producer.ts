import { createIdempotentProducer, createKafka, type KafkaConnection, type Producer } from './kafka-client';

export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The most bytes of keys, values and headers sent in one request. The broker refuses a record batch
 * over its `message.max.bytes` (1 MB by default) and kafkajs sends one batch per partition per
 * request, so a large backlog (an outbox after a long broker outage) goes in several requests.
 */
export const MAX_REQUEST_BYTES = 768 * 1024;

/**
 * Splits messages, in order, into runs of at most `maxBytes` each (a message larger than that on
 * its own makes a run of one, for the broker to accept or refuse).
 */
export function chunkBySize<T extends OutgoingMessage>(messages: readonly T[], maxBytes = MAX_REQUEST_BYTES): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = sizeOf(message);
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function sizeOf(message: OutgoingMessage): number {
  let size = Buffer.byteLength(message.key) + (typeof message.value === 'string' ? Buffer.byteLength(message.value) : message.value.length);
  for (const [name, value] of Object.entries(message.headers ?? {})) size += Buffer.byteLength(name) + Buffer.byteLength(value);
  // Record overhead (lengths, offsets, timestamps): small, but many small messages add up.
  return size + 64;
}

/**
 * Sends messages and resolves only once the broker has acknowledged every one (acks=all), in
 * requests of at most MAX_REQUEST_BYTES, one after another, so their order on each partition holds.
 */
export class EventProducer {
  private readonly producer: Producer;
  private connected?: Promise<void>;

  constructor(connection: KafkaConnection) {
    this.producer = createIdempotentProducer(createKafka(connection));
  }

  async send(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await this.connect();
    for (const chunk of chunkBySize(messages)) {
      const byTopic = new Map<string, OutgoingMessage[]>();
      for (const message of chunk) {
        const list = byTopic.get(message.topic);
        if (list) list.push(message);
        else byTopic.set(message.topic, [message]);
      }
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((message) => ({ key: message.key, value: message.value, headers: { ...message.headers } })),
        })),
      });
    }
  }

  async connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = undefined;
      throw error;
    });
    await this.connected;
  }

  async disconnect(): Promise<void> {
    if (this.connected) {
      this.connected = undefined;
      await this.producer.disconnect();
    }
  }
}
