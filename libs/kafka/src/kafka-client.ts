import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type Producer } from 'kafkajs';

/**
 * The project's one door to the Kafka client library. kafkajs has had no release since 2023; all
 * of its use goes through this folder so that it can be replaced in one place.
 */
export interface KafkaConnection {
  readonly brokers: readonly string[];
  readonly clientId: string;
}

export function parseBrokers(value: string): string[] {
  return value.split(',').map((broker) => broker.trim()).filter(Boolean);
}

export function createKafka({ brokers, clientId }: KafkaConnection): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    logLevel: logLevel.WARN,
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
