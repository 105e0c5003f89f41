import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { configuredTopics, environment } from '@hc/config';
import { agencySource, eventTypeName, type Agency, type EventEnvelope } from '@hc/contracts';
import { EventProducer, parseBrokers, readTopic } from '@hc/kafka';
import { pollUntil, startPipeline, type Pipeline } from './support/pipeline';

/**
 * Names, dates of birth, addresses and contact details stay with the police, sealed per person:
 * they never reach Kafka or the analytics and inspection schemas, and erasing a person leaves the statistics intact.
 * Free text (anything a person types: an offence description, the reason a flag came off, a
 * sentence in words) is kept out too: the APIs refuse it, and an old event that carried it is read
 * without it, so a name typed there reaches no analytics or inspection row and nothing the agencies publish.
 */
describe('personal data', () => {
  let pipeline: Pipeline;
  const people = [
    { role: 'victim' as const, name: 'Amira Haddad', dateOfBirth: '1988-02-14', address: '4 Canal Street, Manchester M1 3HE', contact: '07700 900123' },
    { role: 'suspect' as const, name: 'Gareth Llewellyn-Price', dateOfBirth: '1979-11-30', address: '19 Heol y Deri, Cardiff CF14 6HF', contact: 'g.llp@example.org' },
  ];
  const personalValues = people.flatMap(({ role: _role, ...details }) => Object.values(details));
  /** A name typed into every field that used to take free text (kept apart from the people above, whose scan reads every topic). */
  const TYPED_NAME = 'Precious Okonkwo-Baptiste';
  const connection = () => ({ brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: 'hatecrime-tests' });
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

  it('puts no personal detail on any topic or in any analytics or inspection view', async () => {
    const topics = configuredTopics();
    const onKafka = (await Promise.all([topics.police, topics.cps, topics.courts].map((topic) => readTopic(connection(), topic))))
      .flat()
      .map((message) => `${message.key} ${message.value} ${JSON.stringify(message.headers)}`)
      .join('\n');
    expect(onKafka).toContain(caseId); // the scan reads the case's events...
    for (const value of personalValues) expect(onKafka).not.toContain(value); // ...and none of its people

    const projection = pipeline.apps.projection.get(DataSource);
    const views: Array<{ table_schema: string; table_name: string }> = await projection.query(
      `SELECT table_schema, table_name FROM information_schema.views WHERE table_schema IN ('analytics', 'inspection') ORDER BY 1, 2`,
    );
    expect(new Set(views.map((view) => view.table_schema))).toEqual(new Set(['analytics', 'inspection']));
    for (const { table_schema: schema, table_name: view } of views) {
      const rows = JSON.stringify(await projection.query(`SELECT * FROM "${schema}"."${view}"`));
      for (const value of personalValues) expect(rows).not.toContain(value);
    }
    const stored = JSON.stringify(await pipeline.apps.police.get(DataSource).query(`SELECT * FROM police.person_details`));
    for (const value of personalValues) expect(stored).not.toContain(value); // sealed at rest too
  });

  describe('free text: a name typed where the pipeline takes a code', () => {
    const typed = `Abuse shouted at ${TYPED_NAME} outside her home`;
    const flag = { strands: ['race'], perceivedBy: ['victim'] };
    const offence = { offenceId: 'o1', code: '8L', aggravatedUnder: 'CDA1998_s31' };
    const versionAt = async (agency: 'police' | 'cps' | 'courts', path: string) => (await pipeline[agency].get(path).expect(200)).body.version as number;

    it('is refused by every API field that used to take free text (400 naming the field), and nothing is recorded', async () => {
      // The court opens the defendant's case from the CPS charge, so that the court's fields can be tried too.
      await pipeline.cps.post(`/cases/${caseId}/defendants/${suspectId}/pre-charge-decision`).send({ decision: 'charge', charges: [offence] }).expect(201);
      const courtCase = `/cases/${caseId}`;
      await pollUntil('the court to open the case', async () => ((await pipeline.courts.get(courtCase)).status === 200 ? true : undefined));
      const before = {
        police: await versionAt('police', `/cases/${caseId}`),
        cps: await versionAt('cps', `/cases/${caseId}`),
        courts: await versionAt('courts', courtCase),
      };
      const defendant = `/cases/${caseId}/defendants/${suspectId}`;
      const notApplied = { applied: false, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: [] };
      const attempts: Array<[agency: 'police' | 'cps' | 'courts', method: 'post' | 'put' | 'delete', path: string, body: object, field: string]> = [
        ['police', 'post', '/cases', { crimeReference: `GMP/PII/${randomUUID()}`, forceCode: '06', offences: [{ ...offence, description: typed }] }, 'offences.0.description'],
        ['police', 'post', `/cases/${caseId}/flag`, { hateCrime: flag, reason: typed }, 'reason'],
        ['police', 'put', `/cases/${caseId}/flag`, { hateCrime: flag, reason: typed }, 'reason'],
        ['police', 'delete', `/cases/${caseId}/flag`, { reason: typed }, 'reason'],
        ['police', 'put', `/cases/${caseId}/flag-record`, { holds: 'not_hate_crime', reason: typed }, 'reason'],
        ['cps', 'post', `${defendant}/pre-charge-decision`, { decision: 'charge', charges: [{ ...offence, description: typed }] }, 'charges.0.description'],
        ['cps', 'delete', `/cases/${caseId}/flag`, { reason: typed }, 'reason'],
        ['cps', 'put', `/cases/${caseId}/flag-record`, { holds: 'not_hate_crime', reason: typed }, 'reason'],
        ['courts', 'put', `${defendant}/flag-record`, { holds: 'not_hate_crime', reason: typed }, 'reason'],
        ['courts', 'post', `${defendant}/sentence`, { courtType: 'magistrates', offences: [{ offenceId: 'o1', sentenceType: 'fine', sentence: typed }] }, 'offences.0.sentence'],
        ['courts', 'post', `${defendant}/sentence`, { courtType: 'magistrates', offences: [{ offenceId: 'o1', sentenceType: 'fine', uplift: { ...notApplied, reasonNotApplied: typed } }] }, 'offences.0.uplift.reasonNotApplied'],
      ];
      for (const [agency, method, path, body, field] of attempts) {
        const response = await pipeline[agency][method](path).send(body);
        expect({ agency, path, status: response.status, errors: response.body.errors }).toEqual({
          agency, path, status: 400, errors: [{ field, messages: [expect.stringContaining("free text stays in the agency's own system; the pipeline carries codes only")] }],
        });
      }
      // The CPS applies a flag only to an unflagged case: its refusal of a typed reason comes before that rule.
      const applied = await pipeline.cps.post(`/cases/${caseId}/flag`).send({ hateCrime: flag, reason: typed }).expect(400);
      expect(applied.body.errors.map((error: { field: string }) => error.field)).toEqual(['reason']);
      const bulk = await pipeline.police
        .post('/cases/bulk')
        .set('Content-Type', 'application/x-ndjson')
        .send(JSON.stringify({ command: 'RemoveHateCrimeFlag', params: { caseId }, body: { reason: typed } }))
        .expect(200);
      expect(bulk.body).toMatchObject({ accepted: 0, rejected: 1, results: [{ status: 400, errors: [{ field: 'body.reason' }] }] });

      expect({
        police: await versionAt('police', `/cases/${caseId}`),
        cps: await versionAt('cps', `/cases/${caseId}`),
        courts: await versionAt('courts', courtCase),
      }).toEqual(before);
      await pollUntil('the projection to hold the court case', async () =>
        (await pipeline.projection.get(`/cases/${caseId}/journey`)).body.defendants?.find((row: { court_received_at: string | null }) => row.court_received_at) ? true : undefined,
      );
    });

    it('is dropped from old-version events a legacy producer publishes: it reaches no analytics row and nothing the agencies publish onward', async () => {
      const topics = configuredTopics();
      const planted: EventEnvelope[] = [];
      const versions = new Map<string, number>();
      const event = (agency: Agency, subject: string, type: string, schemaversion: number, data: object, time = '2025-03-10T10:00:00Z') => {
        const streamversion = (versions.get(`${agency}/${subject}`) ?? 0) + 1;
        versions.set(`${agency}/${subject}`, streamversion);
        const envelope = {
          specversion: '1.0', id: randomUUID(), source: agencySource(agency), type: eventTypeName(agency, type), time, subject,
          datacontenttype: 'application/json', causationid: randomUUID(), correlationid: subject, streamversion, schemaversion, data: { caseId: subject, ...data },
        } as EventEnvelope;
        planted.push(envelope);
      };
      const described = [{ ...offence, description: typed }];
      const at = '2025-03-10T10:00:00Z';

      // A force's legacy system: version 1 police events, the name in every text field; the CPS opens its case from the referral.
      const policeCase = randomUUID();
      const policeSuspect = randomUUID();
      event('police', policeCase, 'CrimeRecorded', 1, { crimeReference: `GMP/LEGACY/${policeCase}`, forceCode: '06', recordedAt: at, offences: described, hateCrime: flag });
      event('police', policeCase, 'SuspectIdentified', 1, { suspectId: policeSuspect, identifiedAt: at });
      event('police', policeCase, 'HateCrimeFlagChanged', 1, { hateCrime: { strands: ['race', 'religion'], perceivedBy: ['victim'] }, previousStrands: ['race'], changedAt: at, reason: typed });
      event('police', policeCase, 'HateCrimeFlagRemoved', 1, { removedAt: at, reason: typed });
      event('police', policeCase, 'HateCrimeFlagApplied', 1, { hateCrime: flag, appliedAt: at, reason: typed });
      event('police', policeCase, 'HateCrimeFlagRecorded', 1, { holds: 'not_hate_crime', reason: typed, recordedAt: at });
      event('police', policeCase, 'HateCrimeFlagApplied', 1, { hateCrime: flag, appliedAt: at, reason: typed });
      event('police', policeCase, 'CaseReferredToCps', 1, {
        urn: '06/MC/88003/25', forceCode: '06', referredAt: at, suspectIds: [policeSuspect], offences: described, hateCrime: flag, victimNeedsPassedOn: true,
      });

      // CPS case management's legacy feed: version 1 CPS events of a case with two defendants, both charged.
      const cpsCase = randomUUID();
      const [first, second] = [randomUUID(), randomUUID()];
      event('cps', cpsCase, 'CaseReceivedFromPolice', 1, {
        urn: '06/MC/88004/25', forceCode: '06', cpsArea: 'North West', receivedAt: at, referralEventId: randomUUID(), defendantIds: [first, second],
        offences: described, victimNeedsReceived: true,
      });
      event('cps', cpsCase, 'HateCrimeFlagApplied', 1, { hateCrime: flag, appliedAt: at, reason: typed });
      event('cps', cpsCase, 'HateCrimeFlagRemoved', 1, { removedAt: at, reason: typed });
      event('cps', cpsCase, 'HateCrimeFlagRecorded', 1, { holds: 'not_hate_crime', reason: typed, recordedAt: at });
      event('cps', cpsCase, 'HateCrimeFlagApplied', 1, { hateCrime: flag, appliedAt: at, reason: typed });
      for (const defendantId of [first, second]) {
        event('cps', cpsCase, 'PreChargeDecisionMade', 1, { urn: '06/MC/88004/25', defendantId, decision: 'charge', decidedAt: at, charges: described, hateCrime: flag, cpsArea: 'North West' });
      }
      // A court system's legacy feed, for a case of its own: the charges as version 1 carried them.
      const courtCase = randomUUID();
      event('courts', courtCase, 'CaseReceivedFromCps', 1, {
        urn: '06/MC/88005/25', defendantId: randomUUID(), receivedAt: at, chargeEventId: randomUUID(), charges: described, hateCrime: flag, cpsArea: 'North West',
      });

      const producer = new EventProducer(connection());
      const topicOf: Record<Agency, string> = { police: topics.police, cps: topics.cps, courts: topics.courts };
      const publish = (envelopes: readonly EventEnvelope[]) =>
        producer.send(envelopes.map((envelope) => ({ topic: topicOf[envelope.source.split('/')[2] as Agency], key: envelope.subject, value: JSON.stringify(envelope) })));
      try {
        await publish(planted);
        // The agencies act on the old events: the CPS opens the police case, the court the CPS's two charges.
        const received = await pollUntil('the CPS to open the legacy police case', async () => {
          const response = await pipeline.cps.get(`/cases/${policeCase}`);
          return response.status === 200 ? response.body : undefined;
        });
        expect(received.state.hateCrime).toEqual(flag);
        expect(received.events[0].data.offences).toEqual([offence]);
        const opened = await pollUntil('the court to open both legacy CPS charges', async () => {
          const response = await pipeline.courts.get(`/cases/${cpsCase}`);
          return response.status === 200 && response.body.version === 2 ? response.body : undefined;
        });
        expect(opened.events.map((opening: EventEnvelope) => (opening.data as { charges: unknown }).charges)).toEqual([[offence], [offence]]);

        // Then the court's own legacy records of those defendants: not a hate crime (typed reasons), sentences of versions 1 and 2.
        const uplift = { applied: false, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: [], reasonNotApplied: typed };
        versions.set(`courts/${cpsCase}`, 2);
        const courtRecords = planted.length;
        for (const defendantId of [first, second]) event('courts', cpsCase, 'HateCrimeFlagRecorded', 1, { defendantId, holds: 'not_hate_crime', reason: typed, recordedAt: at });
        event('courts', cpsCase, 'DefendantSentenced', 1, { defendantId: first, sentencedAt: at, courtType: 'magistrates', sentence: typed, uplift });
        event('courts', cpsCase, 'DefendantSentenced', 2, { defendantId: second, sentencedAt: at, courtType: 'magistrates', offences: [{ offenceId: 'o1', sentence: typed, uplift }] });
        await publish(planted.slice(courtRecords));
      } finally {
        await producer.disconnect();
      }
      const counts: Record<string, number> = { [policeCase]: 9, [cpsCase]: 13, [courtCase]: 1 };
      const timelines = new Map<string, string>();
      for (const [projected, count] of Object.entries(counts)) {
        const timeline = await pollUntil(`the projection to hold the ${count} events of ${projected}`, async () => {
          const response = await pipeline.projection.get(`/cases/${projected}/timeline`);
          return response.status === 200 && response.body.events.length === count ? response.body : undefined;
        });
        timelines.set(projected, JSON.stringify(timeline));
      }

      // Read as codes: no description, reasons and sentences unclassified.
      const journey = (await pipeline.projection.get(`/cases/${cpsCase}/journey`).expect(200)).body;
      const sentenced = journey.defendants.filter((row: { sentence: string | null }) => row.sentence !== null);
      expect(sentenced.map((row: { sentence: string }) => row.sentence)).toEqual(['unclassified', 'unclassified']);
      for (const row of sentenced) expect(row.sentence_offences[0].uplift.reasonNotApplied).toBe('unclassified');
      const police = (await pipeline.projection.get(`/cases/${policeCase}/journey`).expect(200)).body;
      expect(police.defendants[0]).toMatchObject({ police_flagged: true, cps_flagged_at_receipt: true });
      expect(journey.defendants.map((row: { charges: unknown }) => row.charges)).toEqual([[offence], [offence]]);
      for (const [projected, timeline] of timelines) expect({ projected, leaked: timeline.includes(TYPED_NAME) }).toEqual({ projected, leaked: false });

      const projection = pipeline.apps.projection.get(DataSource);
      const views: Array<{ table_schema: string; table_name: string }> = await projection.query(
        `SELECT table_schema, table_name FROM information_schema.views WHERE table_schema IN ('analytics', 'inspection') ORDER BY 1, 2`,
      );
      expect(views.map((view) => view.table_name)).toEqual(expect.arrayContaining(['case_events', 'case_journey', 'flag_audit', 'outcome_rates']));
      for (const { table_schema: schema, table_name: view } of views) {
        const rows = JSON.stringify(await projection.query(`SELECT * FROM "${schema}"."${view}"`));
        expect({ view, leaked: rows.includes(TYPED_NAME) }).toEqual({ view, leaked: false });
      }
      const findings = (await projection.query(`SELECT reason FROM inspection.flag_audit WHERE case_id = ANY($1::uuid[]) AND reason IS NOT NULL`, [[policeCase, cpsCase, courtCase]])) as Array<{ reason: string }>;
      expect(findings.length).toBeGreaterThan(0);
      for (const finding of findings) expect(finding.reason).toBe('unclassified');

      // Nothing the agencies published carries the name: only the legacy producer's own messages do.
      const plantedIds = new Set(planted.map((envelope) => envelope.id));
      const published = (await Promise.all([topics.police, topics.cps, topics.courts, topics.deadLetter].map((topic) => readTopic(connection(), topic))))
        .flat()
        .filter((message) => message.value !== null && !plantedIds.has((JSON.parse(message.value) as { id?: string }).id ?? ''));
      const onward = published.filter((message) => message.value!.includes(policeCase) || message.value!.includes(cpsCase) || message.value!.includes(courtCase));
      expect(onward.map((message) => (JSON.parse(message.value!) as { type?: string }).type?.split('.').pop() ?? `dead letter on ${message.topic}`).sort()).toEqual([
        'CaseReceivedFromCps',
        'CaseReceivedFromCps',
        'CaseReceivedFromPolice',
      ]);
      for (const message of published) expect({ topic: message.topic, offset: message.offset, leaked: message.value!.includes(TYPED_NAME) }).toMatchObject({ leaked: false });
    });
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
