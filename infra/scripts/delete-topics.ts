import { configuredTopics, environment } from '@hc/config';
import { deleteTopics, parseBrokers } from '@hc/kafka';

/** Deletes the topics of the configured prefix (the demo's, when it ends). */
deleteTopics(
  { brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: 'hatecrime-admin' },
  Object.values(configuredTopics()),
).catch((error: unknown) => {
  console.error(`kafka: could not delete topics: ${(error as Error).message}`);
  process.exit(1);
});
