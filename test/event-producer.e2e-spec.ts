import { environment } from '@hc/config';
import { deleteTopics, ensureTopics, EventProducer, parseBrokers, topicMessageCount } from '@hc/kafka';

/**
 * A backlog larger than the broker takes in one record batch (message.max.bytes, 1 MB) goes to
 * Kafka whole, in order, in one call: an outbox that built up during a long broker outage must
 * not stall on MESSAGE_TOO_LARGE.
 */
describe('EventProducer on the real broker', () => {
  const connection = { brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: 'hatecrime-tests' };
  const topic = `${environment().KAFKA_TOPIC_PREFIX}producer.backlog`;
  const producer = new EventProducer(connection);

  beforeAll(async () => {
    await ensureTopics(connection, [{ name: topic, partitions: 1 }]);
  });

  afterAll(async () => {
    await producer.disconnect();
    await deleteTopics(connection, [topic]);
  });

  it('sends 3 MB for one partition in one call', async () => {
    const messages = Array.from({ length: 2000 }, (_, n) => ({ topic, key: 'one-case', value: JSON.stringify({ n, padding: 'x'.repeat(1500) }) }));
    await producer.send(messages);
    expect(await topicMessageCount(connection, topic)).toBe(2000);
  });
});
