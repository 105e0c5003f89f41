import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');

export interface TestInfrastructure {
  readonly kafkaBrokers: string;
  readonly databaseUrl: string;
  readonly topicPrefix: string;
  /** Undo what this run started or created. */
  readonly stop: () => Promise<void>;
}

function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), done(true)));
    socket.once('error', () => done(false));
    socket.once('timeout', () => (socket.destroy(), done(false)));
  });
}

async function dockerEngineAvailable(): Promise<boolean> {
  if (!existsSync('/var/run/docker.sock') && !process.env.DOCKER_HOST) return false;
  try {
    await run('docker', ['info'], { timeout: 10000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * A real Kafka broker and a real PostgreSQL for the integration tests, in this order of preference:
 * KAFKA_BROKERS / DATABASE_URL when set; containers through testcontainers where a Docker engine
 * runs; otherwise the project's own broker script (infra/kafka/start.sh) and the local PostgreSQL.
 * Each run gets its own database and topic prefix, so runs never see each other's events.
 */
export async function startTestInfrastructure(): Promise<TestInfrastructure> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const stops: Array<() => Promise<void>> = [];
  let kafkaBrokers = process.env.KAFKA_BROKERS;
  let serverUrl = process.env.DATABASE_URL;

  if ((!kafkaBrokers || !serverUrl) && (await dockerEngineAvailable())) {
    if (!kafkaBrokers) {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      // The testcontainers Kafka module drives Confluent's image; 7.9 ships Apache Kafka 3.9, as our broker script does.
      const kafka = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
      kafkaBrokers = `${kafka.getHost()}:${kafka.getMappedPort(9093)}`;
      stops.push(async () => void (await kafka.stop()));
    }
    if (!serverUrl) {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const postgres = await new PostgreSqlContainer('postgres:15').start();
      serverUrl = postgres.getConnectionUri();
      stops.push(async () => void (await postgres.stop()));
    }
  }

  if (!kafkaBrokers) {
    kafkaBrokers = '127.0.0.1:9092';
    if (!(await portAnswers('127.0.0.1', 9092))) {
      await run('bash', [resolve(ROOT, 'infra/kafka/start.sh')], { cwd: ROOT, timeout: 300000 });
      stops.push(async () => void (await run('bash', [resolve(ROOT, 'infra/kafka/stop.sh')], { cwd: ROOT, timeout: 60000 })));
    }
  }

  const base = new URL(serverUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/hatecrime_test_${runId}`;
  return {
    kafkaBrokers,
    databaseUrl: base.toString(),
    topicPrefix: `test-${runId}.`,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
