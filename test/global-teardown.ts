import { dropDatabase } from '../libs/config/src/database-admin';
import { topicNames } from '../libs/contracts/src/topics';
import { deleteTopics, parseBrokers } from '../libs/kafka/src';

export default async function globalTeardown(): Promise<void> {
  const infrastructure = globalThis.__HATECRIME_TEST_INFRA__;
  if (!infrastructure) return;
  const topics = topicNames(infrastructure.topicPrefix);
  await deleteTopics({ brokers: parseBrokers(infrastructure.kafkaBrokers), clientId: 'hatecrime-tests' }, Object.values(topics)).catch(
    () => undefined,
  );
  await dropDatabase(infrastructure.databaseUrl);
  await infrastructure.stop();
}
