import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { configuredTopics, environment } from '@hc/config';
import { openDatabase } from '@hc/event-store';
import { ensureTopics, EventProducer, parseBrokers } from '@hc/kafka';
import { TOPIC_PARTITIONS } from '@hc/service-kit';
import { generateDataset } from '../infra/scripts/generator';
import { createProjectionApp } from '../services/projection/src/main';
import { ProjectionSchema1763770000000 } from '../services/projection/src/migrations/1763770000000-projection-schema';
import { AnalyticsViews1763770000001 } from '../services/projection/src/migrations/1763770000001-analytics-views';
import { pollUntil } from './support/pipeline';

/**
 * A new read model version is built from offset 0 under its own consumer name while the old one
 * keeps answering, then switched in: here the first version (schema `projection`, consumer
 * projection-v1) is deployed with one case, and version 2 starts beside it.
 */
jest.setTimeout(180_000);

const dataset = generateDataset({ seed: 3, cases: 300 });
const policeFlagged = dataset.cases.filter((generated) =>
  generated.events.some(({ envelope }) => envelope.type.endsWith('.CrimeRecorded') && (envelope.data as { hateCrime?: unknown }).hateCrime),
).length;

describe('rebuilding the read models into a new version', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let batchesHeld = 0;

  beforeAll(async () => {
    // The deployment as it was: version 1's migrations and one case it had counted.
    const v1 = await openDatabase({ url: environment().DATABASE_URL, schema: 'projection', migrations: [ProjectionSchema1763770000000, AnalyticsViews1763770000001] });
    const caseId = randomUUID();
    await v1.query(
      `INSERT INTO projection.events (event_id, case_id, agency, type, stream_version, occurred_at, envelope, topic, partition, kafka_offset)
       VALUES ($1, $2, 'police', 'uk.gov.cjs.hatecrime.police.CrimeRecorded', 1, now(), '{}', 'old', 0, 0)`,
      [randomUUID(), caseId],
    );
    await v1.query(
      `INSERT INTO projection.cases (case_id, police_flagged, police_strands, perceived_by, referral_strands, cps_strands)
       VALUES ($1, true, '{race}', '{victim}', '{}', '{}')`,
      [caseId],
    );
    await v1.destroy();

    const topics = configuredTopics();
    const connection = { brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: 'hatecrime-tests' };
    await ensureTopics(connection, [topics.police, topics.cps, topics.courts].map((name) => ({ name, partitions: TOPIC_PARTITIONS })));
    const producer = new EventProducer(connection);
    try {
      for (let i = 0; i < dataset.events.length; i += 500) {
        await producer.send(dataset.events.slice(i, i + 500).map(({ agency, envelope }) => ({ topic: topics[agency], key: envelope.subject, value: JSON.stringify(envelope) })));
      }
    } finally {
      await producer.disconnect();
    }

    app = await createProjectionApp({
      hooks: {
        // Holds version 2's first batch open, so the test can look while it is being built.
        beforeCommit: async () => {
          if (batchesHeld++ === 0) await held;
        },
      },
    });
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    release();
    await app?.close();
  });

  it('answers from the old version while the new one is being built from offset 0 under its own consumer', async () => {
    await pollUntil('version 2 to hold its first batch', async () => (batchesHeld > 0 ? true : undefined));
    const status = (await http.get('/projection/status').expect(200)).body;
    expect(status).toMatchObject({ version: 'v2', state: 'building' });
    expect(status.versions).toEqual([
      expect.objectContaining({ version: 'v1', state: 'active', schema_name: 'projection', consumer: 'projection-v1' }),
      expect.objectContaining({ version: 'v2', state: 'building', schema_name: 'projection_v2', consumer: 'projection-v2' }),
    ]);
    const old = (await http.get('/statistics/attrition-by-strand').expect(200)).body;
    expect(old[0]).toMatchObject({ strand: 'all', recorded: 1 });
    const notYet = await http.get('/statistics/attrition-funnel').expect(503);
    expect(notYet.body.message).toMatch(/being built/);
    // Version 1's case journey left the analysts' schema with the others (migration 1763770000004).
    const [placed] = await app.get(DataSource).query(`SELECT to_regclass('analytics.case_journey') AS analytics, to_regclass('inspection.case_journey') AS inspection`);
    expect(placed).toEqual({ analytics: null, inspection: 'inspection.case_journey' });
    await http.get('/flag-audit').expect(503);
  });

  it('switches the analytics views to the new version in one step once it has caught up, and retires the old one', async () => {
    release();
    const status = await pollUntil('version 2 to be switched in', async () => {
      const body = (await http.get('/projection/status')).body;
      return body.state === 'active' ? body : undefined;
    }, { timeoutMs: 120_000, intervalMs: 200 });
    expect(status.events).toBe(dataset.events.length);
    expect(status.versions).toEqual([
      expect.objectContaining({ version: 'v1', state: 'retired' }),
      expect.objectContaining({ version: 'v2', state: 'active' }),
    ]);
    const now = (await http.get('/statistics/attrition-by-strand').expect(200)).body;
    expect(now[0]).toMatchObject({ strand: 'all', recorded: policeFlagged });
    const funnel = (await http.get('/statistics/attrition-funnel?year=all&strand=all&cpsArea=all&courtType=all').expect(200)).body;
    expect(funnel).toHaveLength(1);
    const flagAudit = (await http.get('/flag-audit?limit=100000').expect(200)).body;
    expect(flagAudit).toHaveLength(dataset.expected.length);
    // The switch published the inspection schema with the analytics one: views and logged functions.
    const [published] = await app.get(DataSource).query(
      `SELECT (SELECT count(*)::int FROM pg_proc WHERE pronamespace = 'inspection'::regnamespace) AS functions,
              (SELECT count(*)::int FROM information_schema.views WHERE table_schema = 'analytics' AND table_name IN ('case_journey', 'flag_audit', 'case_events')) AS case_views_in_analytics`,
    );
    expect(published).toEqual({ functions: 4, case_views_in_analytics: 0 });
  });
});
