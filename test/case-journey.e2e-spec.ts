import { randomUUID } from 'node:crypto';
import { configuredTopics, environment } from '@hc/config';
import { BatchConsumer, EventProducer, parseBrokers, type ConsumedMessage } from '@hc/kafka';
import { driveCase, expectedEventCount, type DrivenCase, type HttpClient } from '../infra/scripts/case-driver';
import { DEMO_CASES } from '../infra/scripts/demo-cases';
import { pollUntil, startPipeline, type Pipeline } from './support/pipeline';
import { READ_MODEL } from '../services/projection/src/read-model/read-model';

/**
 * One continuous record per case: the flag goes to the police once and arrives at the CPS and the
 * court through Kafka, and the projection's statistics are exactly those of the cases sent.
 */
describe('a hate crime from police recording to sentence uplift', () => {
  let pipeline: Pipeline;
  let client: HttpClient;
  let driven: DrivenCase[];
  const connection = () => ({ brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: 'hatecrime-tests' });

  beforeAll(async () => {
    pipeline = await startPipeline();
    client = {
      post: async (service, path, body) => {
        const response = await pipeline[service].post(path).send(body as object);
        return { status: response.status, body: response.body };
      },
      get: async (service, path) => {
        const response = await pipeline[service].get(path);
        return { status: response.status, body: response.body };
      },
    };
    driven = await Promise.all(DEMO_CASES.map((script) => driveCase(client, script)));
    const expected = DEMO_CASES.reduce((sum, script) => sum + expectedEventCount(script), 0);
    await pollUntil(`the projection to hold ${expected} events`, async () => {
      const status = await pipeline.projection.get('/projection/status');
      return status.body.events === expected ? status.body : undefined;
    });
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('opens the CPS case with the flag and strands the police recorded, without re-keying', async () => {
    const multiStrand = driven[5]!;
    const police = await pipeline.police.get(`/cases/${multiStrand.caseId}`).expect(200);
    const cps = await pipeline.cps.get(`/cases/${multiStrand.caseId}`).expect(200);

    expect(police.body.state.hateCrime).toEqual({
      strands: ['race', 'religion'],
      perceivedBy: ['victim', 'witness'],
      religionTargetedGroup: 'anti_muslim',
    });
    expect(cps.body.state.hateCrime).toEqual(police.body.state.hateCrime);
    expect(cps.body.state.urn).toBe('05/LV/55419/25');
    expect(cps.body.state.cpsArea).toBe('Mersey-Cheshire');
    const referral = police.body.events.find((event: { type: string }) => event.type.endsWith('.CaseReferredToCps'));
    expect(cps.body.events[0].causationid).toBe(referral.id);
    expect(cps.body.events[0].correlationid).toBe(referral.correlationid);
  });

  it('opens the court case from the CPS charge with the same flag', async () => {
    const multiStrand = driven[5]!;
    const courts = await pipeline.courts.get(`/cases/${multiStrand.caseId}`).expect(200);
    expect(courts.body.state.hateCrime).toEqual({
      strands: ['race', 'religion'],
      perceivedBy: ['victim', 'witness'],
      religionTargetedGroup: 'anti_muslim',
    });
    expect(courts.body.state.urn).toBe('05/LV/55419/25');
    expect(Object.keys(courts.body.state.defendants)).toEqual(multiStrand.defendantIds);
  });

  it('does not send a case the CPS did not charge to court', async () => {
    const publicInterest = driven[4]!;
    await pipeline.courts.get(`/cases/${publicInterest.caseId}`).expect(404);
  });

  it('counts attrition and uplift by strand exactly', async () => {
    const response = await pipeline.projection.get('/statistics/attrition-by-strand').expect(200);
    const row = (recorded: number, suspects: number, referred: number, decisions: number, charged: number, convicted: number, sentenced: number, uplift: number, chargeRate: number | null, upliftRate: number | null) => ({
      recorded, suspects_identified: suspects, referred_to_cps: referred, pre_charge_decisions: decisions, charged, convicted, sentenced,
      uplift_announced: uplift, charge_rate_pct: chargeRate, uplift_rate_pct: upliftRate,
    });
    expect(response.body).toEqual([
      { strand: 'all', ...row(8, 8, 8, 8, 6, 5, 5, 3, 75, 60) },
      { strand: 'race', ...row(3, 2, 2, 2, 2, 2, 2, 1, 100, 50) },
      { strand: 'religion', ...row(2, 2, 2, 2, 2, 2, 2, 1, 100, 50) },
      { strand: 'sexual_orientation', ...row(2, 2, 2, 2, 2, 1, 1, 0, 100, 0) },
      { strand: 'disability', ...row(1, 2, 2, 2, 1, 1, 1, 1, 50, 100) },
      { strand: 'transgender', ...row(1, 1, 1, 1, 0, 0, 0, 0, 0, null) },
    ]);
  });

  it('shows the flag at each stage of a case journey', async () => {
    const journey = await pipeline.projection.get(`/cases/${driven[0]!.caseId}/journey`).expect(200);
    expect(journey.body.defendants).toHaveLength(1);
    expect(journey.body.defendants[0]).toMatchObject({
      urn: '01/KD/41873/24',
      force_code: '01',
      cps_area: 'London North',
      financial_year: '2024/25',
      police_strands: ['race'],
      referral_strands: ['race'],
      cps_strands: ['race'],
      court_strands: ['race'],
      stage_reached: 'uplift_announced',
      uplift_provision: 'SA2020_s66',
    });
    expect(journey.body.events.map((event: { type: string }) => event.type.split('.').slice(-2).join('.'))).toEqual([
      'police.CrimeRecorded',
      'police.SuspectIdentified',
      'police.CaseReferredToCps',
      'cps.CaseReceivedFromPolice',
      'cps.PreChargeDecisionMade',
      'courts.CaseReceivedFromCps',
      'courts.CaseListed',
      'courts.DefendantConvicted',
      'cps.ProsecutionCompleted',
      'courts.DefendantSentenced',
    ]);
  });

  describe('bad input', () => {
    it('names every bad field of a crime report (400)', async () => {
      const response = await pipeline.police
        .post('/cases')
        .send({ crimeReference: 'X1', forceCode: '1', offences: [], hateCrime: { strands: ['racism'], perceivedBy: ['victim'] }, name: 'Jane' })
        .expect(400);
      const fields = response.body.errors.map((error: { field: string }) => error.field).sort();
      expect(fields).toEqual(['forceCode', 'hateCrime.strands', 'name', 'offences']);
    });

    it('refuses a racially aggravated offence without the race or religion strand (422)', async () => {
      const response = await pipeline.police
        .post('/cases')
        .send({
          crimeReference: `T/${randomUUID()}`, forceCode: '01',
          offences: [{ offenceId: 'o1', code: '8/1', aggravatedUnder: 'CDA1998_s29' }],
          hateCrime: { strands: ['disability'], perceivedBy: ['victim'] },
        })
        .expect(422);
      expect(response.body.code).toBe('aggravated_offence_needs_race_or_religion_strand');
    });

    it('refuses the same crime reference twice from one force (409) and a referral with no suspect (422)', async () => {
      const crime = { crimeReference: `T/${randomUUID()}`, forceCode: '20', offences: [{ offenceId: 'o1', code: '105A' }] };
      const first = await pipeline.police.post('/cases').send(crime).expect(201);
      expect((await pipeline.police.post('/cases').send(crime).expect(409)).body.code).toBe('case_already_recorded');
      const referral = await pipeline.police
        .post(`/cases/${first.body.caseId}/referral`)
        .send({ urn: '20/BH/1/24', victimNeedsPassedOn: false })
        .expect(422);
      expect(referral.body.code).toBe('referral_needs_suspect');
    });

    it('refuses a malformed URN with the field named (400) and an unknown case (404)', async () => {
      const response = await pipeline.police.post(`/cases/${randomUUID()}/referral`).send({ urn: '1/AB/x/2024', victimNeedsPassedOn: true }).expect(400);
      expect(response.body.errors[0].field).toBe('urn');
      await pipeline.police.post(`/cases/${randomUUID()}/referral`).send({ urn: '01/AB/1/24', victimNeedsPassedOn: true }).expect(404);
    });

    it('refuses a sentence before conviction and a charge before referral', async () => {
      const caseId = randomUUID();
      const defendantId = randomUUID();
      const charge = await pipeline.cps
        .post(`/cases/${caseId}/defendants/${defendantId}/pre-charge-decision`)
        .send({ decision: 'charge', charges: [{ offenceId: 'o1', code: '105A' }] })
        .expect(404);
      expect(charge.body.code).toBe('no_referral');
      const charged = driven[7]!;
      const sentence = await pipeline.courts
        .post(`/cases/${charged.caseId}/defendants/${charged.defendantIds[0]}/sentence`)
        .send({
          courtType: 'magistrates',
          offences: [{ offenceId: 'o1', sentenceType: 'immediate_custody', uplift: { applied: true, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: ['sexual_orientation'] } }],
        })
        .expect(422);
      expect(sentence.body.code).toBe('no_sentence_before_conviction');
    });

    it('dead-letters a broken Kafka message with its reason and goes on with the next referral', async () => {
      const topics = configuredTopics();
      const producer = new EventProducer(connection());
      const poison = { specversion: '1.0', id: randomUUID(), type: 'uk.gov.cjs.hatecrime.police.CaseReferredToCps', data: { urn: 'nonsense' } };
      await producer.send([{ topic: topics.police, key: randomUUID(), value: JSON.stringify(poison) }]);
      await producer.disconnect();

      const deadLetters: ConsumedMessage[] = [];
      const consumer = new BatchConsumer({ ...connection(), groupId: `test-dlq-${randomUUID()}`, topics: [topics.deadLetter] });
      await consumer.start(async (batch) => void deadLetters.push(...batch.messages));
      try {
        const letters = await pollUntil('the poison message on the dead-letter topic', async () => {
          const mine = deadLetters.map((m) => JSON.parse(m.value!)).filter((l) => l.value?.includes(poison.id));
          return mine.length >= 2 ? mine : undefined; // the CPS and the projection each refuse it
        });
        expect(letters.map((letter) => letter.consumer).sort()).toEqual(['cps', READ_MODEL.consumer]);
        for (const letter of letters) {
          expect(letter.topic).toBe(topics.police);
          expect(letter.reason).toMatch(/envelope invalid: .*must have required property 'source'/);
        }
      } finally {
        await consumer.stop();
      }

      const after = await driveCase(client, {
        label: 'unflagged assault after the poison message', crimeReference: `T/${randomUUID()}`, forceCode: '43',
        recordedAt: '2025-03-01T10:00:00Z', urn: '43/OX/5501/25',
        offences: [{ offenceId: 'o1', code: '105A' }],
        defendants: [{ decision: 'charge' }],
      });
      const cps = await pipeline.cps.get(`/cases/${after.caseId}`).expect(200);
      expect(cps.body.state.hateCrime).toBeUndefined();
    });
  });
});
