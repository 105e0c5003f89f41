import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { configuredTopics, environment } from '@hc/config';
import { BatchConsumer, parseBrokers, topicMessageCount, type ConsumedMessage } from '@hc/kafka';
import { EventStore } from '@hc/event-store';
import { policeCaseId } from '../services/police/src/cases/case-id';
import { createPoliceApp } from '../services/police/src/main';
import { pollUntil } from './support/pipeline';

/**
 * The police API as an agency system meets it: every command endpoint with good and bad input,
 * idempotency keys, and bulk extracts, on the real broker and database.
 */
describe('police API', () => {
  let app: INestApplication;
  let police: TestAgent;
  const connection = () => ({ brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: 'hatecrime-tests' });

  const plainOffence = { offenceId: 'o1', code: '8L' };
  const aggravatedOffence = { offenceId: 'o1', code: '8L', aggravatedUnder: 'CDA1998_s31' };
  const raceAndReligion = { strands: ['race', 'religion'], perceivedBy: ['victim'], religionTargetedGroup: 'anti_muslim' };
  const raceOnly = { strands: ['race'], perceivedBy: ['victim'] };
  const victimNeeds = { riskLevel: 'high', needs: ['safeguarding'], enhancedService: true, specialMeasuresWanted: ['screens'] };

  /** Records a crime under a fresh crime reference and answers its case id. */
  async function recordCrime(crime: { offences?: object[]; hateCrime?: object; forceCode?: string } = {}): Promise<string> {
    const response = await police
      .post('/cases')
      .send({ crimeReference: `T/${randomUUID()}`, forceCode: crime.forceCode ?? '01', offences: crime.offences ?? [plainOffence], ...(crime.hateCrime ? { hateCrime: crime.hateCrime } : {}) })
      .expect(201);
    return response.body.caseId;
  }

  async function identifySuspect(caseId: string): Promise<string> {
    return (await police.post(`/cases/${caseId}/suspects`).send({}).expect(201)).body.suspectId;
  }

  async function caseView(caseId: string) {
    return (await police.get(`/cases/${caseId}`).expect(200)).body;
  }

  const eventTypes = (view: { events: Array<{ type: string }> }) => view.events.map((event) => event.type.split('.').pop());
  /** A warning of a command's answer: its rule, the audit finding and boundary it names, and what to do. */
  const warning = (code: string, finding: string | null = null, boundary: string | null = null) => ({
    code,
    finding,
    boundary,
    message: expect.stringMatching(/\w/),
    remedy: expect.stringMatching(/\w/),
  });
  const fields = (body: { errors: Array<{ field: string }> }) => body.errors.map((error) => error.field).sort();

  beforeAll(async () => {
    app = await createPoliceApp();
    police = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('POST /cases records a crime', () => {
    it('records a racially aggravated offence without a flag, with the warning aggravated_offence_unflagged (201)', async () => {
      const crimeReference = `T/${randomUUID()}`;
      const response = await police.post('/cases').send({ crimeReference, forceCode: '01', offences: [aggravatedOffence] }).expect(201);
      const caseId = policeCaseId('01', crimeReference);
      expect(response.body).toEqual({ caseId, version: 1, events: ['CrimeRecorded'], warnings: [warning('aggravated_offence_unflagged')] });
      const view = await caseView(caseId);
      expect(eventTypes(view)).toEqual(['CrimeRecorded']);
      expect(view.events[0].data.offences).toEqual([aggravatedOffence]);
      expect(view.events[0].data).not.toHaveProperty('hateCrime');
      expect(view.state.flagRecord).toEqual({ holds: 'no_flag' });
    });

    it('answers a flagged crime with its event and no warning, and still refuses an aggravated offence flagged with neither race nor religion (422)', async () => {
      const crimeReference = `T/${randomUUID()}`;
      const caseId = policeCaseId('01', crimeReference);
      const refused = await police
        .post('/cases')
        .send({ crimeReference, forceCode: '01', offences: [aggravatedOffence], hateCrime: { strands: ['disability'], perceivedBy: ['victim'] } })
        .expect(422);
      expect(refused.body.code).toBe('aggravated_offence_needs_race_or_religion_strand');
      expect((await police.get(`/cases/${caseId}`).expect(404)).body.code).toBe('case_not_found');

      const recorded = await police.post('/cases').send({ crimeReference, forceCode: '01', offences: [aggravatedOffence], hateCrime: raceOnly }).expect(201);
      expect(recorded.body).toEqual({ caseId, version: 1, events: ['CrimeRecorded'], warnings: [] });
      expect((await caseView(caseId)).state).toMatchObject({ hateCrime: raceOnly, flagRecord: { holds: 'flagged', hateCrime: raceOnly } });
    });
  });

  describe('times and text that every database downstream can store', () => {
    const crime = (overrides: object) => ({ crimeReference: `T/${randomUUID()}`, forceCode: '01', offences: [plainOffence], ...overrides });
    const fields = (body: { errors: Array<{ field: string }> }) => body.errors.map((error) => error.field);

    it.each([
      ['an offset PostgreSQL cannot store', '2024-05-01T10:00:00+23:59'],
      ['no zone', '2024-05-01T10:00:00'],
      ['a date only', '2024-05-01'],
      ['a week date', '2024-W18-3'],
      ['an ordinal date', '2024-122'],
    ])('refuses a time with %s (400 naming the field), and records nothing', async (_what, recordedAt) => {
      const body = crime({ recordedAt });
      const response = await police.post('/cases').send(body).expect(400);
      expect(fields(response.body)).toEqual(['recordedAt']);
      await police.get(`/cases/${policeCaseId('01', body.crimeReference)}`).expect(404);
    });

    it.each([
      ['in the future', new Date(Date.now() + 24 * 3600 * 1000).toISOString(), /must not be in the future/],
      ['before 2000', '1999-12-31T23:59:59Z', /must not be before 2000-01-01/],
    ])('refuses the time of a crime %s (400, why)', async (_what, recordedAt, reason) => {
      const response = await police.post('/cases').send(crime({ recordedAt })).expect(400);
      expect(response.body.errors).toEqual([{ field: 'recordedAt', messages: [expect.stringMatching(reason)] }]);
    });

    it('refuses a body nested deeper than any command (400), without walking it to the end', async () => {
      const deep = '['.repeat(50000) + ']'.repeat(50000);
      const response = await police.post('/cases').set('Content-Type', 'application/json').send(`{"crimeReference":"CR/1","forceCode":"01","offences":${deep}}`).expect(400);
      expect(response.body.message).toMatch(/nests deeper than 32 levels/);
    });

    it('refuses an offence description (400 naming it: free text stays with the force, the code says what the offence is), and records nothing', async () => {
      const body = crime({ offences: [{ ...plainOffence, description: 'Harassment of Amira Haddad' }] });
      const response = await police.post('/cases').send(body).expect(400);
      expect(response.body.errors).toEqual([
        { field: 'offences.0.description', messages: [expect.stringContaining("is refused: free text stays in the agency's own system; the pipeline carries codes only")] },
      ]);
      await police.get(`/cases/${policeCaseId('01', body.crimeReference)}`).expect(404);
      const snapshot = { ...body, flag: { holds: 'no_flag' } };
      const ndjson = [JSON.stringify({ command: 'RecordCrime', body }), JSON.stringify({ command: 'CaseSnapshot', body: snapshot })].join('\n');
      const bulk = await police.post('/cases/bulk').set('Content-Type', 'application/x-ndjson').send(ndjson).expect(200);
      expect(bulk.body.results).toEqual([1, 2].map((line) =>
        expect.objectContaining({ line, status: 400, outcome: 'rejected', errors: [{ field: 'body.offences.0.description', messages: [expect.stringContaining('codes only')] }] }),
      ));
      await police.get(`/cases/${policeCaseId('01', body.crimeReference)}`).expect(404);
    });

    it('refuses a blank crime reference or offence code (400 naming each)', async () => {
      const response = await police.post('/cases').send(crime({ crimeReference: '   ', offences: [{ offenceId: 'o1', code: ' ' }] })).expect(400);
      expect(fields(response.body).sort()).toEqual(['crimeReference', 'offences.0.code']);
    });

    it.each([
      ['a NUL', 'CR/1\\u0000/24', 'holds a NUL character'],
      ['half a surrogate pair', 'CR/\\ud800/24', 'surrogate'],
    ])('refuses text holding %s (400 naming the field)', async (_what, crimeReference, reason) => {
      const response = await police.post('/cases').set('Content-Type', 'application/json').send(`{"crimeReference":"${crimeReference}","forceCode":"01","offences":[{"offenceId":"o1","code":"105A"}]}`).expect(400);
      expect(response.body.errors).toEqual([{ field: 'crimeReference', messages: [expect.stringContaining(reason)] }]);
    });

    it('never stores an event its own published schema refuses, whatever the decider decided', async () => {
      const caseId = await recordCrime();
      const store = app.get(EventStore);
      // A decider that lets through what the schema refuses (a suspect id that is not a UUID).
      const careless = {
        initialState: () => ({}),
        evolve: (state: object) => state,
        decide: () => ({ events: [{ type: 'SuspectIdentified', data: { caseId, suspectId: 'Jane Doe', identifiedAt: '2024-05-01T10:00:00Z' } }], warnings: [] }),
      };
      await expect(store.handle(caseId, careless, {}, { now: new Date(), causationId: randomUUID() })).rejects.toMatchObject({
        code: 'event_refused_by_schema',
        message: expect.stringMatching(/data\/suspectId must match format "uuid"/),
      });
      expect((await caseView(caseId)).version).toBe(1);
    });

    it('refuses such a line of a bulk extract, and takes the others', async () => {
      const good = crime({ recordedAt: '2024-05-01T10:00:00+01:00' });
      const ndjson = [
        `{"command":"RecordCrime","body":{"crimeReference":"CR/\\u0000","forceCode":"01","offences":[{"offenceId":"o1","code":"105A"}]}}`,
        JSON.stringify({ command: 'RecordCrime', body: good }),
      ].join('\n');
      const response = await police.post('/cases/bulk').set('Content-Type', 'application/x-ndjson').send(ndjson).expect(200);
      expect(response.body.results.map((result: { status: number; errors?: Array<{ field: string }> }) => [result.status, result.errors?.map((error) => error.field)])).toEqual([
        [400, ['body.crimeReference']],
        [201, undefined],
      ]);
    });
  });

  describe('POST /cases/:caseId/flag applies a flag to a crime recorded without one', () => {
    it('records HateCrimeFlagApplied with its reason and the case carries the flag (201)', async () => {
      const caseId = await recordCrime();
      const response = await police
        .post(`/cases/${caseId}/flag`)
        .send({ hateCrime: raceAndReligion, reason: 'perceived_by_victim', appliedAt: '2024-05-06T10:00:00Z' })
        .expect(201);
      expect(response.body).toEqual({ caseId, version: 2, events: ['HateCrimeFlagApplied'], warnings: [] });
      const view = await caseView(caseId);
      expect(view.state.hateCrime).toEqual(raceAndReligion);
      expect(eventTypes(view)).toEqual(['CrimeRecorded', 'HateCrimeFlagApplied']);
      expect(view.events[1].data).toEqual({
        caseId,
        hateCrime: raceAndReligion,
        appliedAt: '2024-05-06T10:00:00Z',
        reason: 'perceived_by_victim',
      });
    });

    it('names every field of the wrong type or unknown value (400)', async () => {
      const caseId = await recordCrime();
      const wrongTypes = await police
        .post(`/cases/${caseId}/flag`)
        .send({ hateCrime: { strands: 'race', perceivedBy: ['victim'] }, reason: 42, appliedAt: 'yesterday' })
        .expect(400);
      expect(fields(wrongTypes.body)).toEqual(['appliedAt', 'hateCrime.strands', 'reason']);
      const unknownStrand = await police
        .post(`/cases/${caseId}/flag`)
        .send({ hateCrime: { strands: ['racism'], perceivedBy: ['neighbour'], religionTargetedGroup: 'atheist' }, reason: 'perceived_by_victim' })
        .expect(400);
      expect(fields(unknownStrand.body)).toEqual(['hateCrime.perceivedBy', 'hateCrime.religionTargetedGroup', 'hateCrime.strands']);
      const missing = await police.post(`/cases/${caseId}/flag`).send({ flag: raceOnly }).expect(400);
      expect(fields(missing.body)).toEqual(['flag', 'hateCrime', 'reason']);
      await police.post('/cases/not-a-case/flag').send({ hateCrime: raceOnly, reason: 'perceived_by_victim' }).expect(400);
      expect((await caseView(caseId)).version).toBe(1);
    });

    it('refuses a flagged case (409), a reason in words (400), a religion group without religion (422), an unknown case (404)', async () => {
      const flagged = await recordCrime({ hateCrime: raceOnly });
      const twice = await police.post(`/cases/${flagged}/flag`).send({ hateCrime: raceOnly, reason: 'perceived_by_victim' }).expect(409);
      expect(twice.body).toMatchObject({ statusCode: 409, code: 'flag_already_applied' });

      const unflagged = await recordCrime();
      for (const reason of ['Victim disclosed homophobic abuse later', '   ', 'unclassified']) {
        const typed = await police.post(`/cases/${unflagged}/flag`).send({ hateCrime: raceOnly, reason }).expect(400);
        expect(typed.body.errors).toEqual([{ field: 'reason', messages: [expect.stringMatching(/^reason must be one of perceived_by_victim, .*: a code, not text \(free text stays/)] }]);
      }
      const group = await police
        .post(`/cases/${unflagged}/flag`)
        .send({ hateCrime: { strands: ['race'], perceivedBy: ['victim'], religionTargetedGroup: 'antisemitic' }, reason: 'perceived_by_victim' })
        .expect(422);
      expect(group.body.code).toBe('religion_group_without_religion_strand');
      const unknown = await police.post(`/cases/${randomUUID()}/flag`).send({ hateCrime: raceOnly, reason: 'perceived_by_victim' }).expect(404);
      expect(unknown.body.code).toBe('case_not_found');
      expect((await caseView(unflagged)).version).toBe(1);
    });
  });

  describe('PUT /cases/:caseId/flag changes the flag', () => {
    it('records HateCrimeFlagChanged with the strands before, and a later referral carries the new flag (201)', async () => {
      const caseId = await recordCrime({ hateCrime: raceAndReligion });
      const response = await police
        .put(`/cases/${caseId}/flag`)
        .send({ hateCrime: raceOnly, reason: 'strands_reassessed', changedAt: '2024-05-08T10:00:00Z' })
        .expect(201);
      expect(response.body).toEqual({ caseId, version: 2, events: ['HateCrimeFlagChanged'], warnings: [] });
      await identifySuspect(caseId);
      const referral = await police.post(`/cases/${caseId}/referral`).send({ urn: '01/AB/4711/24', victimNeedsPassedOn: false }).expect(201);
      expect(referral.body).toEqual({ caseId, version: 4, events: ['CaseReferredToCps'], warnings: [] });
      const view = await caseView(caseId);
      expect(eventTypes(view)).toEqual(['CrimeRecorded', 'HateCrimeFlagChanged', 'SuspectIdentified', 'CaseReferredToCps']);
      expect(view.events[1].data).toMatchObject({ hateCrime: raceOnly, previousStrands: ['race', 'religion'], reason: 'strands_reassessed' });
      expect(view.events[3].data.hateCrime).toEqual(raceOnly);
      expect(view.state.hateCrime).toEqual(raceOnly);
    });

    it('names unknown perceivers and a missing reason (400)', async () => {
      const caseId = await recordCrime({ hateCrime: raceOnly });
      const response = await police.put(`/cases/${caseId}/flag`).send({ hateCrime: { strands: ['race', 'gender'], perceivedBy: [] } }).expect(400);
      expect(fields(response.body)).toEqual(['hateCrime.perceivedBy', 'hateCrime.strands', 'reason']);
    });

    it('refuses no flag or the same flag (409) and losing race and religion from an aggravated offence (422)', async () => {
      const unflagged = await recordCrime();
      const none = await police.put(`/cases/${unflagged}/flag`).send({ hateCrime: raceOnly, reason: 'recorded_in_error' }).expect(409);
      expect(none.body.code).toBe('no_flag_to_change');

      const aggravated = await recordCrime({ offences: [aggravatedOffence], hateCrime: raceAndReligion });
      const same = await police
        .put(`/cases/${aggravated}/flag`)
        .send({ hateCrime: { strands: ['religion', 'race'], perceivedBy: ['victim'], religionTargetedGroup: 'anti_muslim' }, reason: 'recorded_in_error' })
        .expect(409);
      expect(same.body.code).toBe('flag_unchanged');
      const lost = await police
        .put(`/cases/${aggravated}/flag`)
        .send({ hateCrime: { strands: ['disability'], perceivedBy: ['victim'] }, reason: 'recorded_in_error' })
        .expect(422);
      expect(lost.body.code).toBe('aggravated_offence_needs_race_or_religion_strand');
      const typed = await police.put(`/cases/${aggravated}/flag`).send({ hateCrime: raceOnly, reason: 'The abuse was about ethnicity, not faith' }).expect(400);
      expect(fields(typed.body)).toEqual(['reason']);
      expect((await caseView(aggravated)).version).toBe(1);
    });
  });

  describe('DELETE /cases/:caseId/flag removes the flag, with a reason or as dropped without one', () => {
    it('records HateCrimeFlagRemoved and a later referral carries no flag (201)', async () => {
      const caseId = await recordCrime({ hateCrime: raceOnly });
      const response = await police
        .delete(`/cases/${caseId}/flag`)
        .send({ reason: 'perception_withdrawn', removedAt: '2024-05-09T10:00:00Z' })
        .expect(201);
      expect(response.body).toEqual({ caseId, version: 2, events: ['HateCrimeFlagRemoved'], warnings: [] });
      await identifySuspect(caseId);
      const referral = await police.post(`/cases/${caseId}/referral`).send({ urn: '01/AB/4712/24', victimNeedsPassedOn: false }).expect(201);
      expect(referral.body.warnings).toEqual([]);
      const view = await caseView(caseId);
      expect(view.state.hateCrime).toBeUndefined();
      expect(view.state.flagRecord).toEqual({ holds: 'not_hate_crime', reason: 'perception_withdrawn' });
      expect(view.state).not.toHaveProperty('flagDroppedFrom');
      expect(view.events[1].data).toEqual({ caseId, removedAt: '2024-05-09T10:00:00Z', reason: 'perception_withdrawn' });
      expect(view.events[3].data).not.toHaveProperty('hateCrime');
    });

    it('records a removal without a reason as the flag dropped, warning removal_without_reason (lost before the referral); the referral warns again (201)', async () => {
      const caseId = await recordCrime({ hateCrime: raceOnly });
      const missing = await police.delete(`/cases/${caseId}/flag`).expect(201);
      expect(missing.body).toEqual({ caseId, version: 2, events: ['HateCrimeFlagRecorded'], warnings: [warning('removal_without_reason', 'lost', 'police_to_cps')] });
      const view = await caseView(caseId);
      expect(eventTypes(view)).toEqual(['CrimeRecorded', 'HateCrimeFlagRecorded']);
      expect(view.events[1].data).toEqual({ caseId, holds: 'not_hate_crime', recordedAt: expect.any(String) });
      expect(view.state).toMatchObject({ flagRecord: { holds: 'not_hate_crime' }, flagDroppedFrom: raceOnly });
      expect(view.state.hateCrime).toBeUndefined();

      await identifySuspect(caseId);
      const referral = await police.post(`/cases/${caseId}/referral`).send({ urn: '01/AB/4716/24', victimNeedsPassedOn: true }).expect(201);
      expect(referral.body).toEqual({ caseId, version: 4, events: ['CaseReferredToCps'], warnings: [warning('flag_dropped_before_referral', 'lost', 'police_to_cps')] });
      expect((await caseView(caseId)).events[3].data).not.toHaveProperty('hateCrime');

      const typed = await recordCrime({ hateCrime: raceOnly });
      const refused = await police.delete(`/cases/${typed}/flag`).send({ reason: 'Victim withdrew the allegation', removedAt: '2024-05-09T10:00:00Z' }).expect(400);
      expect(fields(refused.body)).toEqual(['reason']);
      expect((await caseView(typed)).version).toBe(1);
    });

    it('warns of a flag dropped without a reason after the referral with no audit finding (201)', async () => {
      const caseId = await recordCrime({ hateCrime: raceOnly });
      await identifySuspect(caseId);
      await police.post(`/cases/${caseId}/referral`).send({ urn: '01/AB/4717/24', victimNeedsPassedOn: true }).expect(201);
      const response = await police.delete(`/cases/${caseId}/flag`).send({}).expect(201);
      expect(response.body).toEqual({ caseId, version: 4, events: ['HateCrimeFlagRecorded'], warnings: [warning('removal_without_reason', null, null)] });
      expect(eventTypes(await caseView(caseId))).toEqual(['CrimeRecorded', 'SuspectIdentified', 'CaseReferredToCps', 'HateCrimeFlagRecorded']);
    });

    it('names a wrongly typed reason and unknown fields (400)', async () => {
      const caseId = await recordCrime({ hateCrime: raceOnly });
      const wrong = await police.delete(`/cases/${caseId}/flag`).send({ reason: ['withdrawn'], strands: ['race'] }).expect(400);
      expect(fields(wrong.body)).toEqual(['reason', 'strands']);
      expect((await caseView(caseId)).version).toBe(1);
    });

    it('unflags an aggravated offence with the warning aggravated_offence_unflagged (201), and refuses a case without flag (409)', async () => {
      const aggravated = await recordCrime({ offences: [aggravatedOffence], hateCrime: raceOnly });
      const unflagged = await police.delete(`/cases/${aggravated}/flag`).send({ reason: 'no_hostility_on_evidence' }).expect(201);
      expect(unflagged.body).toEqual({ caseId: aggravated, version: 2, events: ['HateCrimeFlagRemoved'], warnings: [warning('aggravated_offence_unflagged')] });
      const view = await caseView(aggravated);
      expect(eventTypes(view)).toEqual(['CrimeRecorded', 'HateCrimeFlagRemoved']);
      expect(view.state.hateCrime).toBeUndefined();

      const none = await police.delete(`/cases/${aggravated}/flag`).send({ reason: 'no_hostility_on_evidence' }).expect(409);
      expect(none.body.code).toBe('no_flag_to_remove');
      const never = await recordCrime();
      expect((await police.delete(`/cases/${never}/flag`).send({ reason: 'no_hostility_on_evidence' }).expect(409)).body.code).toBe('no_flag_to_remove');
      expect((await caseView(aggravated)).version).toBe(2);
      expect((await caseView(never)).version).toBe(1);
    });
  });

  describe('PUT /cases/:caseId/flag-record records the flag as the force holds it', () => {
    it('records each holding that differs from the case, and nothing for the record the case already holds (201)', async () => {
      const caseId = await recordCrime();
      const put = (body: object) => police.put(`/cases/${caseId}/flag-record`).send(body).expect(201);

      expect((await put({ holds: 'no_flag' })).body).toEqual({ caseId, version: 1, events: [], warnings: [] });
      const flagged = { holds: 'flagged', hateCrime: raceAndReligion, recordedAt: '2024-05-10T08:00:00Z' };
      expect((await put(flagged)).body).toEqual({ caseId, version: 2, events: ['HateCrimeFlagRecorded'], warnings: [] });
      expect((await put(flagged)).body).toEqual({ caseId, version: 2, events: [], warnings: [] });
      expect((await caseView(caseId)).state).toMatchObject({ hateCrime: raceAndReligion, flagRecord: { holds: 'flagged', hateCrime: raceAndReligion } });

      const reason = 'no_hostility_on_evidence';
      const notHateCrime = { holds: 'not_hate_crime', reason, recordedAt: '2024-05-11T08:00:00Z' };
      expect((await put(notHateCrime)).body).toEqual({ caseId, version: 3, events: ['HateCrimeFlagRecorded'], warnings: [] });
      expect((await put(notHateCrime)).body).toEqual({ caseId, version: 3, events: [], warnings: [] });
      expect((await put({ holds: 'no_flag', recordedAt: '2024-05-12T08:00:00Z' })).body).toEqual({ caseId, version: 4, events: ['HateCrimeFlagRecorded'], warnings: [] });

      const view = await caseView(caseId);
      expect(eventTypes(view)).toEqual(['CrimeRecorded', 'HateCrimeFlagRecorded', 'HateCrimeFlagRecorded', 'HateCrimeFlagRecorded']);
      expect(view.events.slice(1).map((event: { data: object }) => event.data)).toEqual([
        { caseId, holds: 'flagged', hateCrime: raceAndReligion, recordedAt: '2024-05-10T08:00:00Z' },
        { caseId, holds: 'not_hate_crime', reason, recordedAt: '2024-05-11T08:00:00Z' },
        { caseId, holds: 'no_flag', recordedAt: '2024-05-12T08:00:00Z' },
      ]);
      expect(view.state.flagRecord).toEqual({ holds: 'no_flag' });
      expect(view.state.hateCrime).toBeUndefined();
      expect(view.state).not.toHaveProperty('flagDroppedFrom');
    });

    it('records a flag dropped without a reason with the warning flag_dropped_without_reason, and a resent key answers the same warning', async () => {
      const caseId = await recordCrime({ hateCrime: raceOnly });
      const key = `flag-record-${caseId}`;
      const first = await police.put(`/cases/${caseId}/flag-record`).set('Idempotency-Key', key).send({ holds: 'not_hate_crime' }).expect(201);
      expect(first.body).toEqual({ caseId, version: 2, events: ['HateCrimeFlagRecorded'], warnings: [warning('flag_dropped_without_reason', 'lost', 'police_to_cps')] });
      const again = await police.put(`/cases/${caseId}/flag-record`).set('Idempotency-Key', key).send({ holds: 'not_hate_crime' }).expect(201);
      expect(again.body).toEqual(first.body);
      const view = await caseView(caseId);
      expect(eventTypes(view)).toEqual(['CrimeRecorded', 'HateCrimeFlagRecorded']);
      expect(view.state).toMatchObject({ flagRecord: { holds: 'not_hate_crime' }, flagDroppedFrom: raceOnly });
    });

    it('refuses a contradictory record with its rule (422), an unknown case (404), bad fields (400), and records nothing', async () => {
      const caseId = await recordCrime({ offences: [aggravatedOffence], hateCrime: raceOnly });
      const refused = async (body: object, code: string) => {
        const response = await police.put(`/cases/${caseId}/flag-record`).send(body).expect(422);
        expect(response.body.code).toBe(code);
      };
      await refused({ holds: 'flagged' }, 'flag_record_needs_flag');
      await refused({ holds: 'no_flag', hateCrime: raceOnly }, 'flag_record_holds_no_flag');
      await refused({ holds: 'not_hate_crime', hateCrime: raceOnly, reason: 'no_hostility_on_evidence' }, 'flag_record_holds_no_flag');
      await refused({ holds: 'flagged', hateCrime: raceOnly, reason: 'recorded_in_error' }, 'reason_only_when_not_hate_crime');
      await refused({ holds: 'no_flag', reason: 'no_hostility_on_evidence' }, 'reason_only_when_not_hate_crime');
      await refused({ holds: 'flagged', hateCrime: { strands: ['race'], perceivedBy: ['victim'], religionTargetedGroup: 'antisemitic' } }, 'religion_group_without_religion_strand');
      await refused({ holds: 'flagged', hateCrime: { strands: ['disability'], perceivedBy: ['victim'] } }, 'aggravated_offence_needs_race_or_religion_strand');
      const unknown = await police.put(`/cases/${randomUUID()}/flag-record`).send({ holds: 'no_flag' }).expect(404);
      expect(unknown.body.code).toBe('case_not_found');
      const bad = await police
        .put(`/cases/${caseId}/flag-record`)
        .send({ holds: 'maybe', hateCrime: { strands: ['racism'], perceivedBy: ['victim'] }, reason: 'A dispute about parking', recordedAt: '2024-05-10T08:00:00', flag: true })
        .expect(400);
      expect(fields(bad.body)).toEqual(['flag', 'hateCrime.strands', 'holds', 'reason', 'recordedAt']);
      const view = await caseView(caseId);
      expect(view.version).toBe(1);
      expect(view.state.flagRecord).toEqual({ holds: 'flagged', hateCrime: raceOnly });
    });

    it('takes RecordHateCrimeFlag lines in a bulk extract, answering each as the endpoint does', async () => {
      const caseId = await recordCrime();
      const line = (body: object, params: object = { caseId }, idempotencyKey?: string) =>
        JSON.stringify({ command: 'RecordHateCrimeFlag', params, body, ...(idempotencyKey ? { idempotencyKey } : {}) });
      const extract = [
        line({ holds: 'flagged', hateCrime: raceOnly, recordedAt: '2024-05-23T02:00:00Z' }),
        line({ holds: 'flagged', hateCrime: raceOnly, recordedAt: '2024-05-24T02:00:00Z' }),
        line({ holds: 'flagged' }),
        line({ holds: 'no_flag' }, { caseId }, `${caseId}:dropped`),
        line({ holds: 'no_flag' }, { caseId }, `${caseId}:dropped`),
        line({ holds: 'unknown' }),
        line({ holds: 'no_flag' }, {}),
      ].join('\n');
      const response = await police.post('/cases/bulk').set('Content-Type', 'application/x-ndjson').send(extract).expect(200);
      const summary = response.body.results.map((result: { line: number; status: number; code?: string; errors?: Array<{ field: string }>; response?: object }) => [
        result.line,
        result.status,
        result.code ?? result.errors?.map((error) => error.field).sort() ?? result.response,
      ]);
      const dropped = { caseId, version: 3, events: ['HateCrimeFlagRecorded'], warnings: [warning('flag_dropped_without_reason', 'lost', 'police_to_cps')] };
      expect(summary).toEqual([
        [1, 201, { caseId, version: 2, events: ['HateCrimeFlagRecorded'], warnings: [] }],
        [2, 201, { caseId, version: 2, events: [], warnings: [] }],
        [3, 422, 'flag_record_needs_flag'],
        [4, 201, dropped],
        [5, 201, dropped],
        [6, 400, ['body.holds']],
        [7, 400, ['params.caseId']],
      ]);
      expect(response.body).toMatchObject({ accepted: 4, rejected: 3 });
      const view = await caseView(caseId);
      expect(eventTypes(view)).toEqual(['CrimeRecorded', 'HateCrimeFlagRecorded', 'HateCrimeFlagRecorded']);
      expect(view.events[1].data).toEqual({ caseId, holds: 'flagged', hateCrime: raceOnly, recordedAt: '2024-05-23T02:00:00Z' });
      expect(view.state).toMatchObject({ flagRecord: { holds: 'no_flag' }, flagDroppedFrom: raceOnly });
    });
  });

  describe('POST /cases/:caseId/victim-needs records a needs assessment', () => {
    it('answers with a pseudonymous victim id, generated when not sent (201)', async () => {
      const caseId = await recordCrime({ hateCrime: raceOnly });
      const generated = await police.post(`/cases/${caseId}/victim-needs`).send(victimNeeds).expect(201);
      expect(generated.body).toEqual({ caseId, victimId: expect.stringMatching(/^[0-9a-f-]{36}$/), version: 2, events: ['VictimNeedsAssessed'], warnings: [] });
      const victimId = randomUUID();
      const given = await police
        .post(`/cases/${caseId}/victim-needs`)
        .send({ ...victimNeeds, victimId, needs: [], specialMeasuresWanted: [], assessedAt: '2024-05-04T15:00:00Z' })
        .expect(201);
      expect(given.body).toEqual({ caseId, victimId, version: 3, events: ['VictimNeedsAssessed'], warnings: [] });
      const view = await caseView(caseId);
      expect(view.state.victimIds).toEqual([generated.body.victimId, victimId]);
      expect(view.events[2].data).toEqual({
        caseId, victimId, assessedAt: '2024-05-04T15:00:00Z', riskLevel: 'high', needs: [], enhancedService: true, specialMeasuresWanted: [],
      });
    });

    it('names every bad field (400)', async () => {
      const caseId = await recordCrime();
      const response = await police
        .post(`/cases/${caseId}/victim-needs`)
        .send({ victimId: 'Jane Doe', riskLevel: 'extreme', needs: 'safeguarding', enhancedService: 'yes', specialMeasuresWanted: ['cctv'] })
        .expect(400);
      expect(fields(response.body)).toEqual(['enhancedService', 'needs', 'riskLevel', 'specialMeasuresWanted', 'victimId']);
    });

    it('records a hate crime victim assessed without the enhanced service with a warning (201), and refuses an unknown case (404)', async () => {
      const caseId = await recordCrime({ hateCrime: raceOnly });
      const victimId = randomUUID();
      const denied = await police.post(`/cases/${caseId}/victim-needs`).send({ ...victimNeeds, victimId, enhancedService: false }).expect(201);
      expect(denied.body).toEqual({ caseId, victimId, version: 2, events: ['VictimNeedsAssessed'], warnings: [warning('hate_crime_victim_without_enhanced_service')] });
      const view = await caseView(caseId);
      expect(view.state.victimIds).toEqual([victimId]);
      expect(view.events[1].data).toMatchObject({ victimId, enhancedService: false });
      const unflagged = await recordCrime();
      const standard = await police.post(`/cases/${unflagged}/victim-needs`).send({ ...victimNeeds, enhancedService: false }).expect(201);
      expect(standard.body.warnings).toEqual([]);
      const unknown = await police.post(`/cases/${randomUUID()}/victim-needs`).send(victimNeeds).expect(404);
      expect(unknown.body.code).toBe('case_not_found');
    });
  });

  describe('POST /cases/:caseId/outcome assigns the Home Office outcome', () => {
    it('assigns outcome 18 when no suspect was identified, and outcome 1 after a referral (201)', async () => {
      const undetected = await recordCrime();
      const noSuspect = await police.post(`/cases/${undetected}/outcome`).send({ outcomeCode: 18, assignedAt: '2024-06-01T10:00:00Z' }).expect(201);
      expect(noSuspect.body).toEqual({ caseId: undetected, outcomeCode: 18, version: 2, events: ['PoliceOutcomeAssigned'], warnings: [] });
      expect((await caseView(undetected)).events[1].data).toEqual({ caseId: undetected, outcomeCode: 18, assignedAt: '2024-06-01T10:00:00Z' });

      const charged = await recordCrime();
      await identifySuspect(charged);
      await police.post(`/cases/${charged}/referral`).send({ urn: '01/AB/4713/24', victimNeedsPassedOn: true }).expect(201);
      await police.post(`/cases/${charged}/outcome`).send({ outcomeCode: 1 }).expect(201);
      expect((await caseView(charged)).state).toMatchObject({ status: 'referred', outcomeCode: 1 });
    });

    it('refuses outcome 19, 0 and a code sent as text (400)', async () => {
      const caseId = await recordCrime();
      for (const outcomeCode of [19, 0, 23, '1', 1.5]) {
        const response = await police.post(`/cases/${caseId}/outcome`).send({ outcomeCode }).expect(400);
        expect(fields(response.body)).toEqual(['outcomeCode']);
      }
      expect((await caseView(caseId)).version).toBe(1);
    });

    it('refuses a charge before referral and "no suspect" with a suspect (422), and a second outcome (409)', async () => {
      const caseId = await recordCrime();
      await identifySuspect(caseId);
      const charge = await police.post(`/cases/${caseId}/outcome`).send({ outcomeCode: 1 }).expect(422);
      expect(charge.body.code).toBe('charge_needs_referral');
      const noSuspect = await police.post(`/cases/${caseId}/outcome`).send({ outcomeCode: 18 }).expect(422);
      expect(noSuspect.body.code).toBe('suspect_was_identified');
      await police.post(`/cases/${caseId}/outcome`).send({ outcomeCode: 15 }).expect(201);
      const second = await police.post(`/cases/${caseId}/outcome`).send({ outcomeCode: 16 }).expect(409);
      expect(second.body.code).toBe('outcome_already_assigned');
    });
  });

  describe('referral', () => {
    it('refuses a malformed URN with the field named (400) and a URN of another force (422)', async () => {
      const caseId = await recordCrime();
      await identifySuspect(caseId);
      const malformed = await police.post(`/cases/${caseId}/referral`).send({ urn: '01-AB-4714-24', victimNeedsPassedOn: 'no' }).expect(400);
      expect(fields(malformed.body)).toEqual(['urn', 'victimNeedsPassedOn']);
      const otherForce = await police.post(`/cases/${caseId}/referral`).send({ urn: '20/AB/4714/24', victimNeedsPassedOn: true }).expect(422);
      expect(otherForce.body.code).toBe('urn_force_mismatch');
      expect((await caseView(caseId)).version).toBe(2);
    });

    it("warns that victims' needs assessed on a flagged case are not passed on, and records the referral (201)", async () => {
      const caseId = await recordCrime({ hateCrime: raceOnly });
      await identifySuspect(caseId);
      await police.post(`/cases/${caseId}/victim-needs`).send(victimNeeds).expect(201);
      const referral = await police.post(`/cases/${caseId}/referral`).send({ urn: '01/AB/4718/24', victimNeedsPassedOn: false }).expect(201);
      expect(referral.body).toEqual({
        caseId,
        version: 4,
        events: ['CaseReferredToCps'],
        warnings: [warning('victim_needs_not_passed_on', 'victim_needs_not_passed_on', 'police_to_cps')],
      });
      const view = await caseView(caseId);
      expect(view.state.status).toBe('referred');
      expect(view.events[3].data).toMatchObject({ hateCrime: raceOnly, victimNeedsPassedOn: false });
    });
  });

  describe('Idempotency-Key', () => {
    it('answers every copy of a command sent at the same moment with the first answer, and records it once', async () => {
      const body = { crimeReference: `T/${randomUUID()}`, forceCode: '01', offences: [plainOffence] };
      const key = `concurrent-${randomUUID()}`;
      const answers = await Promise.all(Array.from({ length: 6 }, () => police.post('/cases').set('Idempotency-Key', key).send(body)));
      expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201, 201]);
      for (const answer of answers) expect(answer.body).toEqual(answers[0]!.body);
      expect((await caseView(answers[0]!.body.caseId)).version).toBe(1);
    });

    it('answers a resent command as the first time, appends nothing, and Kafka holds each event once', async () => {
      const crimeReference = `T/${randomUUID()}`;
      const key = (name: string) => `${crimeReference}:${name}`;
      const send = async (name: string, method: 'post' | 'put' | 'delete', path: string, body: object) => {
        const first = await police[method](path).set('Idempotency-Key', key(name)).send(body).expect(201);
        const again = await police[method](path).set('Idempotency-Key', key(name)).send(body).expect(201);
        expect(again.body).toEqual(first.body);
        return first.body;
      };

      const { caseId } = await send('record', 'post', '/cases', { crimeReference, forceCode: '01', offences: [plainOffence] });
      const suspect = await send('suspect', 'post', `/cases/${caseId}/suspects`, {});
      expect(suspect).toEqual({ caseId, suspectId: expect.stringMatching(/^[0-9a-f-]{36}$/), version: 2, events: ['SuspectIdentified'], warnings: [] });
      await send('apply', 'post', `/cases/${caseId}/flag`, { hateCrime: raceAndReligion, reason: 'perceived_by_victim' });
      await send('change', 'put', `/cases/${caseId}/flag`, { hateCrime: raceOnly, reason: 'strands_reassessed' });
      const victim = await send('victim', 'post', `/cases/${caseId}/victim-needs`, victimNeeds);
      expect(victim).toEqual({ caseId, victimId: expect.stringMatching(/^[0-9a-f-]{36}$/), version: 5, events: ['VictimNeedsAssessed'], warnings: [] });
      await send('referral', 'post', `/cases/${caseId}/referral`, { urn: '01/AB/4715/24', victimNeedsPassedOn: true });
      await send('outcome', 'post', `/cases/${caseId}/outcome`, { outcomeCode: 1 });
      const removed = await send('remove', 'delete', `/cases/${caseId}/flag`, { reason: 'no_hostility_on_evidence' });
      expect(removed).toEqual({ caseId, version: 8, events: ['HateCrimeFlagRemoved'], warnings: [] });

      const view = await caseView(caseId);
      expect(view.version).toBe(8);
      expect(view.state.suspectIds).toEqual([suspect.suspectId]);
      expect(view.state.victimIds).toEqual([victim.victimId]);

      // The same key with another body is another command: refused, nothing appended.
      const reused = await police
        .post(`/cases/${caseId}/suspects`)
        .set('Idempotency-Key', key('suspect'))
        .send({ suspectId: randomUUID() })
        .expect(409);
      expect(reused.body.code).toBe('idempotency_key_reused');
      const badKey = await police.post(`/cases/${caseId}/suspects`).set('Idempotency-Key', 'no spaces allowed').send({}).expect(400);
      expect(fields(badKey.body)).toEqual(['Idempotency-Key']);
      expect((await caseView(caseId)).version).toBe(8);

      // Once the relay has published every stored event, the topic holds exactly the store's events.
      const dataSource = app.get(DataSource);
      const stored = await pollUntil('the outbox relay to publish every stored event', async () => {
        const [row] = await dataSource.query(
          `SELECT count(*)::int AS total, count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished FROM police.events`,
        );
        return row.unpublished === 0 ? (row.total as number) : undefined;
      });
      const topic = configuredTopics().police;
      expect(await topicMessageCount(connection(), topic)).toBe(stored);

      const messages: ConsumedMessage[] = [];
      const consumer = new BatchConsumer({ ...connection(), groupId: `test-police-api-${randomUUID()}`, topics: [topic] });
      await consumer.start(async (batch) => void messages.push(...batch.messages));
      try {
        await pollUntil(`all ${stored} messages of the police topic`, async () => (messages.length >= stored ? true : undefined));
      } finally {
        await consumer.stop();
      }
      expect(messages).toHaveLength(stored);
      const mine = messages.filter((message) => message.key === caseId).map((message) => JSON.parse(message.value!));
      expect(mine.map((envelope) => [envelope.streamversion, envelope.type])).toEqual(
        [
          'CrimeRecorded',
          'SuspectIdentified',
          'HateCrimeFlagApplied',
          'HateCrimeFlagChanged',
          'VictimNeedsAssessed',
          'CaseReferredToCps',
          'PoliceOutcomeAssigned',
          'HateCrimeFlagRemoved',
        ].map((type, index) => [index + 1, `uk.gov.cjs.hatecrime.police.${type}`]),
      );
      expect(mine.every((envelope) => envelope.subject === caseId && envelope.source === '/agencies/police')).toBe(true);
      expect(mine[5].data).toMatchObject({ suspectIds: [suspect.suspectId], hateCrime: raceOnly });
    });
  });

  describe('POST /cases/bulk', () => {
    it('refuses an extract sent as JSON (415) rather than answering 200 with nothing done', async () => {
      const response = await police.post('/cases/bulk').send({ command: 'RecordCrime', body: {} }).expect(415);
      expect(response.body.message).toMatch(/application\/x-ndjson/);
    });

    it('answers every line of an extract and only the valid lines take effect', async () => {
      const existing = await recordCrime();
      const crimeReference = `T/${randomUUID()}`;
      const caseId = policeCaseId('01', crimeReference);
      const line = (command: string, body: object, params: object = { caseId }, idempotencyKey?: string) =>
        JSON.stringify({ command, params, body, ...(idempotencyKey ? { idempotencyKey } : {}) });
      const extract = [
        line('RecordCrime', { crimeReference, forceCode: '01', offences: [plainOffence], hateCrime: raceAndReligion }, {}),
        '{"command": "IdentifySuspect", "params": {',
        line('ArrestSuspect', {}),
        line('ApplyHateCrimeFlag', { hateCrime: { strands: ['racism'], perceivedBy: ['victim'] }, reason: 42 }),
        line('IdentifySuspect', {}, { caseId }, `${crimeReference}:suspect`),
        line('AssessVictimNeeds', { ...victimNeeds, enhancedService: false }),
        line('AssignPoliceOutcome', { outcomeCode: 18 }),
        line('ChangeHateCrimeFlag', { hateCrime: raceOnly, reason: 'strands_reassessed' }),
        line('RemoveHateCrimeFlag', { reason: 'no_hostility_on_evidence' }, { caseId: existing }),
        '',
        line('IdentifySuspect', {}, { caseId }, `${crimeReference}:suspect`),
        line('AssessVictimNeeds', victimNeeds),
        line('AssignPoliceOutcome', { outcomeCode: 15 }, { caseId: 'case-1' }),
        line('ApplyHateCrimeFlag', { hateCrime: raceOnly, reason: 'perceived_by_victim' }, { caseId: existing }),
      ].join('\n');

      const response = await police.post('/cases/bulk').set('Content-Type', 'application/x-ndjson').send(extract).expect(200);
      const summary = response.body.results.map((result: { line: number; status: number; code?: string; errors?: Array<{ field: string }> }) => [
        result.line,
        result.status,
        result.code ?? result.errors?.map((error) => error.field).sort() ?? null,
      ]);
      expect(summary).toEqual([
        [1, 201, null],
        [2, 400, null],
        [3, 400, ['command']],
        [4, 400, ['body.hateCrime.strands', 'body.reason']],
        [5, 201, null],
        [6, 201, null],
        [7, 422, 'suspect_was_identified'],
        [8, 201, null],
        [9, 409, 'no_flag_to_remove'],
        [11, 201, null],
        [12, 201, null],
        [13, 400, ['params.caseId']],
        [14, 201, null],
      ]);
      expect(response.body).toMatchObject({ accepted: 7, rejected: 6 });
      expect(response.body.results[1].message).toMatch(/^line is not JSON/);
      const [suspectLine, resentLine] = [response.body.results[4], response.body.results[9]];
      expect(resentLine.response).toEqual(suspectLine.response);
      expect(suspectLine.response).toEqual({ caseId, suspectId: expect.any(String), version: 2, events: ['SuspectIdentified'], warnings: [] });
      expect(response.body.results[5].response).toEqual({
        caseId,
        victimId: expect.any(String),
        version: 3,
        events: ['VictimNeedsAssessed'],
        warnings: [warning('hate_crime_victim_without_enhanced_service')],
      });
      expect(response.body.results[10].response).toMatchObject({ version: 5, events: ['VictimNeedsAssessed'], warnings: [] });

      const view = await caseView(caseId);
      expect(eventTypes(view)).toEqual(['CrimeRecorded', 'SuspectIdentified', 'VictimNeedsAssessed', 'HateCrimeFlagChanged', 'VictimNeedsAssessed']);
      expect(view.events[2].data).toMatchObject({ victimId: response.body.results[5].response.victimId, enhancedService: false });
      expect(view.state).toMatchObject({ hateCrime: raceOnly, suspectIds: [suspectLine.response.suspectId] });
      expect(view.state).not.toHaveProperty('outcomeCode');
      const other = await caseView(existing);
      expect(eventTypes(other)).toEqual(['CrimeRecorded', 'HateCrimeFlagApplied']);
      expect(other.state.hateCrime).toEqual(raceOnly);
    });
  });
});
