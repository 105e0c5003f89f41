import { configuredTopics, environment } from '@hc/config';
import type { EventEnvelope } from '@hc/contracts';
import { EventProducer, parseBrokers } from '@hc/kafka';

/** Publishes events straight onto their agency's topic, as the agencies' relays would, in sends of 500. */
export async function publishOntoTopics(events: readonly EventEnvelope[]): Promise<void> {
  const topics = configuredTopics();
  const producer = new EventProducer({ brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: 'hatecrime-tests' });
  try {
    for (let i = 0; i < events.length; i += 500) {
      await producer.send(
        events.slice(i, i + 500).map((envelope) => ({
          topic: topics[envelope.source.split('/')[2] as 'police' | 'cps' | 'courts'],
          key: envelope.subject,
          value: JSON.stringify(envelope),
        })),
      );
    }
  } finally {
    await producer.disconnect();
  }
}

/** Waits until the projection holds `count` events and its statistics take them all in (`status` reads /projection/status). */
export async function untilProjected(count: number, status: () => Promise<{ events: number; statistics?: { throughEvents: number } }>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await status();
    if (current.events === count && current.statistics?.throughEvents === count) return;
    if (Date.now() > deadline) throw new Error(`the projection holds ${current.events} of ${count} events`);
    await new Promise((wait) => setTimeout(wait, 200));
  }
}
