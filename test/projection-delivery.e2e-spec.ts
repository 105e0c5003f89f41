import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { generateDataset, type GeneratedEvent } from '../infra/scripts/generator';
import { shuffled } from '../services/projection/src/journey/testing/case-builder';

/**
 * The projection gives the same statistics whatever the delivery: events in order, shuffled
 * across (and within) topics, delivered more than once, and across a crash in the middle of a
 * batch and a restart in the middle of the load. Each delivery runs on its own topics and database,
 * with only the projection service started, fed by generated events produced straight to Kafka.
 */
jest.setTimeout(300_000);

// Each delivery loads the service's modules afresh (jest.isolateModules) so that its configuration
// is read again. Nest's ValidationPipe requires class-transformer lazily, from the main module
// registry, while the DTOs register their @Transform/@Type metadata in the isolated one: both must
// see one instance.
const sharedClassTransformer = jest.requireActual('class-transformer');
jest.doMock('class-transformer', () => sharedClassTransformer);

/**
 * Polls until `probe` answers (as test/support/pipeline.ts does; not imported from there, because
 * that module loads every service and Nest must be loaded afresh with each delivery's configuration).
 */
async function pollUntil<T>(description: string, probe: () => Promise<T | undefined>, { timeoutMs = 30_000, intervalMs = 100 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const dataset = generateDataset({ seed: 4242, cases: 1500 });
const uniqueEvents = dataset.events.length;

interface Delivery {
  readonly app: () => INestApplication;
  readonly produce: (events: readonly GeneratedEvent[]) => Promise<void>;
  readonly restart: (options?: object) => Promise<void>;
}

interface Snapshot {
  readonly status: { events: number; cases: number; state: string; consumer: string };
  readonly tables: Record<string, unknown>;
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** Runs one delivery on its own database and topic prefix (modules loaded afresh, so configuration is read again). */
async function delivery(name: string, hooks: object | undefined, run: (delivery: Delivery) => Promise<void>): Promise<Snapshot> {
  const base = process.env;
  const url = new URL(base.DATABASE_URL!);
  url.pathname = `${url.pathname}_${name}`.slice(0, 63);
  process.env = { ...base, DATABASE_URL: url.toString(), KAFKA_TOPIC_PREFIX: `${base.KAFKA_TOPIC_PREFIX}${name}.` };
  try {
    let loaded!: {
      main: typeof import('../services/projection/src/main');
      kafka: typeof import('../libs/kafka/src');
      config: typeof import('../libs/config/src');
    };
    jest.isolateModules(() => {
      loaded = { main: require('../services/projection/src/main'), kafka: require('../libs/kafka/src'), config: require('../libs/config/src') };
    });
    const { main, kafka, config } = loaded;
    await config.ensureDatabase(config.environment().DATABASE_URL);
    const connection = { brokers: kafka.parseBrokers(config.environment().KAFKA_BROKERS), clientId: 'hatecrime-tests' };
    const topics = config.configuredTopics();
    cleanups.push(async () => {
      await kafka.deleteTopics(connection, Object.values(topics));
      await config.dropDatabase(url.toString());
    });
    const producer = new kafka.EventProducer(connection);
    let app = await main.createProjectionApp(hooks ? { hooks } : {});
    try {
      await run({
        app: () => app,
        produce: async (events) => {
          for (let i = 0; i < events.length; i += 500) {
            await producer.send(
              events.slice(i, i + 500).map(({ agency, envelope }) => ({ topic: topics[agency], key: envelope.subject, value: JSON.stringify(envelope) })),
            );
          }
        },
        restart: async (options = {}) => {
          await app.close();
          app = await main.createProjectionApp(options);
        },
      });
      const status = await pollUntil(`the ${name} projection to hold all ${uniqueEvents} events with its statistics`, async () => {
        const response = await request(app.getHttpServer()).get('/projection/status');
        const body = response.body;
        return body.events === uniqueEvents && body.state === 'active' && body.statistics.throughEvents === uniqueEvents ? body : undefined;
      }, { timeoutMs: 180_000, intervalMs: 250 });
      const http = request(app.getHttpServer());
      const tables: Record<string, unknown> = {};
      for (const path of [
        '/statistics/attrition-funnel', '/statistics/outcome-rates', '/statistics/flag-retention', '/statistics/timeliness',
        '/statistics/attrition-by-strand', '/statistics/attrition-funnel?public=true', '/flag-audit?limit=100000',
      ]) {
        const response = await http.get(path);
        if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${JSON.stringify(response.body)}`);
        tables[path] = response.body;
      }
      return { status: { events: status.events, cases: status.cases, state: status.state, consumer: status.consumer }, tables };
    } finally {
      await app.close();
      await producer.disconnect();
    }
  } finally {
    process.env = base;
  }
}

describe('the projection, whatever the delivery', () => {
  let inOrder: Snapshot;

  beforeAll(async () => {
    inOrder = await delivery('in_order', undefined, async ({ produce }) => produce(dataset.events));
  });

  it('holds every event once and a case row per case', () => {
    expect(inOrder.status).toEqual({ events: uniqueEvents, cases: dataset.cases.length, state: 'active', consumer: 'consuming' });
    const funnel = inOrder.tables['/statistics/attrition-funnel'] as Array<Record<string, unknown>>;
    const national = funnel.find((row) => row.financial_year === 'all' && row.strand === 'all' && row.cps_area === 'all' && row.court_type === 'all');
    expect(national?.recorded).toBeGreaterThan(1400);
  });

  it('gives the same statistics and audit for events shuffled across and within topics, read while the read model is built', async () => {
    const shuffledDelivery = await delivery('shuffled', undefined, async ({ produce, restart }) => {
      await produce(shuffled(dataset.events, 99));
      await restart(); // started after the load: the read model is built from offset 0, then switched in
    });
    expect(shuffledDelivery).toEqual(inOrder);
  });

  it('gives the same statistics when events arrive more than once', async () => {
    const copies = [...dataset.events, ...shuffled(dataset.events, 5).slice(0, Math.floor(dataset.events.length / 3)), ...dataset.events.slice(0, 200)];
    const duplicated = await delivery('duplicates', undefined, async ({ produce }) => produce(shuffled(copies, 17)));
    expect(duplicated).toEqual(inOrder);
  });

  it('takes each event into account exactly once across a crash in the middle of a batch and a restart in the middle of the load', async () => {
    let batches = 0;
    let crashed = false;
    const crashOnce = {
      beforeCommit: () => {
        batches += 1;
        if (batches === 3 && !crashed) {
          crashed = true;
          throw new Error('simulated crash after the batch was written, before it committed');
        }
      },
    };
    const half = Math.floor(dataset.events.length / 2);
    const crashedDelivery = await delivery('crash', crashOnce, async ({ produce, restart, app }) => {
      await produce(dataset.events.slice(0, half));
      await pollUntil('part of the first half to be projected', async () => {
        const status = (await request(app().getHttpServer()).get('/projection/status')).body;
        return status.events > 0 ? true : undefined;
      });
      await restart({ hooks: crashOnce });
      await produce(dataset.events.slice(half));
    });
    expect(crashed).toBe(true);
    expect(crashedDelivery).toEqual(inOrder);
  });

  it('reads again what the Kafka group offsets would skip after its database is restored to an earlier point', async () => {
    const restored = await delivery('restored', undefined, async ({ produce, restart, app }) => {
      await produce(dataset.events);
      await pollUntil('every event to be projected', async () => {
        const status = (await request(app().getHttpServer()).get('/projection/status')).body;
        return status.events === uniqueEvents && status.state === 'active' ? true : undefined;
      }, { timeoutMs: 180_000 });
      // The group's offsets on Kafka are now at the end of every partition. Put the database back
      // to a state it really had (just switched in, nothing yet taken in) as a restore would.
      const db = new Client({ connectionString: process.env.DATABASE_URL });
      await db.connect();
      try {
        await db.query(`TRUNCATE projection_v2.case_events, projection_v2.journeys, projection_v2.flag_audit`);
        await db.query(`UPDATE projection_v2.consumer_offsets SET next_offset = 0`);
        await db.query(`SELECT projection_v2.refresh_statistics()`);
        expect((await db.query(`SELECT count(*)::int AS n FROM inspection.case_journey`)).rows[0].n).toBe(0);
      } finally {
        await db.end();
      }
      await restart();
    });
    expect(restored).toEqual(inOrder);
  });
});
