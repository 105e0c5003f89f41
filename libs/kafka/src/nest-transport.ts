import { Transport, type KafkaOptions } from '@nestjs/microservices';
import type { KafkaConnection } from './kafka-client';

/**
 * Options for the @nestjs/microservices Kafka transport an agency service uses to consume its
 * upstream agency's topic. Offsets are committed after a handler resolves; a handler that throws
 * leaves the message to be redelivered, so handlers must be idempotent (they are: see the inbox).
 */
export function kafkaTransportOptions(connection: KafkaConnection & { groupId: string }): KafkaOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      postfixId: '',
      client: {
        clientId: connection.clientId,
        brokers: [...connection.brokers],
        ...(connection.sasl ? { sasl: { ...connection.sasl } } : {}),
        retry: { initialRetryTime: 200, retries: 10, maxRetryTime: 5000 },
      },
      // A consumer killed without leaving holds its partitions until its session expires: keep that short.
      consumer: { groupId: connection.groupId, allowAutoTopicCreation: false, sessionTimeout: 10000, heartbeatInterval: 1000 },
      subscribe: { fromBeginning: true },
      // Hand the raw bytes to the handler: it validates them itself, and a dead letter keeps them exactly.
      parser: { keepBinary: true },
      producer: { allowAutoTopicCreation: false },
    },
  };
}
