import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type LogEntry, type Producer } from 'kafkajs';

/**
 * The project's one door to the Kafka client library. kafkajs has had no release since 2023; all
 * of its use goes through this folder so that it can be replaced in one place.
 */
export interface KafkaConnection {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** SASL/SCRAM credentials of this service's principal, where the broker requires them. */
  readonly sasl?: { readonly mechanism: 'scram-sha-512'; readonly username: string; readonly password: string };
}

export function parseBrokers(value: string): string[] {
  return value.split(',').map((broker) => broker.trim()).filter(Boolean);
}

/**
 * kafkajs warns that bounded retries on an idempotent producer weaken exactly-once delivery. We
 * bound them on purpose (an outbox relay must give up and try the batch again later, not hang),
 * and exactly-once is not asked of Kafka here: consumers de-duplicate by event id.
 */
const EXPECTED_WARNINGS = ['Limiting retries for the idempotent producer'];

function logCreator() {
  return ({ namespace, level, log }: LogEntry) => {
    if (EXPECTED_WARNINGS.some((warning) => log.message.startsWith(warning))) return;
    const line = `kafkajs ${namespace}: ${log.message}${log.error ? ` (${log.error})` : ''}`;
    if (level <= logLevel.ERROR) console.error(line);
    else console.warn(line);
  };
}

export function createKafka({ brokers, clientId, sasl }: KafkaConnection): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    ...(sasl ? { sasl: { ...sasl } } : {}),
    logLevel: logLevel.WARN,
    logCreator,
    retry: { initialRetryTime: 200, retries: 10, maxRetryTime: 5000 },
  });
}

/** Idempotent producer: a retried send is written once per partition by the broker. */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

export type { Admin, Consumer, Kafka, Producer };
