import { startTestInfrastructure, type TestInfrastructure } from './support/infrastructure';

declare global {
  // Shared between global setup and teardown, which Jest runs in the same process.
  var __HATECRIME_TEST_INFRA__: TestInfrastructure | undefined;
}

export default async function globalSetup(): Promise<void> {
  const infrastructure = await startTestInfrastructure();
  globalThis.__HATECRIME_TEST_INFRA__ = infrastructure;
  // Test workers start after this and inherit these variables; each test file's environment
  // (support/isolated-environment.ts) derives its own database and topic prefix from them.
  process.env.KAFKA_BROKERS = infrastructure.kafkaBrokers;
  process.env.DATABASE_URL = infrastructure.databaseUrl;
  process.env.KAFKA_TOPIC_PREFIX = infrastructure.topicPrefix;
  process.env.OUTBOX_POLL_MS = '50';
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
}
