import { Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import { DataSource } from 'typeorm';
import { topicOf, type Agency } from '@hc/contracts';
import { configuredTopics, databaseUrlFor, environment, kafkaSasl } from '@hc/config';
import { EventStore, OutboxRelay, openDatabase } from '@hc/event-store';
import { AccessLog } from './access-control';
import { accessGuards, rateLimitModule } from './rate-limits';
import { EventProducer, ensureTopics, parseBrokers, type KafkaConnection } from '@hc/kafka';

export interface EventSourcingOptions {
  readonly agency: Agency;
  readonly migrations: ReadonlyArray<new () => MigrationInterface>;
}

export const EVENT_SOURCING_OPTIONS = Symbol('EVENT_SOURCING_OPTIONS');
export const TOPIC_PARTITIONS = 3;

/** Creates the topics, starts the outbox relay, and closes everything in order on shutdown. */
class EventSourcingLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_SOURCING_OPTIONS) private readonly options: EventSourcingOptions,
    private readonly relay: OutboxRelay,
    private readonly producer: EventProducer,
    private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const topics = configuredTopics();
    await ensureTopics(kafkaConnection(this.options.agency), [
      ...[topics.police, topics.cps, topics.courts].map((name) => ({ name, partitions: TOPIC_PARTITIONS })),
      { name: topics.deadLetter, partitions: 1 },
    ]);
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.producer.disconnect();
    await this.dataSource.destroy();
  }
}

export function kafkaConnection(agency: Agency | 'projection'): KafkaConnection {
  const sasl = kafkaSasl(agency);
  return { brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: `hatecrime-${agency}`, ...(sasl ? { sasl } : {}) };
}

/** Consumer groups carry the topic prefix, so that runs on different topics never share a group. */
export function consumerGroup(name: string): string {
  return `${environment().KAFKA_TOPIC_PREFIX}hatecrime-${name}`;
}

/**
 * An agency's event store in its own schema, its transactional outbox relayed to its own topic,
 * and the Kafka producer behind it.
 */
@Module({})
export class EventSourcingModule {
  static forAgency(options: EventSourcingOptions): DynamicModule {
    const logger = new Logger(`${options.agency}-outbox`);
    return {
      module: EventSourcingModule,
      global: true,
      imports: [rateLimitModule()],
      providers: [
        { provide: EVENT_SOURCING_OPTIONS, useValue: options },
        {
          provide: DataSource,
          useFactory: () =>
            openDatabase({ url: databaseUrlFor(options.agency), schema: options.agency, migrations: options.migrations }),
        },
        { provide: EventProducer, useFactory: () => new EventProducer(kafkaConnection(options.agency)) },
        {
          provide: OutboxRelay,
          inject: [DataSource, EventProducer],
          useFactory: (dataSource: DataSource, producer: EventProducer) =>
            new OutboxRelay(dataSource, producer, {
              schema: options.agency,
              topic: topicOf(configuredTopics(), options.agency),
              pollIntervalMs: environment().OUTBOX_POLL_MS,
              onError: (error) => logger.warn(`publishing failed, will retry: ${(error as Error).message}`),
            }),
        },
        {
          provide: EventStore,
          inject: [DataSource, OutboxRelay],
          useFactory: (dataSource: DataSource, relay: OutboxRelay) => {
            const store = new EventStore(dataSource, options.agency, options.agency, environment().COMMAND_ATTEMPTS);
            store.onAppend(() => relay.nudge());
            return store;
          },
        },
        EventSourcingLifecycle,
        ...accessGuards(),
        AccessLog,
      ],
      exports: [DataSource, EventStore, OutboxRelay, EventProducer, EVENT_SOURCING_OPTIONS, AccessLog],
    };
  }
}
