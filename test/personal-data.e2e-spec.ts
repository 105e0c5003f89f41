import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { configuredTopics, environment } from '@hc/config';
import { parseBrokers, readTopic } from '@hc/kafka';
import { pollUntil, startPipeline, type Pipeline } from './support/pipeline';

/**
 * Names, dates of birth, addresses and contact details stay with the police, sealed per person:
 * they never reach Kafka or the analytics schema, and erasing a person leaves the statistics intact.
 */
describe('personal data', () => {
  let pipeline: Pipeline;
  const people = [
    { role: 'victim' as const, name: 'Amira Haddad', dateOfBirth: '1988-02-14', address: '4 Canal Street, Manchester M1 3HE', contact: '07700 900123' },
    { role: 'suspect' as const, name: 'Gareth Llewellyn-Price', dateOfBirth: '1979-11-30', address: '19 Heol y Deri, Cardiff CF14 6HF', contact: 'g.llp@example.org' },
  ];
  const personalValues = people.flatMap(({ role: _role, ...details }) => Object.values(details));
  let caseId: string;
  let victimId: string;
  let suspectId: string;

  beforeAll(async () => {
    pipeline = await startPipeline();
    const recorded = await pipeline.police
      .post('/cases')
      .send({
        crimeReference: `GMP/PII/${randomUUID()}`,
        forceCode: '06',
        recordedAt: '2025-03-02T18:00:00Z',
        offences: [{ offenceId: 'o1', code: '8L', aggravatedUnder: 'CDA1998_s31' }],
        hateCrime: { strands: ['religion'], perceivedBy: ['victim'], religionTargetedGroup: 'anti_muslim' },
      })
      .expect(201);
    caseId = recorded.body.caseId;
    victimId = (
      await pipeline.police
        .post(`/cases/${caseId}/victim-needs`)
        .send({ riskLevel: 'high', needs: ['safeguarding'], enhancedService: true, specialMeasuresWanted: ['screens'] })
        .expect(201)
    ).body.victimId;
    suspectId = (await pipeline.police.post(`/cases/${caseId}/suspects`).send({}).expect(201)).body.suspectId;
    await pipeline.police.put(`/cases/${caseId}/people/${victimId}`).send(people[0]).expect(200);
    await pipeline.police.put(`/cases/${caseId}/people/${suspectId}`).send(people[1]).expect(200);
    await pipeline.police.post(`/cases/${caseId}/referral`).send({ urn: '06/MC/88001/25', victimNeedsPassedOn: true }).expect(201);
    await pollUntil('the CPS to open the case', async () => ((await pipeline.cps.get(`/cases/${caseId}`)).status === 200 ? true : undefined));
    await pollUntil('the projection to hold the case', async () => ((await pipeline.projection.get(`/cases/${caseId}/journey`)).status === 200 ? true : undefined));
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('keeps the details readable by the police, with an access-log entry for each read', async () => {
    const victim = await pipeline.police.get(`/cases/${caseId}/people/${victimId}`).expect(200);
    expect(victim.body).toEqual(people[0]);
    const [{ reads }] = await pipeline.apps.police
      .get(DataSource)
      .query(`SELECT count(*)::int AS reads FROM police.access_log WHERE person_id = $1 AND action = 'read-personal-details'`, [victimId]);
    expect(reads).toBe(1);
  });

  it('refuses details for someone who is not a suspect or victim of the case', async () => {
    const response = await pipeline.police.put(`/cases/${caseId}/people/${randomUUID()}`).send(people[0]).expect(404);
    expect(response.body.code).toBe('person_not_on_case');
  });

  it('puts no personal detail on any topic or in any analytics view', async () => {
    const connection = { brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: 'hatecrime-tests' };
    const topics = configuredTopics();
    const onKafka = (await Promise.all([topics.police, topics.cps, topics.courts].map((topic) => readTopic(connection, topic))))
      .flat()
      .map((message) => `${message.key} ${message.value} ${JSON.stringify(message.headers)}`)
      .join('\n');
    expect(onKafka).toContain(caseId); // the scan reads the case's events...
    for (const value of personalValues) expect(onKafka).not.toContain(value); // ...and none of its people

    const projection = pipeline.apps.projection.get(DataSource);
    const views: Array<{ table_name: string }> = await projection.query(
      `SELECT table_name FROM information_schema.views WHERE table_schema = 'analytics' ORDER BY table_name`,
    );
    expect(views.length).toBeGreaterThan(0);
    for (const { table_name: view } of views) {
      const rows = JSON.stringify(await projection.query(`SELECT * FROM analytics."${view}"`));
      for (const value of personalValues) expect(rows).not.toContain(value);
    }
    const stored = JSON.stringify(await pipeline.apps.police.get(DataSource).query(`SELECT * FROM police.person_details`));
    for (const value of personalValues) expect(stored).not.toContain(value); // sealed at rest too
  });

  it("binds a person id to its case: another case naming the same id cannot overwrite that person's details (409)", async () => {
    const other = await pipeline.police
      .post('/cases')
      .send({ crimeReference: `GMP/PII/${randomUUID()}`, forceCode: '06', offences: [{ offenceId: 'o1', code: '105A' }] })
      .expect(201);
    // The other case names the victim's id as its suspect (by mistake, or chosen to).
    await pipeline.police.post(`/cases/${other.body.caseId}/suspects`).send({ suspectId: victimId }).expect(201);
    const refused = await pipeline.police
      .put(`/cases/${other.body.caseId}/people/${victimId}`)
      .send({ role: 'suspect', name: 'Somebody Else' })
      .expect(409);
    expect(refused.body.code).toBe('person_on_another_case');
    expect((await pipeline.police.get(`/cases/${caseId}/people/${victimId}`).expect(200)).body.name).toBe('Amira Haddad');
    await pipeline.police.get(`/cases/${other.body.caseId}/people/${victimId}`).expect(404);
  });

  it('erases only a person whose details are held (404 otherwise), so an unknown id is never blocked for ever', async () => {
    const unknown = randomUUID();
    const refused = await pipeline.police.delete(`/people/${unknown}`).send({ reason: 'Erasure request' }).expect(404);
    expect(refused.body.code).toBe('no_personal_details');
    const [{ erasures }] = await pipeline.apps.police.get(DataSource).query(`SELECT count(*)::int AS erasures FROM police.erasures WHERE person_id = $1`, [unknown]);
    expect(erasures).toBe(0);
  });

  it('erases a person by destroying their key, and leaves the case and its statistics as they were', async () => {
    const before = await pipeline.projection.get(`/cases/${caseId}/journey`).expect(200);
    await pipeline.police.delete(`/people/${suspectId}`).send({ reason: 'Erasure request granted (UK GDPR Art. 17)' }).expect(200);

    const read = await pipeline.police.get(`/cases/${caseId}/people/${suspectId}`).expect(409);
    expect(read.body.code).toBe('personal_data_erased');
    const [{ sealed, keys }] = await pipeline.apps.police
      .get(DataSource)
      .query(
        `SELECT (SELECT count(*) FROM police.person_details WHERE person_id = $1)::int AS sealed,
                (SELECT count(*) FROM police.person_keys WHERE person_id = $1)::int AS keys`,
        [suspectId],
      );
    expect({ sealed, keys }).toEqual({ sealed: 1, keys: 0 }); // the ciphertext remains, unreadable
    expect((await pipeline.police.get(`/cases/${caseId}/people/${victimId}`).expect(200)).body.name).toBe('Amira Haddad');
    const after = await pipeline.projection.get(`/cases/${caseId}/journey`).expect(200);
    expect(after.body.defendants).toEqual(before.body.defendants);
  });
});
