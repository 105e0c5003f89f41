import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource, type EntityManager } from 'typeorm';
import { configuredTopics, environment } from '@hc/config';
import { OutboxRelay } from '@hc/event-store';
import { EventProducer, parseBrokers, readTopic, topicMessageCount } from '@hc/kafka';
import { createPoliceApp } from '../services/police/src/main';
import { pollUntil, startPipeline } from './support/pipeline';

/** An event is stored and published, or neither; a relay that dies half-way loses nothing and counts nothing twice. */
describe('the transactional outbox', () => {
  const connection = () => ({ brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: 'hatecrime-tests' });
  const crime = (reference: string) => ({
    crimeReference: reference,
    forceCode: '44',
    recordedAt: '2024-08-12T19:30:00Z',
    offences: [{ offenceId: 'o1', code: '105A' }],
    hateCrime: { strands: ['sexual_orientation'], perceivedBy: ['victim'] },
  });
  const unpublished = async (app: INestApplication, caseId: string) => {
    const [row] = await app.get(DataSource).query(
      `SELECT count(*) FILTER (WHERE published_at IS NULL)::int AS waiting, count(*)::int AS stored FROM police.events WHERE stream_id = $1`,
      [caseId],
    );
    return row as { waiting: number; stored: number };
  };

  it('publishes, once, an event committed while the relay was down, when the service comes back', async () => {
    let police = await createPoliceApp(); // creates the topics
    const before = await topicMessageCount(connection(), configuredTopics().police);
    await police.get(OutboxRelay).stop(); // the service dies between the commit and the publish
    const recorded = await request(police.getHttpServer()).post('/cases').send(crime(`HAM/${randomUUID()}`)).expect(201);
    expect(await unpublished(police, recorded.body.caseId)).toEqual({ waiting: 1, stored: 1 });
    expect(await topicMessageCount(connection(), configuredTopics().police)).toBe(before);
    await police.close();

    police = await createPoliceApp();
    try {
      await pollUntil('the relay to publish the waiting event', async () =>
        (await unpublished(police, recorded.body.caseId)).waiting === 0 ? true : undefined,
      );
      expect(await topicMessageCount(connection(), configuredTopics().police)).toBe(before + 1);
    } finally {
      await police.close();
    }
  });

  it('publishes an event stored at an older schema version upcast: its free text stays in the store, only codes go out', async () => {
    let police = await createPoliceApp();
    await police.get(OutboxRelay).stop();
    const recorded = await request(police.getHttpServer()).post('/cases').send(crime(`HAM/${randomUUID()}`)).expect(201);
    // As if it had been stored before the codes: version 1, with the offence described as typed.
    const database = police.get(DataSource);
    await database.query(
      `UPDATE police.events
          SET envelope = jsonb_set(jsonb_set(envelope, '{schemaversion}', '1'), '{data,offences,0,description}', '"Assault on Precious Okonkwo-Baptiste"')
        WHERE stream_id = $1`,
      [recorded.body.caseId],
    );
    await police.close();

    police = await createPoliceApp();
    try {
      await pollUntil('the relay to publish the waiting event', async () =>
        (await unpublished(police, recorded.body.caseId)).waiting === 0 ? true : undefined,
      );
      const published = (await readTopic(connection(), configuredTopics().police)).filter((message) => message.key === recorded.body.caseId);
      expect(published).toHaveLength(1);
      const envelope = JSON.parse(published[0]!.value!);
      expect(envelope).toMatchObject({ schemaversion: 2, data: { offences: [{ offenceId: 'o1', code: '105A' }] } });
      expect(envelope.data.offences[0]).not.toHaveProperty('description');
      const [stored] = await police.get(DataSource).query(`SELECT envelope FROM police.events WHERE stream_id = $1`, [recorded.body.caseId]);
      expect(stored.envelope.data.offences[0].description).toBe('Assault on Precious Okonkwo-Baptiste'); // the force's own record, as written
    } finally {
      await police.close();
    }
  });

  it('re-sends a batch published before the relay died, and the CPS and the projection count it once', async () => {
    const pipeline = await startPipeline();
    const police = pipeline.apps.police;
    await police.get(OutboxRelay).stop();
    let failures = 1;
    class RelayThatDiesBeforeMarking extends OutboxRelay {
      protected override async markPublished(manager: EntityManager, positions: readonly string[]): Promise<void> {
        if (failures-- > 0) throw new Error('relay killed after publishing, before marking the events published');
        await super.markPublished(manager, positions);
      }
    }
    const relay = new RelayThatDiesBeforeMarking(police.get(DataSource), police.get(EventProducer), {
      schema: 'police',
      topic: configuredTopics().police,
      pollIntervalMs: 50,
    });
    try {
      const before = await topicMessageCount(connection(), configuredTopics().police);
      const recorded = await pipeline.police.post('/cases').send(crime(`HAM/${randomUUID()}`)).expect(201);
      const caseId: string = recorded.body.caseId;
      const suspect = await pipeline.police.post(`/cases/${caseId}/suspects`).send({}).expect(201);
      await pipeline.police.post(`/cases/${caseId}/referral`).send({ urn: '44/SO/70112/24', victimNeedsPassedOn: true }).expect(201);
      relay.start();

      await pollUntil('the relay to publish every event', async () => ((await unpublished(police, caseId)).waiting === 0 ? true : undefined));
      const onTopic = (await topicMessageCount(connection(), configuredTopics().police)) - before;
      expect(onTopic).toBe(3 + 3); // the first batch of three went out twice: at least once on Kafka

      const cps = await pollUntil('the CPS to open the case', async () => {
        const response = await pipeline.cps.get(`/cases/${caseId}`);
        return response.status === 200 ? response.body : undefined;
      });
      expect(cps.version).toBe(1);
      expect(Object.keys(cps.state.decisions)).toEqual([suspect.body.suspectId]);

      await pollUntil('the projection to read both copies and the CPS event', async () => {
        const status = await pipeline.projection.get('/projection/status');
        const policeOffsets = status.body.offsets.filter((offset: { topic: string }) => offset.topic === configuredTopics().police);
        const read = policeOffsets.reduce((sum: number, offset: { next_offset: string }) => sum + Number(offset.next_offset), 0);
        const journey = await pipeline.projection.get(`/cases/${caseId}/journey`);
        return read === before + onTopic && journey.status === 200 && journey.body.events.length >= 4 ? true : undefined;
      });
      const journey = await pipeline.projection.get(`/cases/${caseId}/journey`).expect(200);
      expect(journey.body.events).toHaveLength(4); // 3 police events and the CPS's CaseReceivedFromPolice, each once
      expect(journey.body.defendants).toHaveLength(1);
    } finally {
      await relay.stop();
      await pipeline.close();
    }
  });
});
