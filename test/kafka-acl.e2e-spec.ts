import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { topicNames } from '@hc/contracts';
import { EventProducer, applyAcls, createKafka, ensureTopics, readTopic, type KafkaConnection } from '@hc/kafka';
import { pollUntil } from './support/pipeline';
import { topicGrants } from '../infra/scripts/kafka-acls';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..');

/**
 * A broker configured as production would be (SASL/SCRAM and ACLs, infra/kafka with
 * KAFKA_SECURITY=sasl) refuses a police system that writes to the courts topic.
 */
describe('Kafka authentication and ACLs', () => {
  const port = 9192;
  const state = mkdtempSync(join(tmpdir(), 'hatecrime-kafka-sasl-'));
  const env = { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(port + 1), KAFKA_STATE_DIR: state, KAFKA_SECURITY: 'sasl' };
  const prefix = `acl-${randomUUID().slice(0, 8)}.`;
  const topics = topicNames(prefix);
  const as = (principal: string, password = `${principal}-secret`): KafkaConnection => ({
    brokers: [`127.0.0.1:${port}`],
    clientId: `hatecrime-${principal}`,
    sasl: { mechanism: 'scram-sha-512', username: principal, password },
  });
  const send = async (connection: KafkaConnection, topic: string) => {
    const producer = new EventProducer(connection);
    try {
      await producer.send([{ topic, key: randomUUID(), value: '{}' }]);
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  };

  beforeAll(async () => {
    await run('bash', [resolve(ROOT, 'infra/kafka/start.sh')], { env, timeout: 300000 });
    await ensureTopics(as('admin'), [topics.police, topics.cps, topics.courts, topics.deadLetter].map((name) => ({ name, partitions: 1 })));
    await applyAcls(as('admin'), topicGrants(prefix));
    // The authorizer applies new ACLs from the metadata log a moment after they are accepted:
    // wait until the police principal can see its topic (a read-only probe, not the writes tested below).
    await pollUntil('the ACLs to take effect', async () => {
      const admin = createKafka(as('police')).admin();
      try {
        await admin.connect();
        await admin.fetchTopicMetadata({ topics: [topics.police] });
        return true;
      } catch {
        return undefined;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    });
  }, 300000);

  afterAll(async () => {
    await run('bash', [resolve(ROOT, 'infra/kafka/stop.sh'), '--purge'], { env, timeout: 60000 }).catch(() => undefined);
    rmSync(state, { recursive: true, force: true });
  });

  it('lets the police principal write the police topic', async () => {
    await expect(send(as('police'), topics.police)).resolves.toBeUndefined();
  });

  it('refuses the police principal writing to the courts topic', async () => {
    await expect(send(as('police'), topics.courts)).rejects.toThrow(/not authorized to access topics/i);
  });

  it('refuses the projection principal writing to an agency topic, and lets it read one', async () => {
    await expect(send(as('projection'), topics.police)).rejects.toThrow(/not authorized to access topics/i);
    const read = await readTopic(as('projection'), topics.police, { groupPrefix: `${prefix}hatecrime-projection-reader` });
    expect(read.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses a client with a wrong password', async () => {
    await expect(send(as('police', 'guessed'), topics.police)).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/i);
  });
});
