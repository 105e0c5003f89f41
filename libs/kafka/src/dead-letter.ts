import type { EventProducer } from './event-producer';

export interface DeadLetter {
  readonly consumer: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly reason: string;
}

/**
 * A message a consumer cannot use goes to the dead-letter topic with the reason and where it came
 * from, so that it can be inspected and replayed after a fix, and the partition carries on.
 */
export class DeadLetterPublisher {
  constructor(
    private readonly producer: EventProducer,
    private readonly deadLetterTopic: string,
  ) {}

  async publish(letter: DeadLetter, now: Date): Promise<void> {
    await this.producer.send([
      {
        topic: this.deadLetterTopic,
        key: letter.key ?? `${letter.topic}-${letter.partition}-${letter.offset}`,
        value: JSON.stringify({ ...letter, deadLetteredAt: now.toISOString() }),
        headers: {
          'dlq-reason': letter.reason.slice(0, 1000),
          'dlq-consumer': letter.consumer,
          'dlq-origin': `${letter.topic}/${letter.partition}/${letter.offset}`,
        },
      },
    ]);
  }
}
