import { randomUUID } from 'node:crypto';
import { configuredTopics, environment } from '@hc/config';
import type { EventEnvelope, Offence, UpliftDecision } from '@hc/contracts';
import { BatchConsumer, parseBrokers } from '@hc/kafka';
import { pollUntil, startPipeline, type Pipeline } from './support/pipeline';

/**
 * The courts' agency API on the real broker and database: a defendant is charged through the
 * police and CPS APIs, reaches the court through Kafka, and is then listed, sent to the Crown
 * Court, pleads, is convicted or acquitted, sentenced offence by offence, and the victim told.
 */
describe('the courts API', () => {
  let pipeline: Pipeline;
  let courtsTopic: BatchConsumer;
  /** Every envelope the courts published, as read back from the courts topic. */
  const published: EventEnvelope[] = [];

  const racialHarassment: Offence = {
    offenceId: 'o1',
    code: '8L',
    aggravatedUnder: 'CDA1998_s31',
  };
  const commonAssault: Offence = { offenceId: 'o2', code: '105A' };
  const s66 = (overrides: Partial<UpliftDecision> = {}): UpliftDecision => ({
    applied: true,
    provision: 'SA2020_s66',
    statedInOpenCourt: true,
    strandsRecognised: ['race'],
    ...overrides,
  });
  const notApplied = (provision: UpliftDecision['provision'] = 'SA2020_s66'): UpliftDecision => ({
    applied: false,
    provision,
    statedInOpenCourt: false,
    strandsRecognised: [],
    reasonNotApplied: 'hostility_not_proved',
  });
  const listing = { courtCode: 'B01LY00', hearingDate: '2025-04-07' };

  interface Defendant {
    readonly caseId: string;
    readonly defendantId: string;
    /** `/cases/{caseId}/defendants/{defendantId}` */
    readonly path: string;
  }

  /** A defendant the police recorded and referred and the CPS charged, once the court holds them. */
  async function chargedDefendant(flagged: boolean): Promise<Defendant> {
    const offences = flagged ? [racialHarassment, commonAssault] : [commonAssault];
    const recorded = await pipeline.police
      .post('/cases')
      .send({ crimeReference: `CT/${randomUUID()}`, forceCode: '01', offences, ...(flagged ? { hateCrime: { strands: ['race'], perceivedBy: ['victim'] } } : {}) })
      .expect(201);
    const caseId: string = recorded.body.caseId;
    const suspect = await pipeline.police.post(`/cases/${caseId}/suspects`).send({}).expect(201);
    const defendantId: string = suspect.body.suspectId;
    const serial = 1 + Math.floor(Math.random() * 9_999_998);
    await pipeline.police.post(`/cases/${caseId}/referral`).send({ urn: `01/KD/${serial}/25`, victimNeedsPassedOn: true }).expect(201);
    await pollUntil(`the CPS to receive case ${caseId}`, async () => ((await pipeline.cps.get(`/cases/${caseId}`)).status === 200 ? true : undefined));
    await pipeline.cps
      .post(`/cases/${caseId}/defendants/${defendantId}/pre-charge-decision`)
      .send({ decision: 'charge', charges: offences })
      .expect(201);
    await pollUntil(`the court to receive defendant ${defendantId}`, async () => {
      const court = await pipeline.courts.get(`/cases/${caseId}`);
      return court.status === 200 && defendantId in court.body.state.defendants ? true : undefined;
    });
    return { caseId, defendantId, path: `/cases/${caseId}/defendants/${defendantId}` };
  }

  const flaggedPool: Defendant[] = [];
  const unflaggedPool: Defendant[] = [];
  const take = (flagged = true): Defendant => {
    const defendant = (flagged ? flaggedPool : unflaggedPool).shift();
    if (!defendant) throw new Error('the pool of charged defendants is empty: charge more in beforeAll');
    return defendant;
  };

  const post = (path: string, body: object, idempotencyKey?: string) => {
    const request = pipeline.courts.post(path);
    return (idempotencyKey ? request.set('Idempotency-Key', idempotencyKey) : request).send(body);
  };
  const expectRule = async (path: string, body: object, status: number, code: string) => {
    const response = await post(path, body);
    expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
  };
  const expectFields = async (path: string, body: object, fields: string[]) => {
    const response = await post(path, body).expect(400);
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(fields);
  };
  const view = async (caseId: string) => (await pipeline.courts.get(`/cases/${caseId}`).expect(200)).body;
  const eventTypes = (events: readonly EventEnvelope[]) => events.map((event) => event.type.split('.').pop());
  /** The answer to an accepted command on a defendant. */
  const answer = (defendant: Defendant, version: number, events: string[], warnings: object[] = []) => ({
    caseId: defendant.caseId,
    defendantId: defendant.defendantId,
    version,
    events,
    warnings,
  });
  /** A warning of a command's answer: its rule, the audit finding and boundary it names, and what to do. */
  const warning = (code: string, finding: string | null = null, boundary: string | null = null) => ({
    code,
    finding,
    boundary,
    message: expect.stringMatching(/\w/),
    remedy: expect.stringMatching(/\w/),
  });

  /** Waits until every event of the case reached the courts topic, and answers what the topic holds for it. */
  async function publishedFor(caseId: string): Promise<EventEnvelope[]> {
    const stored: EventEnvelope[] = (await view(caseId)).events;
    return pollUntil(`the ${stored.length} court events of case ${caseId} on the courts topic`, async () => {
      const mine = published.filter((envelope) => envelope.subject === caseId);
      return stored.every((event) => mine.some((envelope) => envelope.id === event.id)) ? mine : undefined;
    });
  }

  beforeAll(async () => {
    pipeline = await startPipeline();
    courtsTopic = new BatchConsumer({
      brokers: parseBrokers(environment().KAFKA_BROKERS),
      clientId: 'hatecrime-tests',
      groupId: `courts-api-test-${randomUUID()}`,
      topics: [configuredTopics().courts],
    });
    await courtsTopic.start(async (batch) => {
      for (const message of batch.messages) if (message.value) published.push(JSON.parse(message.value) as EventEnvelope);
    });
    const [flagged, unflagged] = await Promise.all([
      Promise.all(Array.from({ length: 24 }, () => chargedDefendant(true))),
      Promise.all(Array.from({ length: 3 }, () => chargedDefendant(false))),
    ]);
    flaggedPool.push(...flagged);
    unflaggedPool.push(...unflagged);
  });

  afterAll(async () => {
    await courtsTopic?.stop();
    await pipeline?.close();
  });

  describe("POST .../listing: the first hearing at a magistrates' court", () => {
    it('lists a defendant once, and refuses a second listing (409 already_listed)', async () => {
      const defendant = take();
      const listed = await post(`${defendant.path}/listing`, listing).expect(201);
      expect(listed.body).toEqual(answer(defendant, 2, ['CaseListed']));
      const [, event] = (await view(defendant.caseId)).events;
      expect(event.type).toBe('uk.gov.cjs.hatecrime.courts.CaseListed');
      expect(event.data).toEqual({ caseId: defendant.caseId, defendantId: defendant.defendantId, courtType: 'magistrates', ...listing, listedAt: expect.any(String) });
      await expectRule(`${defendant.path}/listing`, listing, 409, 'already_listed');
    });

    it('names every bad field (400): court code, impossible date, unknown field', async () => {
      await expectFields(`/cases/${randomUUID()}/defendants/${randomUUID()}/listing`, { courtCode: 'b01', hearingDate: '2025-02-30', court: 'Bromley' }, [
        'court',
        'courtCode',
        'hearingDate',
      ]);
    });

    it('refuses a defendant the CPS has not charged, on a known or an unknown case (404 defendant_not_before_court)', async () => {
      const known = flaggedPool[0]!;
      await expectRule(`/cases/${known.caseId}/defendants/${randomUUID()}/listing`, listing, 404, 'defendant_not_before_court');
      await expectRule(`/cases/${randomUUID()}/defendants/${randomUUID()}/listing`, listing, 404, 'defendant_not_before_court');
    });

    it('refuses a path id that is not a UUID (400)', async () => {
      await post(`/cases/not-a-uuid/defendants/${randomUUID()}/listing`, listing).expect(400);
    });
  });

  describe('POST .../crown-court: sending a defendant to the Crown Court', () => {
    it('sends a listed defendant, and only once (409); an unlisted one with the warning not_listed', async () => {
      const unlisted = take();
      const warned = await post(`${unlisted.path}/crown-court`, { crownCourtCode: 'T20257001' }).expect(201);
      expect(warned.body).toEqual(answer(unlisted, 2, ['DefendantSentToCrownCourt'], [warning('not_listed')]));
      expect((await view(unlisted.caseId)).state.defendants[unlisted.defendantId]).toMatchObject({ sentToCrownCourt: { crownCourtCode: 'T20257001' } });

      const defendant = take();
      await post(`${defendant.path}/listing`, listing).expect(201);
      const sent = await post(`${defendant.path}/crown-court`, { crownCourtCode: 'T20257001' }).expect(201);
      expect(sent.body).toEqual(answer(defendant, 3, ['DefendantSentToCrownCourt']));
      await expectRule(`${defendant.path}/crown-court`, { crownCourtCode: 'T20257001' }, 409, 'already_sent_to_crown_court');
      expect((await view(defendant.caseId)).state.defendants[defendant.defendantId].sentToCrownCourt).toEqual({ crownCourtCode: 'T20257001' });
    });

    it('names a malformed court code and a bad time (400)', async () => {
      await expectFields(`/cases/${randomUUID()}/defendants/${randomUUID()}/crown-court`, { crownCourtCode: 'crown court', sentAt: 'today' }, [
        'crownCourtCode',
        'sentAt',
      ]);
    });
  });

  describe('POST .../plea', () => {
    it('takes the plea at the court that has the case, and a change of plea before a guilty plea conviction', async () => {
      const defendant = take();
      await post(`${defendant.path}/listing`, listing).expect(201);
      await expectRule(`${defendant.path}/plea`, { plea: 'not_guilty', courtType: 'crown' }, 422, 'wrong_court');
      await post(`${defendant.path}/plea`, { plea: 'not_guilty', courtType: 'magistrates' }).expect(201);
      await expectRule(`${defendant.path}/conviction`, { basis: 'guilty_plea', courtType: 'magistrates' }, 422, 'no_guilty_plea');
      await post(`${defendant.path}/plea`, { plea: 'guilty', courtType: 'magistrates' }).expect(201);
      await post(`${defendant.path}/conviction`, { basis: 'guilty_plea', courtType: 'magistrates' }).expect(201);
      await expectRule(`${defendant.path}/plea`, { plea: 'guilty', courtType: 'magistrates' }, 409, 'already_convicted');
      expect(eventTypes((await view(defendant.caseId)).events)).toEqual([
        'CaseReceivedFromCps',
        'CaseListed',
        'PleaEntered',
        'PleaEntered',
        'DefendantConvicted',
      ]);
    });

    it('names an unknown plea and court type (400)', async () => {
      await expectFields(`/cases/${randomUUID()}/defendants/${randomUUID()}/plea`, { plea: 'maybe', courtType: 'youth' }, ['courtType', 'plea']);
    });
  });

  describe('POST .../conviction', () => {
    it('convicts at the Crown Court only once the defendant was sent there, and only once', async () => {
      const defendant = take();
      await post(`${defendant.path}/listing`, listing).expect(201);
      const crownConviction = { basis: 'after_trial', courtType: 'crown', convictedAt: '2025-05-02T15:00:00Z' };
      await expectRule(`${defendant.path}/conviction`, crownConviction, 422, 'wrong_court');
      await post(`${defendant.path}/crown-court`, { crownCourtCode: 'T20257001' }).expect(201);
      const convicted = await post(`${defendant.path}/conviction`, crownConviction).expect(201);
      expect(convicted.body).toEqual(answer(defendant, 4, ['DefendantConvicted']));
      await expectRule(`${defendant.path}/conviction`, crownConviction, 409, 'already_convicted');
      await expectRule(`${defendant.path}/acquittal`, { basis: 'acquitted_after_trial', courtType: 'crown' }, 409, 'already_convicted');

      const cps = await pollUntil('the CPS to complete the prosecution from the conviction', async () => {
        const response = await pipeline.cps.get(`/cases/${defendant.caseId}`);
        const completed = response.body.events?.find((event: EventEnvelope) => event.type.endsWith('.ProsecutionCompleted'));
        return completed as EventEnvelope<string, { outcome: string; defendantId: string }> | undefined;
      });
      expect(cps.data).toMatchObject({ defendantId: defendant.defendantId, outcome: 'conviction_after_trial' });
    });

    it('names an unknown basis and a malformed time (400)', async () => {
      await expectFields(`/cases/${randomUUID()}/defendants/${randomUUID()}/conviction`, { basis: 'guilty', courtType: 'magistrates', convictedAt: 'yesterday' }, [
        'basis',
        'convictedAt',
      ]);
    });
  });

  describe('POST .../acquittal', () => {
    it('acquits once; an acquitted defendant cannot be convicted or sentenced (409 already_acquitted)', async () => {
      const defendant = take();
      await post(`${defendant.path}/listing`, listing).expect(201);
      await expectRule(`${defendant.path}/acquittal`, { basis: 'dismissed', courtType: 'crown' }, 422, 'wrong_court');
      const acquitted = await post(`${defendant.path}/acquittal`, { basis: 'dismissed', courtType: 'magistrates' }).expect(201);
      expect(acquitted.body).toEqual(answer(defendant, 3, ['DefendantAcquitted']));
      await expectRule(`${defendant.path}/acquittal`, { basis: 'dismissed', courtType: 'magistrates' }, 409, 'already_acquitted');
      await expectRule(`${defendant.path}/conviction`, { basis: 'after_trial', courtType: 'magistrates' }, 409, 'already_acquitted');
      await expectRule(
        `${defendant.path}/sentence`,
        { courtType: 'magistrates', offences: [{ offenceId: 'o1', sentenceType: 'fine', uplift: s66() }, { offenceId: 'o2', sentenceType: 'fine', uplift: s66() }] },
        409,
        'already_acquitted',
      );
      expect((await view(defendant.caseId)).version).toBe(3);
    });

    it('names an unknown basis (400)', async () => {
      await expectFields(`/cases/${randomUUID()}/defendants/${randomUUID()}/acquittal`, { basis: 'not_proven', courtType: 'magistrates' }, ['basis']);
    });
  });

  describe('POST .../sentence: one sentence and uplift decision per charged offence', () => {
    const bothOffences = (first: UpliftDecision | undefined, second: UpliftDecision | undefined) => ({
      courtType: 'magistrates',
      offences: [
        { offenceId: 'o1', sentenceType: 'suspended_sentence', ...(first ? { uplift: first } : {}) },
        { offenceId: 'o2', sentenceType: 'other', ...(second ? { uplift: second } : {}) },
      ],
    });

    it('refuses each sentence that cannot have happened with its rule, then records the sentence as a version 3 event (codes only)', async () => {
      const defendant = take();
      const sentencePath = `${defendant.path}/sentence`;
      await expectRule(sentencePath, bothOffences(s66(), notApplied()), 422, 'no_sentence_before_conviction');
      await post(`${defendant.path}/conviction`, { basis: 'guilty_plea', courtType: 'magistrates' }).expect(201);

      await expectRule(sentencePath, { ...bothOffences(s66(), notApplied()), courtType: 'crown' }, 422, 'wrong_court');
      await expectRule(sentencePath, { courtType: 'magistrates', offences: [{ offenceId: 'o9', sentenceType: 'fine', uplift: s66() }] }, 422, 'unknown_offence');
      await expectRule(sentencePath, bothOffences(s66({ provision: 'CJA2003_s145' }), notApplied()), 422, 'provision_not_in_force');
      expect((await view(defendant.caseId)).version).toBe(2);

      const sentenced = await post(sentencePath, bothOffences(s66({ strandsRecognised: ['race'] }), notApplied())).expect(201);
      expect(sentenced.body).toEqual(answer(defendant, 3, ['DefendantSentenced']));
      const body = await view(defendant.caseId);
      const event = body.events[2];
      expect(event).toMatchObject({ type: 'uk.gov.cjs.hatecrime.courts.DefendantSentenced', schemaversion: 3 });
      expect(event.data).toEqual({
        caseId: defendant.caseId,
        defendantId: defendant.defendantId,
        sentencedAt: expect.any(String),
        courtType: 'magistrates',
        offences: [
          { offenceId: 'o1', sentenceType: 'suspended_sentence', uplift: s66() },
          { offenceId: 'o2', sentenceType: 'other', uplift: notApplied() },
        ],
      });
      expect(body.state.defendants[defendant.defendantId].sentenced).toEqual({ upliftDecided: true, upliftApplied: true });
      await expectRule(sentencePath, bothOffences(s66(), notApplied()), 409, 'already_sentenced');
    });

    const withoutReason = { ...notApplied(), reasonNotApplied: undefined } as UpliftDecision;
    it.each([
      {
        rule: 'no_uplift_decision',
        body: bothOffences(undefined, undefined),
        warnings: [warning('no_uplift_decision', 'no_uplift_decision', 'conviction_to_sentence')],
        sentenced: { upliftDecided: false, upliftApplied: false },
      },
      {
        rule: 'offence_without_uplift_decision',
        body: bothOffences(s66(), undefined),
        warnings: [warning('offence_without_uplift_decision')],
        sentenced: { upliftDecided: true, upliftApplied: true },
      },
      {
        rule: 'offence_not_sentenced',
        body: { courtType: 'magistrates', offences: [{ offenceId: 'o1', sentenceType: 'fine', uplift: s66() }] },
        warnings: [warning('offence_not_sentenced')],
        sentenced: { upliftDecided: true, upliftApplied: true },
      },
      {
        rule: 'uplift_needs_strand',
        body: bothOffences(s66({ strandsRecognised: [] }), notApplied()),
        warnings: [warning('uplift_needs_strand')],
        sentenced: { upliftDecided: true, upliftApplied: true },
      },
      {
        rule: 'uplift_not_applied_needs_reason',
        body: bothOffences(s66(), withoutReason),
        warnings: [warning('uplift_not_applied_needs_reason')],
        sentenced: { upliftDecided: true, upliftApplied: true },
      },
    ])('records a flagged sentence that breaks $rule, with that warning, and stores it as sent (201)', async ({ body, warnings, sentenced }) => {
      const defendant = take();
      await post(`${defendant.path}/conviction`, { basis: 'guilty_plea', courtType: 'magistrates' }).expect(201);
      const response = await post(`${defendant.path}/sentence`, body).expect(201);
      expect(response.body).toEqual(answer(defendant, 3, ['DefendantSentenced'], warnings));
      const stored = await view(defendant.caseId);
      expect(eventTypes(stored.events)).toEqual(['CaseReceivedFromCps', 'DefendantConvicted', 'DefendantSentenced']);
      expect(stored.events[2].data.offences).toEqual(body.offences);
      expect(stored.state.defendants[defendant.defendantId].sentenced).toEqual(sentenced);
    });

    it('applies CJA 2003 s.145/s.146 to a conviction before 1 December 2020, each for its own strands', async () => {
      const defendant = take();
      await post(`${defendant.path}/conviction`, { basis: 'after_trial', courtType: 'magistrates', convictedAt: '2019-03-14T12:00:00Z' }).expect(201);
      await expectRule(`${defendant.path}/sentence`, bothOffences(s66(), notApplied('CJA2003_s145')), 422, 'provision_not_in_force');
      await expectRule(
        `${defendant.path}/sentence`,
        bothOffences(s66({ provision: 'CJA2003_s146' }), notApplied('CJA2003_s145')),
        422,
        'provision_does_not_cover_strand',
      );
      expect((await view(defendant.caseId)).version).toBe(2);
      const sentenced = await post(`${defendant.path}/sentence`, bothOffences(s66({ provision: 'CJA2003_s145' }), notApplied('CJA2003_s145'))).expect(201);
      expect(sentenced.body).toEqual(answer(defendant, 3, ['DefendantSentenced']));
    });

    it('records an uplift decision in an unflagged case with the warning uplift_in_unflagged_case (201)', async () => {
      const defendant = take(false);
      await post(`${defendant.path}/conviction`, { basis: 'guilty_plea', courtType: 'magistrates' }).expect(201);
      const offences = [{ offenceId: 'o2', sentenceType: 'fine', uplift: s66() }];
      const response = await post(`${defendant.path}/sentence`, { courtType: 'magistrates', offences }).expect(201);
      expect(response.body).toEqual(answer(defendant, 3, ['DefendantSentenced'], [warning('uplift_in_unflagged_case', 'first_applied_downstream', 'conviction_to_sentence')]));
      const stored = await view(defendant.caseId);
      expect(stored.events[2].data.offences).toEqual(offences);
      expect(stored.state.defendants[defendant.defendantId]).not.toHaveProperty('hateCrime');
      expect(stored.state.defendants[defendant.defendantId].sentenced).toEqual({ upliftDecided: true, upliftApplied: true });
    });

    it('sentences an unflagged case without an uplift decision and without warning (201)', async () => {
      const defendant = take(false);
      await post(`${defendant.path}/conviction`, { basis: 'guilty_plea', courtType: 'magistrates' }).expect(201);
      const response = await post(`${defendant.path}/sentence`, { courtType: 'magistrates', offences: [{ offenceId: 'o2', sentenceType: 'fine' }] }).expect(201);
      expect(response.body).toEqual(answer(defendant, 3, ['DefendantSentenced']));
      expect((await view(defendant.caseId)).state.defendants[defendant.defendantId].sentenced).toEqual({ upliftDecided: false, upliftApplied: false });
      await expectRule(`${defendant.path}/victim-informed`, { victimId: randomUUID(), upliftExplained: true }, 422, 'no_uplift_to_explain');
    });

    it('refuses the version 1 body, naming its fields (400)', async () => {
      await expectFields(
        `/cases/${randomUUID()}/defendants/${randomUUID()}/sentence`,
        { courtType: 'magistrates', sentence: '2 years', uplift: s66() },
        ['offences', 'sentence', 'uplift'],
      );
    });

    it('names bad fields inside an offence, and an offence given twice (400)', async () => {
      await expectFields(
        `/cases/${randomUUID()}/defendants/${randomUUID()}/sentence`,
        {
          courtType: 'magistrates',
          offences: [
            { offenceId: 'o1', sentenceType: 'custody', uplift: { ...s66(), provision: 'CDA1998', strandsRecognised: ['racism'] } },
            { offenceId: 'o1', sentenceType: 'fine' },
          ],
        },
        ['offences', 'offences.0.sentenceType', 'offences.0.uplift.provision', 'offences.0.uplift.strandsRecognised'],
      );
    });

    it('refuses a sentence in words and a reason not applied in words (400 naming each: free text stays with the court)', async () => {
      const response = await post(`/cases/${randomUUID()}/defendants/${randomUUID()}/sentence`, {
        courtType: 'magistrates',
        offences: [
          { offenceId: 'o1', sentenceType: 'fine', sentence: 'Fine of £200, compensation to Amira Haddad' },
          { offenceId: 'o2', sentenceType: 'fine', uplift: { ...notApplied(), reasonNotApplied: 'Not proved at the Newton hearing' } },
        ],
      }).expect(400);
      expect(response.body.errors).toEqual([
        { field: 'offences.0.sentence', messages: [expect.stringMatching(/^sentence is refused: free text stays in the agency's own system; the pipeline carries codes only; send sentenceType/)] },
        { field: 'offences.1.uplift.reasonNotApplied', messages: [expect.stringMatching(/^reasonNotApplied must be one of hostility_not_proved, .*: a code, not text/)] },
      ]);
      await expectFields(`/cases/${randomUUID()}/defendants/${randomUUID()}/sentence`, { courtType: 'magistrates', offences: [] }, ['offences']);
    });
  });

  describe('POST .../victim-informed', () => {
    const bothOffencesWithout = () => ({
      courtType: 'magistrates',
      offences: [
        { offenceId: 'o1', sentenceType: 'immediate_custody' },
        { offenceId: 'o2', sentenceType: 'other' },
      ],
    });

    it('records the victim told of the outcome only after a verdict, and the uplift only once the sentence holds an uplift decision', async () => {
      const defendant = take();
      const victimId = randomUUID();
      await expectRule(`${defendant.path}/victim-informed`, { victimId, upliftExplained: false }, 422, 'no_outcome_yet');
      await post(`${defendant.path}/conviction`, { basis: 'guilty_plea', courtType: 'magistrates' }).expect(201);
      await expectRule(`${defendant.path}/victim-informed`, { victimId, upliftExplained: true }, 422, 'no_uplift_to_explain');
      await post(`${defendant.path}/victim-informed`, { victimId, upliftExplained: false }).expect(201);
      await post(`${defendant.path}/sentence`, {
        courtType: 'magistrates',
        offences: [
          { offenceId: 'o1', sentenceType: 'immediate_custody', uplift: s66() },
          { offenceId: 'o2', sentenceType: 'other', uplift: s66() },
        ],
      }).expect(201);
      const informed = await post(`${defendant.path}/victim-informed`, { victimId, upliftExplained: true, informedAt: '2025-06-02T09:00:00Z' }).expect(201);
      expect(informed.body).toEqual(answer(defendant, 5, ['VictimInformedOfOutcome']));
      const last = (await view(defendant.caseId)).events[4];
      expect(last.data).toEqual({ caseId: defendant.caseId, defendantId: defendant.defendantId, victimId, upliftExplained: true, informedAt: '2025-06-02T09:00:00Z' });
    });

    it('records the victim told of a declined uplift, and refuses to explain an uplift where the sentence holds no decision (422)', async () => {
      const declined = take();
      await post(`${declined.path}/conviction`, { basis: 'guilty_plea', courtType: 'magistrates' }).expect(201);
      await post(`${declined.path}/sentence`, {
        courtType: 'magistrates',
        offences: [
          { offenceId: 'o1', sentenceType: 'immediate_custody', uplift: notApplied() },
          { offenceId: 'o2', sentenceType: 'other', uplift: notApplied() },
        ],
      }).expect(201);
      expect((await view(declined.caseId)).state.defendants[declined.defendantId].sentenced).toEqual({ upliftDecided: true, upliftApplied: false });
      const victimId = randomUUID();
      const informed = await post(`${declined.path}/victim-informed`, { victimId, upliftExplained: true, informedAt: '2025-06-03T09:00:00Z' }).expect(201);
      expect(informed.body).toEqual(answer(declined, 4, ['VictimInformedOfOutcome']));
      expect((await view(declined.caseId)).events[3].data).toEqual({
        caseId: declined.caseId,
        defendantId: declined.defendantId,
        victimId,
        upliftExplained: true,
        informedAt: '2025-06-03T09:00:00Z',
      });

      const undecided = take();
      await post(`${undecided.path}/conviction`, { basis: 'guilty_plea', courtType: 'magistrates' }).expect(201);
      await post(`${undecided.path}/sentence`, bothOffencesWithout()).expect(201);
      await expectRule(`${undecided.path}/victim-informed`, { victimId, upliftExplained: true }, 422, 'no_uplift_to_explain');
      expect((await view(undecided.caseId)).version).toBe(3);
    });

    it('names a victim id that is not a UUID and a flag that is not a boolean (400)', async () => {
      await expectFields(`/cases/${randomUUID()}/defendants/${randomUUID()}/victim-informed`, { victimId: 'v-1', upliftExplained: 'yes' }, [
        'upliftExplained',
        'victimId',
      ]);
    });
  });

  describe('GET /cases/:caseId', () => {
    it("answers the court's state of the case and its event history", async () => {
      const defendant = take();
      await post(`${defendant.path}/listing`, listing).expect(201);
      const body = await view(defendant.caseId);
      expect(body).toMatchObject({ caseId: defendant.caseId, version: 2 });
      expect(body.state.hateCrime).toEqual({ strands: ['race'], perceivedBy: ['victim'] });
      expect(body.state.defendants[defendant.defendantId]).toMatchObject({
        charges: [racialHarassment, commonAssault],
        chargeFlag: { strands: ['race'], perceivedBy: ['victim'] },
        hateCrime: { strands: ['race'], perceivedBy: ['victim'] },
        flagRecord: { holds: 'flagged', hateCrime: { strands: ['race'], perceivedBy: ['victim'] } },
        listed: listing,
      });
      expect(body.state.defendants[defendant.defendantId]).not.toHaveProperty('sentenced');
      expect(eventTypes(body.events)).toEqual(['CaseReceivedFromCps', 'CaseListed']);
      expect(body.events.map((event: EventEnvelope) => event.streamversion)).toEqual([1, 2]);
    });

    it('answers 404 case_not_found for a case the courts do not hold, and 400 for an id that is not a UUID', async () => {
      const missing = await pipeline.courts.get(`/cases/${randomUUID()}`).expect(404);
      expect(missing.body.code).toBe('case_not_found');
      await pipeline.courts.get('/cases/12345').expect(400);
    });
  });

  describe('Idempotency-Key', () => {
    it('answers a resent command as the first time and appends nothing, on the store or on Kafka', async () => {
      const defendant = take();
      const key = `court-system-${randomUUID()}`;
      const first = await post(`${defendant.path}/listing`, listing, key).expect(201);
      expect(first.body).toEqual(answer(defendant, 2, ['CaseListed']));
      const again = await post(`${defendant.path}/listing`, listing, key).expect(201);
      expect(again.body).toEqual(first.body);
      expect((await view(defendant.caseId)).version).toBe(2);

      const reused = await post(`${defendant.path}/listing`, { ...listing, courtCode: 'B01CN00' }, key).expect(409);
      expect(reused.body.code).toBe('idempotency_key_reused');
      const badKey = await post(`${defendant.path}/listing`, listing, 'not a key!').expect(400);
      expect(badKey.body.errors[0].field).toBe('Idempotency-Key');

      // A new key is a new command, which the rules then refuse.
      await post(`${defendant.path}/listing`, listing, `court-system-${randomUUID()}`).expect(409);

      const onKafka = await publishedFor(defendant.caseId);
      expect(eventTypes(onKafka)).toEqual(['CaseReceivedFromCps', 'CaseListed']);
      expect(onKafka.map((envelope) => envelope.streamversion)).toEqual([1, 2]);
    });

    it('answers a resent sentence with its first answer, the warning included, and records it once', async () => {
      const defendant = take();
      await post(`${defendant.path}/conviction`, { basis: 'guilty_plea', courtType: 'magistrates' }).expect(201);
      const key = `court-system-${randomUUID()}`;
      const sentence = { courtType: 'magistrates', offences: [{ offenceId: 'o1', sentenceType: 'fine' }, { offenceId: 'o2', sentenceType: 'fine' }] };
      const first = await post(`${defendant.path}/sentence`, sentence, key).expect(201);
      expect(first.body).toEqual(answer(defendant, 3, ['DefendantSentenced'], [warning('no_uplift_decision', 'no_uplift_decision', 'conviction_to_sentence')]));
      const again = await post(`${defendant.path}/sentence`, sentence, key).expect(201);
      expect(again.body).toEqual(first.body);
      expect(eventTypes((await view(defendant.caseId)).events)).toEqual(['CaseReceivedFromCps', 'DefendantConvicted', 'DefendantSentenced']);
    });
  });

  describe('PUT .../flag-record: the flag as the court system holds it for a defendant', () => {
    const charged = { strands: ['race'], perceivedBy: ['victim'] };
    const put = (defendant: Defendant, body: object) => pipeline.courts.put(`${defendant.path}/flag-record`).send(body);

    it('records each holding that differs from the defendant, and nothing for the record the court already holds (201)', async () => {
      const defendant = take();
      expect((await put(defendant, { holds: 'flagged', hateCrime: charged }).expect(201)).body).toEqual(answer(defendant, 1, []));

      const reason = 'no_hostility_on_evidence';
      const notHateCrime = { holds: 'not_hate_crime', reason, recordedAt: '2025-05-01T02:00:00Z' };
      // The charge is a racially aggravated offence (CDA 1998 s.31): left unflagged, it is recorded with a warning.
      expect((await put(defendant, notHateCrime).expect(201)).body).toEqual(answer(defendant, 2, ['HateCrimeFlagRecorded'], [warning('aggravated_offence_unflagged')]));
      expect((await put(defendant, notHateCrime).expect(201)).body).toEqual(answer(defendant, 2, []));
      let state = (await view(defendant.caseId)).state.defendants[defendant.defendantId];
      expect(state).toMatchObject({ chargeFlag: charged, flagRecord: { holds: 'not_hate_crime', reason } });
      expect(state).not.toHaveProperty('hateCrime');

      const witnessed = { strands: ['race'], perceivedBy: ['victim', 'witness'] };
      expect((await put(defendant, { holds: 'flagged', hateCrime: witnessed, recordedAt: '2025-05-02T02:00:00Z' }).expect(201)).body).toEqual(
        answer(defendant, 3, ['HateCrimeFlagRecorded']),
      );
      const body = await view(defendant.caseId);
      state = body.state.defendants[defendant.defendantId];
      expect(state).toMatchObject({ chargeFlag: charged, hateCrime: witnessed, flagRecord: { holds: 'flagged', hateCrime: witnessed } });
      expect(body.events.slice(1).map((event: EventEnvelope) => event.data)).toEqual([
        { caseId: defendant.caseId, defendantId: defendant.defendantId, holds: 'not_hate_crime', reason, recordedAt: '2025-05-01T02:00:00Z' },
        { caseId: defendant.caseId, defendantId: defendant.defendantId, holds: 'flagged', hateCrime: witnessed, recordedAt: '2025-05-02T02:00:00Z' },
      ]);
    });

    it('records a flag on an unflagged defendant, and a sentence without uplift decision then warns no_uplift_decision', async () => {
      const defendant = take(false);
      expect((await put(defendant, { holds: 'no_flag' }).expect(201)).body).toEqual(answer(defendant, 1, []));
      const flag = { strands: ['disability'], perceivedBy: ['victim'] };
      expect((await put(defendant, { holds: 'flagged', hateCrime: flag }).expect(201)).body).toEqual(answer(defendant, 2, ['HateCrimeFlagRecorded']));
      expect((await view(defendant.caseId)).state.defendants[defendant.defendantId]).toMatchObject({ hateCrime: flag, flagRecord: { holds: 'flagged', hateCrime: flag } });

      await post(`${defendant.path}/conviction`, { basis: 'guilty_plea', courtType: 'magistrates' }).expect(201);
      const sentenced = await post(`${defendant.path}/sentence`, { courtType: 'magistrates', offences: [{ offenceId: 'o2', sentenceType: 'fine' }] }).expect(201);
      expect(sentenced.body).toEqual(answer(defendant, 4, ['DefendantSentenced'], [warning('no_uplift_decision', 'no_uplift_decision', 'conviction_to_sentence')]));
    });

    it('warns of a record that drops the flag the CPS charged with (flag_not_held) or changes its strands, and a resent key answers the same warning', async () => {
      const defendant = take();
      const key = `court-flag-${randomUUID()}`;
      const first = await pipeline.courts.put(`${defendant.path}/flag-record`).set('Idempotency-Key', key).send({ holds: 'no_flag' }).expect(201);
      expect(first.body).toEqual(
        answer(defendant, 2, ['HateCrimeFlagRecorded'], [warning('flag_not_held', 'lost', 'cps_to_court'), warning('aggravated_offence_unflagged')]),
      );
      const again = await pipeline.courts.put(`${defendant.path}/flag-record`).set('Idempotency-Key', key).send({ holds: 'no_flag' }).expect(201);
      expect(again.body).toEqual(first.body);
      const body = await view(defendant.caseId);
      expect(eventTypes(body.events)).toEqual(['CaseReceivedFromCps', 'HateCrimeFlagRecorded']);
      expect(body.state.defendants[defendant.defendantId].flagRecord).toEqual({ holds: 'no_flag' });
      expect(body.state.defendants[defendant.defendantId]).not.toHaveProperty('hateCrime');

      const religion = { strands: ['religion'], perceivedBy: ['victim'], religionTargetedGroup: 'anti_muslim' };
      expect((await put(defendant, { holds: 'flagged', hateCrime: religion }).expect(201)).body).toEqual(
        answer(defendant, 3, ['HateCrimeFlagRecorded'], [warning('strands_differ_from_cps', 'strands_changed', 'cps_to_court')]),
      );
    });

    it('refuses a contradictory record with its rule (422), a defendant not before the court (404), bad fields (400), and records nothing', async () => {
      const defendant = take();
      const refused = async (body: object, code: string) => {
        const response = await put(defendant, body).expect(422);
        expect(response.body.code).toBe(code);
      };
      await refused({ holds: 'flagged' }, 'flag_record_needs_flag');
      await refused({ holds: 'no_flag', hateCrime: charged }, 'flag_record_holds_no_flag');
      await refused({ holds: 'not_hate_crime', hateCrime: charged, reason: 'no_hostility_on_evidence' }, 'flag_record_holds_no_flag');
      await refused({ holds: 'flagged', hateCrime: charged, reason: 'other' }, 'reason_only_when_not_hate_crime');
      await refused({ holds: 'no_flag', reason: 'no_hostility_on_evidence' }, 'reason_only_when_not_hate_crime');
      await refused({ holds: 'flagged', hateCrime: { strands: ['race'], perceivedBy: ['victim'], religionTargetedGroup: 'antisemitic' } }, 'religion_group_without_religion_strand');
      const unknown = await pipeline.courts.put(`/cases/${defendant.caseId}/defendants/${randomUUID()}/flag-record`).send({ holds: 'no_flag' }).expect(404);
      expect(unknown.body.code).toBe('defendant_not_before_court');
      const bad = await put(defendant, { holds: 'flagged', hateCrime: { strands: [], perceivedBy: ['judge'] }, recordedAt: 'tonight' }).expect(400);
      expect(bad.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['hateCrime.perceivedBy', 'hateCrime.strands', 'recordedAt']);
      await pipeline.courts.put(`/cases/${defendant.caseId}/defendants/not-a-uuid/flag-record`).send({ holds: 'no_flag' }).expect(400);
      const body = await view(defendant.caseId);
      expect(body.version).toBe(1);
      expect(body.state.defendants[defendant.defendantId].flagRecord).toEqual({ holds: 'flagged', hateCrime: charged });
    });

    it('takes RecordHateCrimeFlag lines in a bulk extract, answering each as the endpoint does', async () => {
      const defendant = take();
      const params = { caseId: defendant.caseId, defendantId: defendant.defendantId };
      const line = (body: object, lineParams: object = params) => JSON.stringify({ command: 'RecordHateCrimeFlag', params: lineParams, body });
      const reason = 'no_hostility_on_evidence';
      const ndjson = [
        line({ holds: 'not_hate_crime', reason, recordedAt: '2025-05-03T02:00:00Z' }),
        line({ holds: 'not_hate_crime', reason, recordedAt: '2025-05-04T02:00:00Z' }),
        line({ holds: 'no_flag', hateCrime: charged }),
        line({ holds: 'no_flag' }, { caseId: defendant.caseId }),
      ].join('\n');
      const response = await pipeline.courts.post('/cases/bulk').set('Content-Type', 'application/x-ndjson').send(ndjson).expect(200);
      const summary = response.body.results.map((result: Record<string, any>) => [
        result.line,
        result.status,
        result.code ?? result.errors?.map((error: { field: string }) => error.field).sort() ?? result.response,
      ]);
      expect(summary).toEqual([
        [1, 201, answer(defendant, 2, ['HateCrimeFlagRecorded'], [warning('aggravated_offence_unflagged')])],
        [2, 201, answer(defendant, 2, [])],
        [3, 422, 'flag_record_holds_no_flag'],
        [4, 400, ['params.defendantId']],
      ]);
      const body = await view(defendant.caseId);
      expect(eventTypes(body.events)).toEqual(['CaseReceivedFromCps', 'HateCrimeFlagRecorded']);
      expect(body.events[1].data).toEqual({ ...params, holds: 'not_hate_crime', reason, recordedAt: '2025-05-03T02:00:00Z' });
    });
  });

  describe('POST /cases/bulk: a court system extract as NDJSON', () => {
    it('answers every line, accepted or why not, runs lines in order and resends nothing twice', async () => {
      const defendant = take();
      const params = { caseId: defendant.caseId, defendantId: defendant.defendantId };
      const sentence = {
        courtType: 'crown',
        offences: [
          { offenceId: 'o1', sentenceType: 'immediate_custody', uplift: s66() },
          { offenceId: 'o2', sentenceType: 'immediate_custody', uplift: notApplied() },
        ],
      };
      const lines = [
        { command: 'ListCase', params, body: listing },
        { command: 'EnterPlea', params, body: { plea: 'not_guilty', courtType: 'crown' } },
        { command: 'SendToCrownCourt', params, body: { crownCourtCode: 'T20257001' } },
        '{"command": "EnterPlea", oops',
        { command: 'Sentence', params, body: sentence },
        { command: 'ConvictDefendant', params: { caseId: defendant.caseId }, body: { basis: 'after_trial', courtType: 'crown' } },
        { command: 'ConvictDefendant', params, body: { basis: 'after_trial', courtType: 'crown' } },
        { command: 'SentenceDefendant', params, body: { courtType: 'crown', sentence: '2 years' } },
        { command: 'SentenceDefendant', params, body: sentence, idempotencyKey: `sentence-${defendant.defendantId}` },
        { command: 'SentenceDefendant', params, body: sentence, idempotencyKey: `sentence-${defendant.defendantId}` },
        '',
        { command: 'InformVictimOfOutcome', params, body: { victimId: randomUUID(), upliftExplained: true } },
      ];
      const ndjson = lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n');
      const response = await pipeline.courts.post('/cases/bulk').set('Content-Type', 'application/x-ndjson').send(ndjson).expect(200);

      const accepted = (version: number, event: string) => answer(defendant, version, [event]);
      const summary = response.body.results.map((result: Record<string, any>) => ({
        line: result.line,
        status: result.status,
        ...(result.code ? { code: result.code } : {}),
        ...(result.errors ? { fields: result.errors.map((error: { field: string }) => error.field).sort() } : {}),
        ...(result.response ? { response: result.response } : {}),
      }));
      expect(summary).toEqual([
        { line: 1, status: 201, response: accepted(2, 'CaseListed') },
        { line: 2, status: 422, code: 'wrong_court' },
        { line: 3, status: 201, response: accepted(3, 'DefendantSentToCrownCourt') },
        { line: 4, status: 400 },
        { line: 5, status: 400, fields: ['command'] },
        { line: 6, status: 400, fields: ['params.defendantId'] },
        { line: 7, status: 201, response: accepted(4, 'DefendantConvicted') },
        { line: 8, status: 400, fields: ['body.offences', 'body.sentence'] },
        { line: 9, status: 201, response: accepted(5, 'DefendantSentenced') },
        { line: 10, status: 201, response: accepted(5, 'DefendantSentenced') },
        { line: 12, status: 201, response: accepted(6, 'VictimInformedOfOutcome') },
      ]);
      expect({ accepted: response.body.accepted, rejected: response.body.rejected }).toEqual({ accepted: 6, rejected: 5 });

      const onKafka = await publishedFor(defendant.caseId);
      expect(eventTypes(onKafka)).toEqual([
        'CaseReceivedFromCps',
        'CaseListed',
        'DefendantSentToCrownCourt',
        'DefendantConvicted',
        'DefendantSentenced',
        'VictimInformedOfOutcome',
      ]);
      expect(onKafka.find((envelope) => envelope.type.endsWith('.DefendantSentenced'))?.schemaversion).toBe(3);
    });
  });
});
