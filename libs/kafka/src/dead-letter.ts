import type { EventProducer } from './event-producer';

export interface DeadLetter {
  readonly consumer: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  /** `base64` when the original bytes were not UTF-8 text; absent for text. */
  readonly valueEncoding?: 'base64';
  readonly reason: string;
}

/** The dead-letter form of a message value: its text when it is UTF-8, else base64. */
export function deadLetterValue(value: Buffer | string | null | undefined): Pick<DeadLetter, 'value' | 'valueEncoding'> {
  if (value === null || value === undefined) return { value: null };
  if (typeof value === 'string') return { value };
  const text = value.toString('utf8');
  return Buffer.from(text, 'utf8').equals(value) ? { value: text } : { value: value.toString('base64'), valueEncoding: 'base64' };
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
