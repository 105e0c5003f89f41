import { randomUUID } from 'node:crypto';
import { configuredTopics, environment } from '@hc/config';
import type { CaseReferredToCps, EventEnvelope } from '@hc/contracts';
import { DeadLetterPublisher, EventProducer, parseBrokers } from '@hc/kafka';
import { listDeadLetters, replayDeadLetters } from '../infra/scripts/dead-letters';
import { pollUntil, startPipeline, type Pipeline } from './support/pipeline';
import { READ_MODEL } from '../services/projection/src/read-model/read-model';

/** Dead letters say what was wrong and where it came from, and can be replayed after a fix. */
describe('dead letters', () => {
  let pipeline: Pipeline;
  let producer: EventProducer;
  const connection = () => ({ brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: 'hatecrime-tests' });

  beforeAll(async () => {
    pipeline = await startPipeline();
    producer = new EventProducer(connection());
  });

  afterAll(async () => {
    await producer?.disconnect();
    await pipeline?.close();
  });

  it('lists a message every consumer refused, with each consumer\'s reason and the message\'s origin', async () => {
    const key = randomUUID();
    await producer.send([{ topic: configuredTopics().police, key, value: '{"specversion":"1.0","type":"truncated' }]);

    const letters = await pollUntil('both consumers to dead-letter the message', async () => {
      const mine = (await listDeadLetters()).filter((letter) => letter.key === key);
      return mine.length === 2 ? mine : undefined;
    });
    expect(letters.map((letter) => letter.consumer).sort()).toEqual(['cps', READ_MODEL.consumer]);
    for (const letter of letters) {
      expect(letter.topic).toBe(configuredTopics().police);
      expect(letter.value).toBe('{"specversion":"1.0","type":"truncated');
      expect(letter.reason).toMatch(/^message is not JSON/);
    }
    expect(await listDeadLetters('cps')).toEqual(expect.arrayContaining([expect.objectContaining({ key, consumer: 'cps' })]));
  });

  it('replays a dead-lettered referral to the police topic, and the CPS opens the case', async () => {
    const caseId = randomUUID();
    const referral: EventEnvelope<'CaseReferredToCps', CaseReferredToCps['data']> = {
      specversion: '1.0',
      id: randomUUID(),
      source: '/agencies/police',
      type: 'uk.gov.cjs.hatecrime.police.CaseReferredToCps',
      time: '2025-01-10T09:00:00.000Z',
      subject: caseId,
      datacontenttype: 'application/json',
      causationid: randomUUID(),
      correlationid: caseId,
      streamversion: 3,
      schemaversion: 2,
      data: {
        caseId,
        urn: '62/CF/40021/25',
        forceCode: '62',
        referredAt: '2025-01-10T09:00:00.000Z',
        suspectIds: [randomUUID()],
        offences: [{ offenceId: 'o1', code: '8/23' }],
        hateCrime: { strands: ['disability'], perceivedBy: ['victim'] },
        victimNeedsPassedOn: true,
      },
    };
    // As if the CPS had dead-lettered it during a fault that has since been fixed.
    await new DeadLetterPublisher(producer, configuredTopics().deadLetter).publish(
      { consumer: 'cps', topic: configuredTopics().police, partition: 0, offset: '0', key: caseId, value: JSON.stringify(referral), reason: 'unknown_force: force code 62 has no CPS area' },
      new Date(),
    );
    const letter = await pollUntil('the dead letter to be listed', async () =>
      (await listDeadLetters('cps')).find((candidate) => candidate.key === caseId),
    );
    await pipeline.cps.get(`/cases/${caseId}`).expect(404);

    expect(await replayDeadLetters([letter])).toBe(1);
    const cpsCase = await pollUntil('the CPS to open the replayed case', async () => {
      const response = await pipeline.cps.get(`/cases/${caseId}`);
      return response.status === 200 ? response.body : undefined;
    });
    expect(cpsCase.state.hateCrime).toEqual({ strands: ['disability'], perceivedBy: ['victim'] });
    expect(cpsCase.state.cpsArea).toBe('Cymru-Wales');
    expect(cpsCase.events[0].causationid).toBe(referral.id);
  });
});
