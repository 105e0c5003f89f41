import { Inject, Injectable, Logger } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { configuredTopics } from '@hc/config';
import { validateEnvelope, type EventEnvelope } from '@hc/contracts';
import { DomainError } from '@hc/domain';
import { permanentDatabaseError } from '@hc/event-store';
import { DeadLetterPublisher, EventProducer, deadLetterValue } from '@hc/kafka';
import { EVENT_SOURCING_OPTIONS, type EventSourcingOptions } from './event-sourcing.module';

/**
 * Runs an agency's reaction to an upstream event. A message that is not a valid envelope, whose
 * event the agency cannot accept (a broken domain rule), or that holds a value the database
 * refuses, goes to the dead-letter topic with the reason and the partition moves on. Any other error (database or broker down) is thrown so
 * that the transport redelivers the message later; the reaction is idempotent through the inbox.
 */
@Injectable()
export class UpstreamConsumer {
  private readonly logger: Logger;
  private readonly deadLetters: DeadLetterPublisher;

  constructor(
    producer: EventProducer,
    @Inject(EVENT_SOURCING_OPTIONS) private readonly options: EventSourcingOptions,
  ) {
    this.logger = new Logger(`${options.agency}-consumer`);
    this.deadLetters = new DeadLetterPublisher(producer, configuredTopics().deadLetter);
  }

  async consume(value: unknown, context: KafkaContext, react: (envelope: EventEnvelope) => Promise<void>): Promise<void> {
    const validation = validateEnvelope(value);
    if (!validation.valid) return this.deadLetter(value, context, validation.reason);
    try {
      await react(validation.envelope);
    } catch (error) {
      if (error instanceof DomainError) return this.deadLetter(value, context, `${error.code}: ${error.message}`);
      // A value the database refuses is refused again on every redelivery: it would stall the partition.
      const refused = permanentDatabaseError(error);
      if (refused) return this.deadLetter(value, context, `the database refused to store it: ${refused}`);
      this.logger.warn(`could not process ${context.getTopic()}/${context.getPartition()}/${context.getMessage().offset}; it will be redelivered: ${(error as Error).message}`);
      throw error;
    }
  }

  private async deadLetter(value: unknown, context: KafkaContext, reason: string): Promise<void> {
    const message = context.getMessage();
    this.logger.warn(`dead-lettered ${context.getTopic()}/${context.getPartition()}/${message.offset}: ${reason}`);
    await this.deadLetters.publish(
      {
        consumer: this.options.agency,
        topic: context.getTopic(),
        partition: context.getPartition(),
        offset: message.offset,
        key: message.key === null || message.key === undefined ? null : String(message.key),
        ...deadLetterValue(Buffer.isBuffer(value) || typeof value === 'string' || value == null ? value : JSON.stringify(value)),
        reason,
      },
      new Date(),
    );
  }
}
