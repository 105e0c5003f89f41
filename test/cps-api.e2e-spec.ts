import { randomUUID } from 'node:crypto';
import type { HateCrimeFlag, Offence } from '@hc/contracts';
import { policeCaseId } from '../services/police/src/cases/case-id';
import { pollUntil, startPipeline, type Pipeline } from './support/pipeline';

type Envelope = { id: string; type: string; causationid: string; data: Record<string, unknown> };

/**
 * The CPS API as a CPS case management system uses it, on cases the police referred through
 * Kafka: the CPS review of the flag travels with the charge to the court, and the court's verdict
 * completes the CPS prosecution without anybody keying it in.
 */
describe('the CPS API', () => {
  let pipeline: Pipeline;

  const raceAndReligion: HateCrimeFlag = { strands: ['race', 'religion'], perceivedBy: ['victim'], religionTargetedGroup: 'antisemitic' };
  const assault: Offence = { offenceId: 'o1', code: '105A' };
  const aggravatedAssault: Offence = {
    offenceId: 'o2',
    code: '8/1',
    aggravatedUnder: 'CDA1998_s29',
  };

  interface ReferredCase {
    readonly caseId: string;
    readonly defendantIds: readonly string[];
  }

  /** Records, identifies and refers a case through the police API, and waits for the CPS to receive it from Kafka. */
  async function referredCase(options: { hateCrime?: HateCrimeFlag; offences?: Offence[]; defendants?: number } = {}): Promise<ReferredCase> {
    const crimeReference = `CPS/${randomUUID()}`;
    const caseId = policeCaseId('01', crimeReference);
    await pipeline.police
      .post('/cases')
      .send({
        crimeReference,
        forceCode: '01',
        recordedAt: '2024-05-01T22:15:00Z',
        offences: options.offences ?? [assault],
        ...(options.hateCrime ? { hateCrime: options.hateCrime } : {}),
      })
      .expect(201);
    const defendantIds: string[] = [];
    for (let i = 0; i < (options.defendants ?? 1); i++) {
      const suspectId = randomUUID();
      await pipeline.police.post(`/cases/${caseId}/suspects`).send({ suspectId }).expect(201);
      defendantIds.push(suspectId);
    }
    const urn = `01/KD/${Math.floor(Math.random() * 9_999_999)}/24`;
    await pipeline.police.post(`/cases/${caseId}/referral`).send({ urn, victimNeedsPassedOn: true }).expect(201);
    await pollUntil(`the CPS to receive case ${caseId}`, async () => ((await pipeline.cps.get(`/cases/${caseId}`)).status === 200 ? true : undefined));
    return { caseId, defendantIds };
  }

  const cpsCase = async (caseId: string) => (await pipeline.cps.get(`/cases/${caseId}`).expect(200)).body;
  const eventsOf = (body: { events: Envelope[] }, type: string) => body.events.filter((event) => event.type.endsWith(`.${type}`));
  const eventTypes = (body: { events: Envelope[] }) => body.events.map((event) => event.type.split('.').pop());
  const fields = (body: { errors: Array<{ field: string }> }) => body.errors.map((error) => error.field).sort();
  /** A warning of a command's answer: its rule, the audit finding and boundary it names, and what to do. */
  const warning = (code: string, finding: string | null = null, boundary: string | null = null) => ({
    code,
    finding,
    boundary,
    message: expect.stringMatching(/\w/),
    remedy: expect.stringMatching(/\w/),
  });

  /** Waits for the court to open its case for the charged defendant, and answers the court's view. */
  async function courtCaseFor(caseId: string, defendantId: string) {
    return pollUntil(`the court to receive defendant ${defendantId}`, async () => {
      const response = await pipeline.courts.get(`/cases/${caseId}`);
      if (response.status !== 200) return undefined;
      const received = eventsOf(response.body, 'CaseReceivedFromCps').find((event) => event.data.defendantId === defendantId);
      return received ? { body: response.body, received } : undefined;
    });
  }

  const charge = (caseId: string, defendantId: string, charges: Offence[] = [assault]) =>
    pipeline.cps.post(`/cases/${caseId}/defendants/${defendantId}/pre-charge-decision`).send({ decision: 'charge', charges });

  beforeAll(async () => {
    pipeline = await startPipeline();
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  describe('POST /cases/:caseId/flag/confirmation', () => {
    it('keeps the flag with the strands the CPS confirmed, warning that they differ from the police, and the charge carries them to the court', async () => {
      const { caseId, defendantIds } = await referredCase({ hateCrime: raceAndReligion });
      const confirmed = await pipeline.cps
        .post(`/cases/${caseId}/flag/confirmation`)
        .send({ hateCrime: { strands: ['race'], perceivedBy: ['victim', 'officer'] }, confirmedAt: '2024-05-20T10:00:00Z' })
        .expect(201);
      expect(confirmed.body).toEqual({
        caseId,
        version: 2,
        events: ['HateCrimeFlagConfirmed'],
        warnings: [warning('strands_differ_from_police', 'strands_changed', 'police_to_cps')],
      });

      const cps = await cpsCase(caseId);
      expect(cps.state.hateCrime).toEqual({ strands: ['race'], perceivedBy: ['victim', 'officer'] });
      expect(cps.state.referredFlag).toEqual(raceAndReligion);
      expect(cps.state.flagRecord).toEqual({ holds: 'flagged', hateCrime: { strands: ['race'], perceivedBy: ['victim', 'officer'] } });
      expect(eventsOf(cps, 'HateCrimeFlagConfirmed')[0]!.data).toEqual({
        caseId,
        hateCrime: { strands: ['race'], perceivedBy: ['victim', 'officer'] },
        confirmedAt: '2024-05-20T10:00:00Z',
      });

      const charged = await charge(caseId, defendantIds[0]!).expect(201);
      expect(charged.body).toEqual({ caseId, defendantId: defendantIds[0], version: 3, events: ['PreChargeDecisionMade'], warnings: [] });
      const court = await courtCaseFor(caseId, defendantIds[0]!);
      expect(court.received.data.hateCrime).toEqual({ strands: ['race'], perceivedBy: ['victim', 'officer'] });
    });

    it('keeps the flag exactly as received when the body names no flag', async () => {
      const { caseId } = await referredCase({ hateCrime: raceAndReligion });
      const confirmed = await pipeline.cps.post(`/cases/${caseId}/flag/confirmation`).send({}).expect(201);
      expect(confirmed.body).toEqual({ caseId, version: 2, events: ['HateCrimeFlagConfirmed'], warnings: [] });
      expect(eventsOf(await cpsCase(caseId), 'HateCrimeFlagConfirmed')[0]!.data.hateCrime).toEqual(raceAndReligion);
    });

    it('names the bad field of a flag (400), refuses a case that is not flagged (422) and a case never referred (404)', async () => {
      const { caseId } = await referredCase();
      const bad = await pipeline.cps
        .post(`/cases/${caseId}/flag/confirmation`)
        .send({ hateCrime: { strands: ['racism'], perceivedBy: ['victim'] } })
        .expect(400);
      expect(bad.body.errors.map((error: { field: string }) => error.field)).toEqual(['hateCrime.strands']);
      expect((await pipeline.cps.post(`/cases/${caseId}/flag/confirmation`).send({}).expect(422)).body.code).toBe('no_flag_to_confirm');
      expect((await pipeline.cps.post(`/cases/${randomUUID()}/flag/confirmation`).send({}).expect(404)).body.code).toBe('no_referral');
      await pipeline.cps.post('/cases/not-a-uuid/flag/confirmation').send({}).expect(400);
    });

    it('refuses to drop race and religion while a racially aggravated offence is charged (422)', async () => {
      const { caseId, defendantIds } = await referredCase({ hateCrime: raceAndReligion, offences: [aggravatedAssault] });
      await charge(caseId, defendantIds[0]!, [aggravatedAssault]).expect(201);
      const refused = await pipeline.cps
        .post(`/cases/${caseId}/flag/confirmation`)
        .send({ hateCrime: { strands: ['disability'], perceivedBy: ['victim'] } })
        .expect(422);
      expect(refused.body.code).toBe('aggravated_offence_needs_race_or_religion_strand');
      const cps = await cpsCase(caseId);
      expect(eventTypes(cps)).toEqual(['CaseReceivedFromPolice', 'PreChargeDecisionMade']);
      expect(cps.state.hateCrime).toEqual(raceAndReligion);
    });
  });

  describe('POST /cases/:caseId/flag', () => {
    it('applies a flag the police did not, which then travels with the charge', async () => {
      const { caseId, defendantIds } = await referredCase();
      const applied = await pipeline.cps
        .post(`/cases/${caseId}/flag`)
        .send({ hateCrime: { strands: ['disability'], perceivedBy: ['victim'] }, reason: 'perceived_by_victim' })
        .expect(201);
      expect(applied.body).toEqual({ caseId, version: 2, events: ['HateCrimeFlagApplied'], warnings: [] });
      const event = eventsOf(await cpsCase(caseId), 'HateCrimeFlagApplied')[0]!;
      expect(event.data).toMatchObject({ hateCrime: { strands: ['disability'], perceivedBy: ['victim'] }, reason: 'perceived_by_victim' });

      await charge(caseId, defendantIds[0]!).expect(201);
      expect((await courtCaseFor(caseId, defendantIds[0]!)).received.data.hateCrime).toEqual({ strands: ['disability'], perceivedBy: ['victim'] });
    });

    it('refuses a flag on a flagged case (409), a reason in words and a missing reason (400)', async () => {
      const flagged = await referredCase({ hateCrime: raceAndReligion });
      const unflagged = await referredCase();
      const flag = { strands: ['transgender'], perceivedBy: ['witness'] };
      const conflict = await pipeline.cps.post(`/cases/${flagged.caseId}/flag`).send({ hateCrime: flag, reason: 'hostility_evidenced' }).expect(409);
      expect(conflict.body.code).toBe('flag_already_applied');
      const typed = await pipeline.cps.post(`/cases/${unflagged.caseId}/flag`).send({ hateCrime: flag, reason: 'Disclosed in the victim personal statement' }).expect(400);
      expect(typed.body.errors).toEqual([{ field: 'reason', messages: [expect.stringMatching(/^reason must be one of perceived_by_victim, .*: a code, not text \(free text stays in the agency's own system/)] }]);
      const missing = await pipeline.cps.post(`/cases/${unflagged.caseId}/flag`).send({ hateCrime: flag }).expect(400);
      expect(missing.body.errors.map((error: { field: string }) => error.field)).toEqual(['reason']);
      expect((await cpsCase(flagged.caseId)).version).toBe(1);
      expect((await cpsCase(unflagged.caseId)).version).toBe(1);
    });

    it('applies a flag after a reasoned removal, warning when its strands differ from the police referral', async () => {
      const { caseId } = await referredCase({ hateCrime: raceAndReligion });
      await pipeline.cps.delete(`/cases/${caseId}/flag`).send({ reason: 'no_hostility_on_evidence' }).expect(200);
      const flag = { strands: ['disability'], perceivedBy: ['victim'] };
      const applied = await pipeline.cps.post(`/cases/${caseId}/flag`).send({ hateCrime: flag, reason: 'perceived_by_victim' }).expect(201);
      expect(applied.body).toEqual({
        caseId,
        version: 3,
        events: ['HateCrimeFlagApplied'],
        warnings: [warning('strands_differ_from_police', 'strands_changed', 'police_to_cps')],
      });
      const cps = await cpsCase(caseId);
      expect(eventTypes(cps)).toEqual(['CaseReceivedFromPolice', 'HateCrimeFlagRemoved', 'HateCrimeFlagApplied']);
      expect(cps.state).toMatchObject({ hateCrime: flag, referredFlag: raceAndReligion, flagRecord: { holds: 'flagged', hateCrime: flag } });
    });
  });

  describe('DELETE /cases/:caseId/flag', () => {
    it('removes the flag with its reason, and the next charge reaches the court unflagged', async () => {
      const { caseId, defendantIds } = await referredCase({ hateCrime: raceAndReligion });
      const removed = await pipeline.cps.delete(`/cases/${caseId}/flag`).send({ reason: 'recorded_in_error' }).expect(200);
      expect(removed.body).toEqual({ caseId, version: 2, events: ['HateCrimeFlagRemoved'], warnings: [] });
      const cps = await cpsCase(caseId);
      expect(cps.state.hateCrime).toBeUndefined();
      expect(cps.state.flagReview).toMatchObject({ outcome: 'removed', reason: 'recorded_in_error' });
      expect(cps.state.flagRecord).toEqual({ holds: 'not_hate_crime', reason: 'recorded_in_error' });

      const charged = await charge(caseId, defendantIds[0]!).expect(201);
      expect(charged.body.warnings).toEqual([]);
      const court = await courtCaseFor(caseId, defendantIds[0]!);
      expect(court.received.data).not.toHaveProperty('hateCrime');
    });

    it('records a removal without a reason as the flag not held (warning flag_not_held), and a charge then warns charged_without_flag', async () => {
      const { caseId, defendantIds } = await referredCase({ hateCrime: raceAndReligion });
      const missing = await pipeline.cps.delete(`/cases/${caseId}/flag`).send({ removedAt: '2024-05-22T10:00:00Z' }).expect(200);
      expect(missing.body).toEqual({ caseId, version: 2, events: ['HateCrimeFlagRecorded'], warnings: [warning('flag_not_held', 'lost', 'police_to_cps')] });
      const cps = await cpsCase(caseId);
      expect(eventsOf(cps, 'HateCrimeFlagRecorded')[0]!.data).toEqual({ caseId, holds: 'not_hate_crime', recordedAt: '2024-05-22T10:00:00Z' });
      expect(cps.state.hateCrime).toBeUndefined();
      expect(cps.state).toMatchObject({ referredFlag: raceAndReligion, flagRecord: { holds: 'not_hate_crime' }, flagReview: { outcome: 'recorded' } });

      const charged = await charge(caseId, defendantIds[0]!).expect(201);
      expect(charged.body).toEqual({
        caseId,
        defendantId: defendantIds[0],
        version: 3,
        events: ['PreChargeDecisionMade'],
        warnings: [warning('charged_without_flag', 'lost', 'police_to_cps')],
      });
      expect(eventsOf(await cpsCase(caseId), 'PreChargeDecisionMade')[0]!.data).not.toHaveProperty('hateCrime');
      expect((await courtCaseFor(caseId, defendantIds[0]!)).received.data).not.toHaveProperty('hateCrime');

      const typed = await referredCase({ hateCrime: raceAndReligion });
      const refused = await pipeline.cps.delete(`/cases/${typed.caseId}/flag`).send({ reason: 'Wrongly flagged: a dispute about a debt' }).expect(400);
      expect(fields(refused.body)).toEqual(['reason']);
      expect(eventTypes(await cpsCase(typed.caseId))).toEqual(['CaseReceivedFromPolice']);
    });

    it('warns of an aggravated offence charged and left unflagged (201)', async () => {
      const { caseId, defendantIds } = await referredCase({ hateCrime: raceAndReligion, offences: [aggravatedAssault] });
      await charge(caseId, defendantIds[0]!, [aggravatedAssault]).expect(201);
      const removed = await pipeline.cps.delete(`/cases/${caseId}/flag`).send({ reason: 'no_hostility_on_evidence' }).expect(200);
      expect(removed.body).toEqual({ caseId, version: 3, events: ['HateCrimeFlagRemoved'], warnings: [warning('aggravated_offence_unflagged')] });
      expect((await cpsCase(caseId)).state.hateCrime).toBeUndefined();
    });

    it('names a wrongly typed reason (400), and refuses a case with no flag (422)', async () => {
      const { caseId } = await referredCase({ hateCrime: raceAndReligion });
      const wrong = await pipeline.cps.delete(`/cases/${caseId}/flag`).send({ reason: 42, strands: ['race'] }).expect(400);
      expect(fields(wrong.body)).toEqual(['reason', 'strands']);
      expect((await cpsCase(caseId)).version).toBe(1);
      await pipeline.cps.delete(`/cases/${caseId}/flag`).send({ reason: 'recorded_in_error' }).expect(200);
      expect((await pipeline.cps.delete(`/cases/${caseId}/flag`).send({ reason: 'no_hostility_on_evidence' }).expect(422)).body.code).toBe('no_flag_to_remove');
      expect((await pipeline.cps.delete(`/cases/${caseId}/flag`).send({}).expect(422)).body.code).toBe('no_flag_to_remove');
      expect((await cpsCase(caseId)).version).toBe(2);
    });
  });

  describe('PUT /cases/:caseId/flag-record: the flag as CPS case management holds it', () => {
    it('records each holding that differs from the case, nothing for the record it already holds, and a charge carries the flag recorded', async () => {
      const { caseId, defendantIds } = await referredCase();
      const put = (body: object) => pipeline.cps.put(`/cases/${caseId}/flag-record`).send(body).expect(201);
      const flag: HateCrimeFlag = { strands: ['sexual_orientation'], perceivedBy: ['victim', 'witness'] };

      expect((await put({ holds: 'no_flag' })).body).toEqual({ caseId, version: 1, events: [], warnings: [] });
      const flagged = { holds: 'flagged', hateCrime: flag, recordedAt: '2024-05-23T02:00:00Z' };
      expect((await put(flagged)).body).toEqual({ caseId, version: 2, events: ['HateCrimeFlagRecorded'], warnings: [] });
      expect((await put(flagged)).body).toEqual({ caseId, version: 2, events: [], warnings: [] });
      expect((await cpsCase(caseId)).state).toMatchObject({ hateCrime: flag, flagRecord: { holds: 'flagged', hateCrime: flag }, flagReview: { outcome: 'recorded' } });

      await charge(caseId, defendantIds[0]!).expect(201);
      expect((await courtCaseFor(caseId, defendantIds[0]!)).received.data.hateCrime).toEqual(flag);

      const reason = 'no_hostility_on_evidence';
      const notHateCrime = { holds: 'not_hate_crime', reason, recordedAt: '2024-05-24T02:00:00Z' };
      expect((await put(notHateCrime)).body).toEqual({ caseId, version: 4, events: ['HateCrimeFlagRecorded'], warnings: [] });
      expect((await put(notHateCrime)).body).toEqual({ caseId, version: 4, events: [], warnings: [] });
      expect((await put({ holds: 'no_flag', recordedAt: '2024-05-25T02:00:00Z' })).body).toEqual({ caseId, version: 5, events: ['HateCrimeFlagRecorded'], warnings: [] });

      const cps = await cpsCase(caseId);
      expect(eventsOf(cps, 'HateCrimeFlagRecorded').map((event) => event.data)).toEqual([
        { caseId, holds: 'flagged', hateCrime: flag, recordedAt: '2024-05-23T02:00:00Z' },
        { caseId, holds: 'not_hate_crime', reason, recordedAt: '2024-05-24T02:00:00Z' },
        { caseId, holds: 'no_flag', recordedAt: '2024-05-25T02:00:00Z' },
      ]);
      expect(cps.state.flagRecord).toEqual({ holds: 'no_flag' });
      expect(cps.state.hateCrime).toBeUndefined();
      expect(cps.state).not.toHaveProperty('referredFlag');
    });

    it('warns of a record that drops or changes the flag the police referred', async () => {
      const { caseId } = await referredCase({ hateCrime: raceAndReligion });
      const put = (body: object) => pipeline.cps.put(`/cases/${caseId}/flag-record`).send(body).expect(201);
      expect((await put({ holds: 'flagged', hateCrime: raceAndReligion })).body).toEqual({ caseId, version: 1, events: [], warnings: [] });
      const religion = { strands: ['religion'], perceivedBy: ['victim'], religionTargetedGroup: 'antisemitic' };
      expect((await put({ holds: 'flagged', hateCrime: religion })).body).toEqual({
        caseId,
        version: 2,
        events: ['HateCrimeFlagRecorded'],
        warnings: [warning('strands_differ_from_police', 'strands_changed', 'police_to_cps')],
      });
      expect((await put({ holds: 'no_flag' })).body).toEqual({ caseId, version: 3, events: ['HateCrimeFlagRecorded'], warnings: [warning('flag_not_held', 'lost', 'police_to_cps')] });
      expect((await put({ holds: 'not_hate_crime', reason: 'no_hostility_on_evidence' })).body).toEqual({ caseId, version: 4, events: ['HateCrimeFlagRecorded'], warnings: [] });
      const cps = await cpsCase(caseId);
      expect(eventTypes(cps)).toEqual(['CaseReceivedFromPolice', 'HateCrimeFlagRecorded', 'HateCrimeFlagRecorded', 'HateCrimeFlagRecorded']);
      expect(cps.state.flagRecord).toEqual({ holds: 'not_hate_crime', reason: 'no_hostility_on_evidence' });
    });

    it('refuses a contradictory record with its rule (422), a case never referred (404), bad fields (400), and records nothing', async () => {
      const { caseId, defendantIds } = await referredCase({ hateCrime: raceAndReligion, offences: [aggravatedAssault] });
      await charge(caseId, defendantIds[0]!, [aggravatedAssault]).expect(201);
      const refused = async (body: object, code: string) => {
        const response = await pipeline.cps.put(`/cases/${caseId}/flag-record`).send(body).expect(422);
        expect(response.body.code).toBe(code);
      };
      await refused({ holds: 'flagged' }, 'flag_record_needs_flag');
      await refused({ holds: 'no_flag', hateCrime: raceAndReligion }, 'flag_record_holds_no_flag');
      await refused({ holds: 'not_hate_crime', hateCrime: raceAndReligion }, 'flag_record_holds_no_flag');
      await refused({ holds: 'flagged', hateCrime: raceAndReligion, reason: 'recorded_in_error' }, 'reason_only_when_not_hate_crime');
      await refused({ holds: 'no_flag', reason: 'no_hostility_on_evidence' }, 'reason_only_when_not_hate_crime');
      await refused({ holds: 'flagged', hateCrime: { strands: ['race'], perceivedBy: ['victim'], religionTargetedGroup: 'antisemitic' } }, 'religion_group_without_religion_strand');
      await refused({ holds: 'flagged', hateCrime: { strands: ['disability'], perceivedBy: ['victim'] } }, 'aggravated_offence_needs_race_or_religion_strand');
      expect((await pipeline.cps.put(`/cases/${randomUUID()}/flag-record`).send({ holds: 'no_flag' }).expect(404)).body.code).toBe('no_referral');
      const bad = await pipeline.cps.put(`/cases/${caseId}/flag-record`).send({ holds: 'unflagged', reason: 7, recordedAt: '2024-05-23' }).expect(400);
      expect(fields(bad.body)).toEqual(['holds', 'reason', 'recordedAt']);
      const cps = await cpsCase(caseId);
      expect(cps.version).toBe(2);
      expect(cps.state.flagRecord).toEqual({ holds: 'flagged', hateCrime: raceAndReligion });
    });

    it('takes RecordHateCrimeFlag lines in a bulk extract, answering each as the endpoint does', async () => {
      const { caseId } = await referredCase({ hateCrime: raceAndReligion });
      const line = (body: object, params: object = { caseId }) => JSON.stringify({ command: 'RecordHateCrimeFlag', params, body });
      const ndjson = [
        line({ holds: 'flagged', hateCrime: raceAndReligion }),
        line({ holds: 'not_hate_crime', recordedAt: '2024-05-23T02:00:00Z' }),
        line({ holds: 'not_hate_crime', recordedAt: '2024-05-24T02:00:00Z' }),
        line({ holds: 'flagged', reason: 'other' }),
        line({ holds: 'no_flag' }, { caseId: 'x' }),
      ].join('\n');
      const response = await pipeline.cps.post('/cases/bulk').set('Content-Type', 'application/x-ndjson').send(ndjson).expect(200);
      const summary = response.body.results.map((result: { line: number; status: number; code?: string; errors?: Array<{ field: string }>; response?: object }) => [
        result.line,
        result.status,
        result.code ?? result.errors?.map((error) => error.field).sort() ?? result.response,
      ]);
      expect(summary).toEqual([
        [1, 201, { caseId, version: 1, events: [], warnings: [] }],
        [2, 201, { caseId, version: 2, events: ['HateCrimeFlagRecorded'], warnings: [warning('flag_not_held', 'lost', 'police_to_cps')] }],
        [3, 201, { caseId, version: 2, events: [], warnings: [] }],
        [4, 422, 'reason_only_when_not_hate_crime'],
        [5, 400, ['params.caseId']],
      ]);
      expect(response.body).toMatchObject({ accepted: 3, rejected: 2 });
      const cps = await cpsCase(caseId);
      expect(eventsOf(cps, 'HateCrimeFlagRecorded').map((event) => event.data)).toEqual([{ caseId, holds: 'not_hate_crime', recordedAt: '2024-05-23T02:00:00Z' }]);
      expect(cps.state.hateCrime).toBeUndefined();
    });
  });

  describe('POST /cases/:caseId/defendants/:defendantId/pre-charge-decision', () => {
    it('records a decision per defendant, a charge on review of a decision not to charge, and refuses any other second decision (409)', async () => {
      const { caseId, defendantIds } = await referredCase({ defendants: 2 });
      const path = `/cases/${caseId}/defendants/${defendantIds[1]}/pre-charge-decision`;
      const decided = await pipeline.cps.post(path).send({ decision: 'no_further_action_evidential' }).expect(201);
      expect(decided.body).toEqual({ caseId, defendantId: defendantIds[1], version: 2, events: ['PreChargeDecisionMade'], warnings: [] });
      expect((await pipeline.cps.post(path).send({ decision: 'out_of_court_disposal' }).expect(409)).body.code).toBe('decision_already_made');

      // The Victims' Right to Review: a decision not to charge may be reviewed and become a charge.
      const reviewed = await charge(caseId, defendantIds[1]!).expect(201);
      expect(reviewed.body).toEqual({ caseId, defendantId: defendantIds[1], version: 3, events: ['PreChargeDecisionMade'], warnings: [] });
      expect((await charge(caseId, defendantIds[1]!).expect(409)).body.code).toBe('decision_already_made');
      expect((await pipeline.cps.post(path).send({ decision: 'no_further_action_public_interest' }).expect(409)).body.code).toBe('decision_already_made');

      const cps = await cpsCase(caseId);
      expect(eventsOf(cps, 'PreChargeDecisionMade').map((event) => event.data.decision)).toEqual(['no_further_action_evidential', 'charge']);
      expect(cps.state.decisions).toEqual({ [defendantIds[0]!]: null, [defendantIds[1]!]: 'charge' });
      expect(cps.state.charges).toEqual({ [defendantIds[1]!]: [assault] });
      await courtCaseFor(caseId, defendantIds[1]!);
    });

    it('refuses an unknown defendant (404), a charge with no offence (422) and an unknown decision (400)', async () => {
      const { caseId, defendantIds } = await referredCase();
      expect((await charge(caseId, randomUUID()).expect(404)).body.code).toBe('unknown_defendant');
      expect((await charge(caseId, defendantIds[0]!, []).expect(422)).body.code).toBe('charge_needs_offence');
      const bad = await pipeline.cps
        .post(`/cases/${caseId}/defendants/${defendantIds[0]}/pre-charge-decision`)
        .send({ decision: 'prosecute' })
        .expect(400);
      expect(bad.body.errors.map((error: { field: string }) => error.field)).toEqual(['decision']);
      expect((await cpsCase(caseId)).version).toBe(1);
    });

    it('refuses a charge with its description (400 naming it: the code says what the offence is), and records nothing', async () => {
      const { caseId, defendantIds } = await referredCase();
      const described = { ...assault, description: 'Assault on Amira Haddad' } as Offence;
      const refused = await charge(caseId, defendantIds[0]!, [described]).expect(400);
      expect(refused.body.errors).toEqual([{ field: 'charges.0.description', messages: [expect.stringContaining('free text stays in the agency\'s own system; the pipeline carries codes only')] }]);
      expect((await cpsCase(caseId)).version).toBe(1);
    });

    it('charges an aggravated offence in an unflagged case with the warning aggravated_offence_unflagged (201)', async () => {
      const { caseId, defendantIds } = await referredCase({ offences: [aggravatedAssault] });
      const charged = await charge(caseId, defendantIds[0]!, [aggravatedAssault]).expect(201);
      expect(charged.body).toEqual({ caseId, defendantId: defendantIds[0], version: 2, events: ['PreChargeDecisionMade'], warnings: [warning('aggravated_offence_unflagged')] });
      const decision = eventsOf(await cpsCase(caseId), 'PreChargeDecisionMade')[0]!;
      expect(decision.data).toMatchObject({ decision: 'charge', charges: [aggravatedAssault] });
      expect(decision.data).not.toHaveProperty('hateCrime');
    });
  });

  describe('POST /cases/:caseId/special-measures', () => {
    it('applies for special measures once a defendant is charged, and refuses them before (422), twice (409) or malformed (400)', async () => {
      const { caseId, defendantIds } = await referredCase({ hateCrime: raceAndReligion });
      const victimId = randomUUID();
      const before = await pipeline.cps.post(`/cases/${caseId}/special-measures`).send({ victimId, measures: ['screens'] }).expect(422);
      expect(before.body.code).toBe('special_measures_need_charge');

      await charge(caseId, defendantIds[0]!).expect(201);
      const applied = await pipeline.cps
        .post(`/cases/${caseId}/special-measures`)
        .send({ victimId, measures: ['screens', 'live_link'], appliedAt: '2024-06-10T09:00:00Z' })
        .expect(201);
      expect(applied.body).toEqual({ caseId, victimId, version: 3, events: ['SpecialMeasuresAppliedFor'], warnings: [] });
      expect(eventsOf(await cpsCase(caseId), 'SpecialMeasuresAppliedFor')[0]!.data).toEqual({
        caseId,
        victimId,
        measures: ['screens', 'live_link'],
        appliedAt: '2024-06-10T09:00:00Z',
      });

      const twice = await pipeline.cps.post(`/cases/${caseId}/special-measures`).send({ victimId, measures: ['screens'] }).expect(409);
      expect(twice.body.code).toBe('special_measures_already_applied_for');
      const bad = await pipeline.cps.post(`/cases/${caseId}/special-measures`).send({ victimId: 'Jane Doe', measures: ['dog'] }).expect(400);
      expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['measures', 'victimId']);
    });
  });

  describe('POST /cases/:caseId/defendants/:defendantId/completion', () => {
    it('records a discontinuance, and refuses it twice (409), a court outcome (422), an uncharged defendant (422) and an unknown outcome (400)', async () => {
      const { caseId, defendantIds } = await referredCase({ defendants: 2 });
      await charge(caseId, defendantIds[0]!).expect(201);
      const path = (defendantId: string) => `/cases/${caseId}/defendants/${defendantId}/completion`;

      const fromCourt = await pipeline.cps.post(path(defendantIds[0]!)).send({ outcome: 'guilty_plea' }).expect(422);
      expect(fromCourt.body.code).toBe('outcome_comes_from_court');
      const completed = await pipeline.cps.post(path(defendantIds[0]!)).send({ outcome: 'discontinued', completedAt: '2024-07-01T12:00:00Z' }).expect(201);
      expect(completed.body).toEqual({ caseId, defendantId: defendantIds[0], version: 3, events: ['ProsecutionCompleted'], warnings: [] });
      expect(eventsOf(await cpsCase(caseId), 'ProsecutionCompleted')[0]!.data).toEqual({
        caseId,
        defendantId: defendantIds[0],
        outcome: 'discontinued',
        completedAt: '2024-07-01T12:00:00Z',
      });

      const twice = await pipeline.cps.post(path(defendantIds[0]!)).send({ outcome: 'administratively_finalised' }).expect(409);
      expect(twice.body.code).toBe('prosecution_already_completed');
      expect((await pipeline.cps.post(path(defendantIds[1]!)).send({ outcome: 'discontinued' }).expect(422)).body.code).toBe('not_charged');
      const bad = await pipeline.cps.post(path(defendantIds[1]!)).send({ outcome: 'won' }).expect(400);
      expect(bad.body.errors.map((error: { field: string }) => error.field)).toEqual(['outcome']);
    });
  });

  describe('court results', () => {
    it("completes the CPS prosecution as a guilty plea from the court's conviction, traced to the court event", async () => {
      const { caseId, defendantIds } = await referredCase({ hateCrime: raceAndReligion });
      const defendantId = defendantIds[0]!;
      await charge(caseId, defendantId).expect(201);
      await courtCaseFor(caseId, defendantId);
      await pipeline.courts
        .post(`/cases/${caseId}/defendants/${defendantId}/conviction`)
        .send({ basis: 'guilty_plea', courtType: 'magistrates', convictedAt: '2024-08-01T11:00:00Z' })
        .expect(201);

      const completion = await pollUntil('the CPS to complete the prosecution from the conviction', async () => {
        const cps = await cpsCase(caseId);
        return eventsOf(cps, 'ProsecutionCompleted')[0];
      });
      const court = (await pipeline.courts.get(`/cases/${caseId}`).expect(200)).body;
      const conviction = eventsOf(court, 'DefendantConvicted')[0]!;
      expect(completion.data).toEqual({
        caseId,
        defendantId,
        outcome: 'guilty_plea',
        completedAt: '2024-08-01T11:00:00Z',
        courtEventId: conviction.id,
      });
      expect(completion.causationid).toBe(conviction.id);
      expect((await cpsCase(caseId)).state.prosecutions[defendantId]).toEqual({
        outcome: 'guilty_plea',
        completedAt: '2024-08-01T11:00:00Z',
        courtEventId: conviction.id,
      });
    });

    it("completes the CPS prosecution as dismissed from the court's dismissal", async () => {
      const { caseId, defendantIds } = await referredCase();
      const defendantId = defendantIds[0]!;
      await charge(caseId, defendantId).expect(201);
      await courtCaseFor(caseId, defendantId);
      await pipeline.courts
        .post(`/cases/${caseId}/defendants/${defendantId}/acquittal`)
        .send({ basis: 'dismissed', courtType: 'magistrates', acquittedAt: '2024-08-02T15:00:00Z' })
        .expect(201);

      const completion = await pollUntil('the CPS to complete the prosecution from the dismissal', async () =>
        eventsOf(await cpsCase(caseId), 'ProsecutionCompleted')[0],
      );
      const acquittal = eventsOf((await pipeline.courts.get(`/cases/${caseId}`).expect(200)).body, 'DefendantAcquitted')[0]!;
      expect(completion.data).toEqual({ caseId, defendantId, outcome: 'dismissed', completedAt: '2024-08-02T15:00:00Z', courtEventId: acquittal.id });
    });
  });

  describe('Idempotency-Key', () => {
    it('answers a resent command with the first answer, its warning included, and appends nothing; the same key with another body is refused (409)', async () => {
      const { caseId } = await referredCase({ hateCrime: raceAndReligion });
      const key = `cms-${randomUUID()}`;
      const body = { hateCrime: { strands: ['religion'], perceivedBy: ['victim'], religionTargetedGroup: 'antisemitic' } };
      const first = await pipeline.cps.post(`/cases/${caseId}/flag/confirmation`).set('Idempotency-Key', key).send(body).expect(201);
      const again = await pipeline.cps.post(`/cases/${caseId}/flag/confirmation`).set('Idempotency-Key', key).send(body).expect(201);
      expect(again.body).toEqual(first.body);
      expect(first.body).toEqual({
        caseId,
        version: 2,
        events: ['HateCrimeFlagConfirmed'],
        warnings: [warning('strands_differ_from_police', 'strands_changed', 'police_to_cps')],
      });
      const cps = await cpsCase(caseId);
      expect(cps.version).toBe(2);
      expect(eventsOf(cps, 'HateCrimeFlagConfirmed')).toHaveLength(1);

      const reused = await pipeline.cps
        .post(`/cases/${caseId}/flag/confirmation`)
        .set('Idempotency-Key', key)
        .send({ hateCrime: { strands: ['race'], perceivedBy: ['victim'] } })
        .expect(409);
      expect(reused.body.code).toBe('idempotency_key_reused');
    });
  });

  describe('POST /cases/bulk', () => {
    it('runs an NDJSON extract line by line and answers for each line', async () => {
      const { caseId, defendantIds } = await referredCase({ hateCrime: raceAndReligion, defendants: 2 });
      const [first, second] = defendantIds as [string, string];
      const victimId = randomUUID();
      const lines = [
        { command: 'ConfirmHateCrimeFlag', params: { caseId }, body: { hateCrime: { strands: ['race'], perceivedBy: ['victim'] } }, idempotencyKey: `bulk-${caseId}-1` },
        { command: 'MakePreChargeDecision', params: { caseId, defendantId: first }, body: { decision: 'charge', charges: [assault] } },
        { command: 'MakePreChargeDecision', params: { caseId, defendantId: second }, body: { decision: 'out_of_court_disposal' } },
        { command: 'ApplyForSpecialMeasures', params: { caseId }, body: { victimId, measures: ['intermediary'] } },
        { command: 'CompleteProsecution', params: { caseId, defendantId: first }, body: { outcome: 'conviction_after_trial' } },
        { command: 'CompleteProsecution', params: { caseId, defendantId: second }, body: { outcome: 'discontinued' } },
        { command: 'RemoveHateCrimeFlag', params: { caseId }, body: {} },
        { command: 'CompleteProsecution', params: { caseId: 'x' }, body: { outcome: 'discontinued' } },
        { command: 'ReceiveCaseFromPolice', params: {}, body: {} },
      ];
      const ndjson = [...lines.slice(0, 4).map((line) => JSON.stringify(line)), '{not json', ...lines.slice(4).map((line) => JSON.stringify(line))].join('\n');
      const response = await pipeline.cps.post('/cases/bulk').set('Content-Type', 'application/x-ndjson').send(ndjson).expect(200);

      expect(response.body.accepted).toBe(5);
      expect(response.body.rejected).toBe(5);
      const summary = response.body.results.map((result: { line: number; status: number; code?: string; errors?: Array<{ field: string }> }) => ({
        line: result.line,
        status: result.status,
        ...(result.code ? { code: result.code } : {}),
        ...(result.errors ? { fields: result.errors.map((error) => error.field) } : {}),
      }));
      expect(summary).toEqual([
        { line: 1, status: 201 },
        { line: 2, status: 201 },
        { line: 3, status: 201 },
        { line: 4, status: 201 },
        { line: 5, status: 400 },
        { line: 6, status: 422, code: 'outcome_comes_from_court' },
        { line: 7, status: 422, code: 'not_charged' },
        { line: 8, status: 201 },
        { line: 9, status: 400, fields: ['params.caseId', 'params.defendantId'] },
        { line: 10, status: 400, fields: ['command'] },
      ]);
      expect(response.body.results[0].response).toEqual({
        caseId,
        version: 2,
        events: ['HateCrimeFlagConfirmed'],
        warnings: [warning('strands_differ_from_police', 'strands_changed', 'police_to_cps')],
      });
      expect(response.body.results[1].response).toEqual({ caseId, defendantId: first, version: 3, events: ['PreChargeDecisionMade'], warnings: [] });
      // A removal without a reason: the flag is recorded as not held, which the audit counts as lost.
      expect(response.body.results[7].response).toEqual({ caseId, version: 6, events: ['HateCrimeFlagRecorded'], warnings: [warning('flag_not_held', 'lost', 'police_to_cps')] });

      const cps = await cpsCase(caseId);
      expect(cps.version).toBe(6);
      expect(cps.state.hateCrime).toBeUndefined();
      expect(cps.state.flagRecord).toEqual({ holds: 'not_hate_crime' });
      expect(cps.state.decisions).toEqual({ [first]: 'charge', [second]: 'out_of_court_disposal' });
      expect(eventsOf(cps, 'PreChargeDecisionMade')[0]!.data.hateCrime).toEqual({ strands: ['race'], perceivedBy: ['victim'] });
    });
  });
});
