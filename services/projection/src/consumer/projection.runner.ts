import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { configuredTopics } from '@hc/config';
import type { Agency } from '@hc/contracts';
import { BatchConsumer, DeadLetterPublisher, EventProducer, ensureTopics } from '@hc/kafka';
import { consumerGroup, kafkaConnection, TOPIC_PARTITIONS } from '@hc/service-kit';
import { ProjectionWriter } from './projection-writer';

/** Version of the read models; a new version is rebuilt from offset 0 under its own consumer name. */
export const PROJECTION_VERSION = 'v1';

/** Reads every agency topic in batches and hands each batch to the writer. */
@Injectable()
export class ProjectionRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projection');
  private readonly consumerName = `projection-${PROJECTION_VERSION}`;
  private consumer?: BatchConsumer;
  private readonly producer = new EventProducer(kafkaConnection('projection'));

  constructor(private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    const topics = configuredTopics();
    const agencyTopics: Record<string, Agency> = { [topics.police]: 'police', [topics.cps]: 'cps', [topics.courts]: 'courts' };
    await ensureTopics(kafkaConnection('projection'), [
      ...Object.keys(agencyTopics).map((name) => ({ name, partitions: TOPIC_PARTITIONS })),
      { name: topics.deadLetter, partitions: 1 },
    ]);
    const writer = new ProjectionWriter(this.dataSource, this.consumerName, (topic) => agencyTopics[topic]);
    const deadLetters = new DeadLetterPublisher(this.producer, topics.deadLetter);
    this.consumer = new BatchConsumer({
      ...kafkaConnection('projection'),
      groupId: consumerGroup(this.consumerName),
      topics: Object.keys(agencyTopics),
    });
    await this.consumer.start(async (batch) => {
      const outcome = await writer.apply(batch, async (rejected) => {
        const now = new Date();
        for (const { message, reason } of rejected) {
          this.logger.warn(`dead-lettered ${message.topic}/${message.partition}/${message.offset}: ${reason}`);
          await deadLetters.publish({ consumer: this.consumerName, ...message, reason }, now);
        }
      });
      if (outcome.applied > 0) {
        this.logger.debug(`${batch.topic}/${batch.partition}: ${outcome.applied} events, ${outcome.casesRebuilt} cases rebuilt`);
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.producer.disconnect();
    await this.dataSource.destroy();
  }
}
