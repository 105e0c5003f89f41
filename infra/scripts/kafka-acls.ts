import { configuredTopics, environment } from '@hc/config';
import { topicNames, type TopicNames } from '@hc/contracts';
import { applyAcls, parseBrokers, type AclGrant } from '@hc/kafka';

/**
 * Who may do what on the topics, one principal per service. Each agency writes only its own topic
 * and reads only its upstream's; the projection reads the three agency topics and writes nothing
 * but dead letters. Everyone may describe the project's topics (to check they exist) and write
 * dead letters. Consumer groups are granted by the name prefix the services use.
 */
export function topicGrants(prefix: string): AclGrant[] {
  const topics: TopicNames = topicNames(prefix);
  const topic = (principal: string, name: string, operation: AclGrant['operation']): AclGrant => ({
    principal, resource: 'topic', name, prefixed: false, operation,
  });
  const common = (principal: string): AclGrant[] => [
    { principal, resource: 'topic', name: `${prefix}hatecrime.`, prefixed: true, operation: 'describe' },
    topic(principal, topics.deadLetter, 'write'),
    { principal, resource: 'group', name: `${prefix}hatecrime-${principal}`, prefixed: true, operation: 'read' },
  ];
  return [
    ...common('police'),
    topic('police', topics.police, 'write'),
    ...common('cps'),
    topic('cps', topics.cps, 'write'),
    topic('cps', topics.police, 'read'),
    topic('cps', topics.courts, 'read'),
    ...common('courts'),
    topic('courts', topics.courts, 'write'),
    topic('courts', topics.cps, 'read'),
    ...common('projection'),
    topic('projection', topics.police, 'read'),
    topic('projection', topics.cps, 'read'),
    topic('projection', topics.courts, 'read'),
  ];
}

/** Applies the grants as the admin principal: KAFKA_SASL_USERNAME=admin KAFKA_SASL_PASSWORD=... npm run kafka:acls */
async function main(): Promise<void> {
  const config = environment();
  await applyAcls(
    {
      brokers: parseBrokers(config.KAFKA_BROKERS),
      clientId: 'hatecrime-acls',
      sasl: { mechanism: 'scram-sha-512', username: config.KAFKA_SASL_USERNAME || 'admin', password: config.KAFKA_SASL_PASSWORD },
    },
    topicGrants(config.KAFKA_TOPIC_PREFIX),
  );
  console.log(`kafka: ACLs applied for topics ${Object.values(configuredTopics()).join(', ')}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`kafka: ${(error as Error).message}`);
    process.exit(1);
  });
}
