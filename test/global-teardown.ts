import { deleteTopics, parseBrokers } from '../libs/kafka/src';
import { createKafka } from '../libs/kafka/src/kafka-client';

/** Removes what test files left behind (their environments clean up after themselves) and stops what global setup started. */
export default async function globalTeardown(): Promise<void> {
  const infrastructure = globalThis.__HATECRIME_TEST_INFRA__;
  if (!infrastructure) return;
  const connection = { brokers: parseBrokers(infrastructure.kafkaBrokers), clientId: 'hatecrime-tests' };
  const admin = createKafka(connection).admin();
  await admin.connect();
  const leftovers = (await admin.listTopics()).filter((topic) => topic.startsWith(infrastructure.topicPrefix));
  await admin.disconnect();
  await deleteTopics(connection, leftovers).catch(() => undefined);
  await infrastructure.stop();
}
