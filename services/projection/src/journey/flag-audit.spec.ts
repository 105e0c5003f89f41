import type { HateCrimeFlag, UpliftDecision } from '@hc/contracts';
import { buildCaseJourney } from './case-journey';
import { buildTimeline } from './case-timeline';
import { ANNOUNCED, CaseBuilder, RACE, RACE_AND_RELIGION, shuffled, testId } from './testing/case-builder';

const DISABILITY: HateCrimeFlag = { strands: ['disability'], perceivedBy: ['victim'] };
const NOT_APPLIED: UpliftDecision = { applied: false, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: [], reasonNotApplied: 'hostility_not_proved' };

interface Script {
  readonly recorded?: HateCrimeFlag | null;
  readonly victimAssessed?: boolean;
  readonly referral?: HateCrimeFlag | null;
  readonly victimNeedsPassedOn?: boolean;
  readonly cpsReceipt?: HateCrimeFlag | null;
  readonly cpsAfterReceipt?: (c: CaseBuilder) => void;
  readonly charge?: HateCrimeFlag | null;
  readonly court?: HateCrimeFlag | null;
  readonly sentence?: UpliftDecision | null | 'not sentenced';
  readonly victimTold?: 'uplift' | 'outcome only' | 'not told';
}

/** One defendant through the three agencies, the flag as each event carries it; null means no flag. */
function caseOf(script: Script) {
  const c = new CaseBuilder();
  // Each agency passes on what it received unless the script says otherwise.
  const flag = (value: HateCrimeFlag | null | undefined, upstream: HateCrimeFlag | undefined) => (value === null ? undefined : value ?? upstream);
  const recorded = flag(script.recorded, RACE);
  const referred = flag(script.referral, recorded);
  const cpsReceived = flag(script.cpsReceipt, referred);
  const charged = flag(script.charge, cpsReceived);
  const courtHolds = flag(script.court, charged);
  c.recorded(recorded ?? null);
  if (script.victimAssessed) {
    c.police('VictimNeedsAssessed', { victimId: testId(), assessedAt: '2024-05-03T10:00:00Z', riskLevel: 'medium', needs: ['communication'], enhancedService: true, specialMeasuresWanted: [] });
  }
  const defendant = c.suspect();
  const referral = c.referred([defendant], referred, script.victimNeedsPassedOn ?? true);
  c.received([defendant], cpsReceived, referral);
  script.cpsAfterReceipt?.(c);
  const charge = c.decided(defendant, 'charge', charged);
  c.courtReceived(defendant, courtHolds, charge);
  const conviction = c.convicted(defendant);
  c.completed(defendant, 'guilty_plea', '2024-07-01T10:30:05Z', conviction.id);
  if (script.sentence !== 'not sentenced') {
    const uplift = script.sentence === null ? undefined : script.sentence ?? (courtHolds ? ANNOUNCED : undefined);
    c.sentenced(defendant, [{ offenceId: 'off-1', sentenceType: 'immediate_custody', ...(uplift ? { uplift } : {}) }]);
    if (script.victimTold !== 'not told') c.informed(defendant, script.victimTold !== 'outcome only');
  }
  return { c, defendant, referral, charge };
}

function findings(script: Script) {
  const { c } = caseOf(script);
  return buildCaseJourney(c.caseId, c.events).findings.map((f) => `${f.boundary}:${f.finding}`);
}

describe('flag audit', () => {
  it('finds nothing on a case whose flag went all the way to an announced uplift the victim was told of', () => {
    expect(findings({ victimAssessed: true })).toEqual([]);
  });

  describe('police -> CPS', () => {
    it('finds the flag lost when the referral left it behind, at the referral', () => {
      const { c, referral } = caseOf({ referral: null });
      const journey = buildCaseJourney(c.caseId, c.events);
      expect(journey.findings).toEqual([
        expect.objectContaining({
          boundary: 'police_to_cps', finding: 'lost', defendant_id: null, upstream_flagged: true, upstream_strands: ['race'],
          downstream_flagged: false, downstream_strands: [], reason: null, event_id: referral.id, detected_at: referral.time,
        }),
      ]);
      expect(journey.rows[0]!.police_to_cps).toBe('lost');
    });

    it('finds the flag lost when the CPS opened its case without the flag the referral carried', () => {
      const { c } = caseOf({ cpsReceipt: null });
      const received = c.events.find((event) => event.type.endsWith('CaseReceivedFromPolice'))!;
      expect(buildCaseJourney(c.caseId, c.events).findings).toEqual([expect.objectContaining({ finding: 'lost', event_id: received.id })]);
    });

    it('finds a removal with its reason, not a loss', () => {
      const { c } = caseOf({
        charge: null,
        court: null,
        sentence: null,
        cpsAfterReceipt: (b) => b.cps('HateCrimeFlagRemoved', { removedAt: '2024-05-25T10:00:00Z', reason: 'recorded_in_error' }),
      });
      const journey = buildCaseJourney(c.caseId, c.events);
      expect(journey.findings).toEqual([expect.objectContaining({ boundary: 'police_to_cps', finding: 'removed_with_reason', reason: 'recorded_in_error' })]);
      expect(journey.rows[0]!.police_to_cps).toBe('removed_with_reason');
    });

    it('finds strands changed when the CPS confirmed the flag with other strands', () => {
      const { c } = caseOf({
        charge: RACE_AND_RELIGION,
        court: RACE_AND_RELIGION,
        cpsAfterReceipt: (b) => b.cps('HateCrimeFlagConfirmed', { hateCrime: RACE_AND_RELIGION, confirmedAt: '2024-05-25T10:00:00Z' }),
      });
      const journey = buildCaseJourney(c.caseId, c.events);
      expect(journey.findings).toEqual([
        expect.objectContaining({ boundary: 'police_to_cps', finding: 'strands_changed', upstream_strands: ['race'], downstream_strands: ['race', 'religion'] }),
      ]);
      expect(journey.rows[0]!.police_to_cps).toBe('strands_changed');
    });

    it('finds the flag first applied downstream when the CPS flagged what the police had not', () => {
      const { c } = caseOf({
        recorded: null,
        charge: DISABILITY,
        court: DISABILITY,
        sentence: { ...ANNOUNCED, strandsRecognised: ['disability'] },
        cpsAfterReceipt: (b) => b.cps('HateCrimeFlagApplied', { hateCrime: DISABILITY, appliedAt: '2024-05-25T10:00:00Z', reason: 'hostility_evidenced' }),
      });
      expect(buildCaseJourney(c.caseId, c.events).findings.map((f) => `${f.boundary}:${f.finding}`)).toEqual(['police_to_cps:first_applied_downstream']);
    });

    it('finds nothing when the police removed the flag with a reason before referring', () => {
      const c = new CaseBuilder();
      c.recorded(RACE);
      c.police('HateCrimeFlagRemoved', { removedAt: '2024-05-04T10:00:00Z', reason: 'no_hostility_on_evidence' });
      const id = c.suspect();
      const referral = c.referred([id], undefined);
      c.received([id], undefined, referral);
      expect(buildCaseJourney(c.caseId, c.events).findings).toEqual([]);
    });

    it('judges the flag the police held at the referral, not one they applied afterwards', () => {
      const c = new CaseBuilder();
      c.recorded(null);
      const id = c.suspect();
      const referral = c.referred([id], undefined);
      c.received([id], undefined, referral);
      c.police('HateCrimeFlagApplied', { hateCrime: RACE, appliedAt: '2024-06-10T10:00:00Z', reason: 'perceived_by_victim' });
      expect(buildCaseJourney(c.caseId, shuffled(c.events, 3)).findings).toEqual([]);
    });

    it('judges nothing until the CPS has opened its case', () => {
      const c = new CaseBuilder();
      c.recorded(RACE);
      const id = c.suspect();
      c.referred([id], undefined);
      expect(buildCaseJourney(c.caseId, c.events).findings).toEqual([]);
    });

    it('finds victim needs assessed but not passed on, at the referral', () => {
      expect(findings({ victimAssessed: true, victimNeedsPassedOn: false })).toEqual(['police_to_cps:victim_needs_not_passed_on']);
      expect(findings({ victimAssessed: false, victimNeedsPassedOn: false })).toEqual([]);
    });
  });

  describe('CPS -> court', () => {
    it('finds the flag lost when the charge carried none to the court, at the charge', () => {
      const { c, charge, defendant } = caseOf({ charge: null, sentence: null });
      const journey = buildCaseJourney(c.caseId, c.events);
      expect(journey.findings).toEqual([expect.objectContaining({ boundary: 'cps_to_court', finding: 'lost', defendant_id: defendant, event_id: charge.id })]);
      expect(journey.rows[0]!.cps_to_court).toBe('lost');
    });

    it('finds the flag lost when the court opened its case without the flag the charge carried', () => {
      const { c } = caseOf({ court: null, sentence: null });
      const courtReceipt = c.events.find((event) => event.type.endsWith('CaseReceivedFromCps'))!;
      expect(buildCaseJourney(c.caseId, c.events).findings).toEqual([expect.objectContaining({ boundary: 'cps_to_court', finding: 'lost', event_id: courtReceipt.id })]);
    });

    it('finds strands changed between the charge and the court case', () => {
      expect(findings({ court: RACE_AND_RELIGION })).toEqual(['cps_to_court:strands_changed']);
    });
  });

  describe('conviction -> sentence', () => {
    it('finds a flagged defendant sentenced with no uplift decision', () => {
      const { c } = caseOf({ sentence: null });
      const journey = buildCaseJourney(c.caseId, c.events);
      expect(journey.findings.map((f) => f.finding)).toEqual(['no_uplift_decision']);
      expect(journey.rows[0]!.conviction_to_sentence).toBe('lost');
    });

    it('does not yet find anything on a flagged defendant convicted and not sentenced', () => {
      expect(findings({ sentence: 'not sentenced' })).toEqual([]);
    });

    it('counts an uplift decided and not applied as a decision', () => {
      expect(findings({ sentence: NOT_APPLIED })).toEqual([]);
    });

    it('finds an uplift decided on a case the court held without a flag', () => {
      expect(findings({ recorded: null, sentence: ANNOUNCED })).toEqual(['conviction_to_sentence:first_applied_downstream']);
    });

    it('finds the victim not told of the uplift decision', () => {
      expect(findings({ victimTold: 'outcome only' })).toEqual(['conviction_to_sentence:victim_not_told_of_uplift']);
      expect(findings({ victimTold: 'not told' })).toEqual(['conviction_to_sentence:victim_not_told_of_uplift']);
    });
  });

  it('finds the same findings whatever the order and however often events arrive', () => {
    const { c } = caseOf({ referral: null, victimAssessed: true, victimNeedsPassedOn: false, sentence: null });
    const expected = buildCaseJourney(c.caseId, c.events).findings;
    expect(expected.length).toBe(2);
    for (const seed of [1, 2, 3, 4]) {
      expect(buildCaseJourney(c.caseId, shuffled([...c.events, ...c.events.slice(2, 6)], seed)).findings).toEqual(expected);
    }
  });
});

describe('case timeline', () => {
  it('lists every event in the order it happened, with the flag each agency held and where it was lost', () => {
    const { c, referral } = caseOf({ referral: null });
    const journey = buildCaseJourney(c.caseId, c.events);
    const timeline = buildTimeline(shuffled(c.events, 9), journey.findings);
    expect(timeline.map((entry) => `${entry.agency}.${entry.type}`)).toEqual([
      'police.CrimeRecorded',
      'police.SuspectIdentified',
      'police.CaseReferredToCps',
      'cps.CaseReceivedFromPolice',
      'cps.PreChargeDecisionMade',
      'courts.CaseReceivedFromCps',
      'courts.DefendantConvicted',
      'cps.ProsecutionCompleted',
      'courts.DefendantSentenced',
      'courts.VictimInformedOfOutcome',
    ]);
    expect(timeline.map((entry) => entry.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const lostAt = timeline.filter((entry) => entry.flagLost);
    expect(lostAt.map((entry) => entry.eventId)).toEqual([referral.id]);
    expect(lostAt[0]!.findings).toEqual([expect.objectContaining({ boundary: 'police_to_cps', finding: 'lost' })]);
    expect(timeline[0]!.flag).toEqual({ flagged: true, strands: ['race'] });
    expect(timeline[2]!.flag).toEqual({ flagged: false, strands: [] });
    expect(timeline[0]!.envelope).toBe(c.events[0]);
  });

  describe("the agencies' own records of the flag (HateCrimeFlagRecorded)", () => {
    it('finds the flag lost at the referral when the police record dropped it without a reason before referring', () => {
      const c = new CaseBuilder();
      c.recorded(RACE);
      c.police('HateCrimeFlagRecorded', { holds: 'not_hate_crime', recordedAt: '2024-05-04T10:00:00Z' });
      const defendant = c.suspect();
      const referral = c.referred([defendant], undefined);
      c.received([defendant], undefined, referral);
      const journey = buildCaseJourney(c.caseId, c.events);
      expect(journey.findings).toEqual([
        expect.objectContaining({ boundary: 'police_to_cps', finding: 'lost', upstream_flagged: true, upstream_strands: ['race'], event_id: referral.id }),
      ]);
      expect(journey.findings[0]!.detail).toContain('without a reason');
      expect(journey.rows[0]).toMatchObject({ hate_crime: true, strands: ['race'], police_flagged: false, police_flagged_at_referral: true });
    });

    it('finds nothing when the police record says not a hate crime with a reason before referring', () => {
      const c = new CaseBuilder();
      c.recorded(RACE);
      c.police('HateCrimeFlagRecorded', { holds: 'not_hate_crime', reason: 'no_hostility_on_evidence', recordedAt: '2024-05-04T10:00:00Z' });
      const defendant = c.suspect();
      c.received([defendant], undefined, c.referred([defendant], undefined));
      const journey = buildCaseJourney(c.caseId, c.events);
      expect(journey.findings).toEqual([]);
      expect(journey.rows[0]!.hate_crime).toBe(false);
    });

    it('finds the flag lost at the CPS record that holds none, and no second loss at the charge', () => {
      const { c } = caseOf({ charge: null, court: null, sentence: null, cpsAfterReceipt: (b) => b.cps('HateCrimeFlagRecorded', { holds: 'no_flag', recordedAt: '2024-05-25T10:00:00Z' }) });
      const record = c.events.find((event) => event.type.endsWith('cps.HateCrimeFlagRecorded'))!;
      const journey = buildCaseJourney(c.caseId, c.events);
      expect(journey.findings.map((f) => `${f.boundary}:${f.finding}:${f.event_id === record.id}`)).toEqual(['police_to_cps:lost:true']);
      expect(journey.rows[0]).toMatchObject({ police_to_cps: 'lost', cps_to_court: null, hate_crime: true });
      const timeline = buildTimeline(c.events, journey.findings);
      expect(timeline.filter((entry) => entry.flagLost).map((entry) => entry.eventId)).toEqual([record.id]);
    });

    it('finds a CPS record of "not a hate crime" with a reason a removal, without one a loss', () => {
      const withReason = caseOf({ charge: null, court: null, sentence: null, cpsAfterReceipt: (b) => b.cps('HateCrimeFlagRecorded', { holds: 'not_hate_crime', reason: 'no_hostility_on_evidence', recordedAt: '2024-05-25T10:00:00Z' }) });
      expect(buildCaseJourney(withReason.c.caseId, withReason.c.events).findings).toEqual([
        expect.objectContaining({ boundary: 'police_to_cps', finding: 'removed_with_reason', reason: 'no_hostility_on_evidence' }),
      ]);
      const without = caseOf({ charge: null, court: null, sentence: null, cpsAfterReceipt: (b) => b.cps('HateCrimeFlagRecorded', { holds: 'not_hate_crime', recordedAt: '2024-05-25T10:00:00Z' }) });
      expect(buildCaseJourney(without.c.caseId, without.c.events).findings.map((f) => f.finding)).toEqual(['lost']);
    });

    /** A defendant charged flagged (race), whose court record then says what `record` holds. */
    function courtRecords(record: object, sentence?: UpliftDecision | null) {
      const c = new CaseBuilder();
      c.recorded(RACE);
      const defendant = c.suspect();
      c.received([defendant], RACE, c.referred([defendant], RACE));
      const charge = c.decided(defendant, 'charge', RACE);
      c.courtReceived(defendant, RACE, charge);
      const recorded = c.courts('HateCrimeFlagRecorded', { defendantId: defendant, recordedAt: '2024-06-20T02:00:00Z', ...record } as never);
      c.convicted(defendant);
      if (sentence !== undefined) c.sentenced(defendant, [{ offenceId: 'off-1', sentenceType: 'immediate_custody', ...(sentence ? { uplift: sentence } : {}) }]);
      const journey = buildCaseJourney(c.caseId, c.events);
      return { c, recorded, journey, found: journey.findings.map((f) => `${f.boundary}:${f.finding}`) };
    }

    it('finds the flag lost between the CPS and the court when the court record holds none, at that record, and expects no uplift decision', () => {
      const { c, recorded, journey, found } = courtRecords({ holds: 'no_flag' }, null);
      expect(found).toEqual(['cps_to_court:lost']);
      expect(journey.findings[0]).toMatchObject({ event_id: recorded.id, upstream_strands: ['race'], downstream_flagged: false });
      expect(journey.rows[0]).toMatchObject({ cps_to_court: 'lost', court_flagged: false, conviction_to_sentence: null });
      expect(buildTimeline(c.events, journey.findings).find((entry) => entry.eventId === recorded.id)).toMatchObject({ flagLost: true, flag: { flagged: false } });
    });

    it('finds other strands, and "not a hate crime" with a reason, at the court record', () => {
      expect(courtRecords({ holds: 'flagged', hateCrime: RACE_AND_RELIGION }).found).toEqual(['cps_to_court:strands_changed']);
      const removed = courtRecords({ holds: 'not_hate_crime', reason: 'no_hostility_on_evidence' });
      expect(removed.found).toEqual(['cps_to_court:removed_with_reason']);
      expect(removed.journey.findings[0]).toMatchObject({ reason: 'no_hostility_on_evidence', event_id: removed.recorded.id });
    });

    it('judges the sentence against the flag the court record holds', () => {
      const c = new CaseBuilder();
      c.recorded(null);
      const defendant = c.suspect();
      c.received([defendant], undefined, c.referred([defendant], undefined));
      c.courtReceived(defendant, undefined, c.decided(defendant, 'charge', undefined));
      c.courts('HateCrimeFlagRecorded', { defendantId: defendant, holds: 'flagged', hateCrime: DISABILITY, recordedAt: '2024-06-20T02:00:00Z' });
      c.convicted(defendant);
      c.sentenced(defendant, [{ offenceId: 'off-1', sentenceType: 'immediate_custody' }]);
      const journey = buildCaseJourney(c.caseId, c.events);
      expect(journey.findings.map((f) => `${f.boundary}:${f.finding}`)).toEqual(['cps_to_court:first_applied_downstream', 'conviction_to_sentence:no_uplift_decision']);
      expect(journey.rows[0]).toMatchObject({ hate_crime: true, strands: ['disability'], court_strands: ['disability'] });
    });
  });

  describe("the victim's right to be told of the uplift decision", () => {
    it('finds a declined uplift the victim was not told of, and clears it once the victim is told', () => {
      expect(findings({ sentence: NOT_APPLIED, victimTold: 'outcome only' })).toEqual(['conviction_to_sentence:victim_not_told_of_uplift']);
      expect(findings({ sentence: NOT_APPLIED, victimTold: 'uplift' })).toEqual([]);
    });
  });
});
