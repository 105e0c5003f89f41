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
    // A topic another service has just created may exist before its partitions have leaders;
    // reading its offsets then fails (NOT_LEADER_OR_FOLLOWER). Wait for every leader.
    const names = topics.map((topic) => topic.name);
    await retrying(async () => {
      const metadata = await admin.fetchTopicMetadata({ topics: names });
      const leaderless = metadata.topics.filter((topic) => topic.partitions.some((partition) => partition.leader < 0));
      if (leaderless.length > 0) throw Object.assign(new Error(`no leader yet for ${leaderless.map((topic) => topic.name).join(', ')}`), { retriable: true });
    });
  } finally {
    await admin.disconnect();
  }
}

/** Runs `attempt` again, with a short backoff, while it fails with an error Kafka calls retriable (for about 15 s). */
async function retrying<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable || tries >= 30) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * tries, 1000)));
    }
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

/** The first and end offsets (`low`, and `high`: the offset the next message will get) of every partition of these topics. */
export async function topicOffsets(
  connection: KafkaConnection,
  topics: readonly string[],
): Promise<Array<{ topic: string; partition: number; low: string; high: string }>> {
  const admin = createKafka(connection).admin();
  await admin.connect();
  try {
    const result: Array<{ topic: string; partition: number; low: string; high: string }> = [];
    for (const topic of topics) {
      for (const { partition, low, high } of await retrying(() => admin.fetchTopicOffsets(topic))) result.push({ topic, partition, low, high });
    }
    return result;
  } finally {
    await admin.disconnect();
  }
}

/** The end offsets of a topic summed over its partitions: how many messages it holds. */
export async function topicMessageCount(connection: KafkaConnection, topic: string): Promise<number> {
  const offsets = await topicOffsets(connection, [topic]);
  return offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
}
