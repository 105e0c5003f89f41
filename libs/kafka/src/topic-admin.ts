import { createKafka, type KafkaConnection } from './kafka-client';

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
}

/**
 * Topics are created by the project, never by broker auto-creation, so partition counts and
 * retention are ours. Agency topics keep events for ever: they are the log a projection rebuilds from.
 */
export async function ensureTopics(connection: KafkaConnection, topics: readonly TopicSpec[]): Promise<void> {
  const admin = createKafka(connection).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: 1,
          configEntries: [{ name: 'retention.ms', value: '-1' }],
        })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopics(connection: KafkaConnection, names: readonly string[]): Promise<void> {
  const admin = createKafka(connection).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = names.filter((name) => existing.has(name));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  } finally {
    await admin.disconnect();
  }
}

/** The end offsets of a topic summed over its partitions: how many messages it holds. */
export async function topicMessageCount(connection: KafkaConnection, topic: string): Promise<number> {
  const admin = createKafka(connection).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
  } finally {
    await admin.disconnect();
  }
}
