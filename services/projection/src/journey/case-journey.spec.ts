import type { EventEnvelope, UpliftDecision } from '@hc/contracts';
import { buildCaseJourney, financialYear, type CaseJourney, type JourneyRow } from './case-journey';
import { buildTimeline } from './case-timeline';
import { ANNOUNCED, CaseBuilder, HARASSMENT, RACE_AND_RELIGION, shuffled, testId } from './testing/case-builder';

/** A case with one defendant charged, convicted at the magistrates' court and sentenced at the Crown Court, and one not charged. */
function wholeCase(uplift: UpliftDecision | null = { ...ANNOUNCED, strandsRecognised: ['religion', 'race'] }) {
  const c = new CaseBuilder();
  const charged = '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01';
  const nfa = '9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
  c.recorded(RACE_AND_RELIGION);
  c.suspect(charged, '2024-05-10T09:00:00Z');
  c.suspect(nfa, '2024-05-11T16:20:00Z');
  const referral = c.referred([charged, nfa], RACE_AND_RELIGION);
  c.received([charged, nfa], RACE_AND_RELIGION, referral);
  const charge = c.decided(charged, 'charge', RACE_AND_RELIGION);
  c.decided(nfa, 'no_further_action_evidential', RACE_AND_RELIGION, '2024-06-04T10:00:00Z');
  c.courtReceived(charged, RACE_AND_RELIGION, charge);
  const conviction = c.convicted(charged);
  c.completed(charged, 'guilty_plea', '2024-07-01T10:30:05Z', conviction.id);
  c.sentenced(charged, [{ offenceId: HARASSMENT.offenceId, sentenceType: 'immediate_custody', ...(uplift ? { uplift } : {}) }], 'crown');
  return { c, charged, nfa };
}

function row(journey: CaseJourney, defendantId: string | null): JourneyRow {
  const found = journey.rows.find((candidate) => candidate.defendant_id === defendantId);
  if (!found) throw new Error(`no row for defendant ${defendantId}`);
  return found;
}

describe('case journey', () => {
  describe('depends only on which events arrived', () => {
    const { c } = wholeCase();
    const inOrder = buildCaseJourney(c.caseId, c.events);

    it.each([1, 2, 3, 42, 2024, 31337])('gives the same journey for the events shuffled with seed %i', (seed) => {
      const events = shuffled(c.events, seed);
      expect(events).not.toEqual(c.events);
      expect(buildCaseJourney(c.caseId, events)).toStrictEqual(inOrder);
    });

    it('gives the same journey for the events in reverse order', () => {
      expect(buildCaseJourney(c.caseId, [...c.events].reverse())).toStrictEqual(inOrder);
    });

    it('gives the same journey when events are delivered more than once', () => {
      const redelivered = [...c.events, c.events[3]!, structuredClone(c.events[6]!), ...c.events.slice(0, 3)];
      expect(buildCaseJourney(c.caseId, shuffled(redelivered, 7))).toStrictEqual(inOrder);
    });

    it('ignores events of another case', () => {
      const other = wholeCase().c;
      expect(buildCaseJourney(c.caseId, [...c.events, ...other.events])).toStrictEqual(inOrder);
    });
  });

  describe('a case with one defendant sentenced with the uplift and one not charged', () => {
    const { c, charged, nfa } = wholeCase();
    const journey = buildCaseJourney(c.caseId, shuffled(c.events, 11));

    it('repeats the case as the police recorded and referred it and the CPS holds it on every row, counting it on the first', () => {
      expect(journey.rows).toHaveLength(2);
      expect(journey.rows.map((r) => r.first_row)).toEqual([true, false]);
      for (const r of journey.rows) {
        expect(r).toMatchObject({
          case_id: c.caseId,
          urn: '01/AB/12345/24',
          force_code: '01',
          force_name: 'Metropolitan Police',
          cps_area: 'London North',
          crime_reference: 'CR/1/24',
          recorded_at: '2024-05-02T21:15:00Z',
          financial_year: '2024/25',
          hate_crime: true,
          strands: ['race', 'religion'],
          case_court_type: 'crown',
          police_flagged_at_recording: true,
          police_strands_at_recording: ['race', 'religion'],
          police_flagged: true,
          police_strands: ['race', 'religion'],
          religion_targeted_group: 'anti_muslim',
          perceived_by: ['victim', 'officer'],
          police_flagged_at_referral: true,
          referral_flagged: true,
          referral_strands: ['race', 'religion'],
          victim_needs_passed_on: true,
          cps_received_at: '2024-05-20T14:00:05Z',
          cps_flagged_at_receipt: true,
          cps_flagged: true,
          cps_strands: ['race', 'religion'],
          police_to_cps: 'kept',
        });
      }
    });

    it('follows the charged defendant to a Crown Court sentence with the uplift announced', () => {
      expect(row(journey, charged)).toMatchObject({
        suspect_identified_at: '2024-05-10T09:00:00Z',
        referred_at: '2024-05-20T14:00:00Z',
        pre_charge_decision: 'charge',
        decided_at: '2024-06-03T11:30:00Z',
        charged_at: '2024-06-03T11:30:00Z',
        charges: [HARASSMENT],
        cps_flagged_at_decision: true,
        charge_flagged: true,
        prosecution_outcome: 'guilty_plea',
        prosecution_completed_at: '2024-07-01T10:30:05Z',
        court_received_at: '2024-06-03T11:30:04Z',
        court_flagged: true,
        court_strands: ['race', 'religion'],
        court_type: 'crown',
        convicted: true,
        convicted_at: '2024-07-01T10:30:00Z',
        conviction_basis: 'guilty_plea',
        sentenced_at: '2024-08-19T12:00:00Z',
        sentence: 'immediate_custody',
        uplift_decided: true,
        uplift_applied: true,
        uplift_provision: 'SA2020_s66',
        uplift_stated_in_open_court: true,
        uplift_strands: ['race', 'religion'],
        uplift_announced: true,
        outcome_at: '2024-08-19T12:00:00Z',
        stage_reached: 'uplift_announced',
        stage_index: 7,
        cps_to_court: 'kept',
        conviction_to_sentence: 'kept',
      });
    });

    it('stops the defendant with no further action at the referral, never charged nor before a court', () => {
      expect(row(journey, nfa)).toMatchObject({
        suspect_identified_at: '2024-05-11T16:20:00Z',
        referred_at: '2024-05-20T14:00:00Z',
        pre_charge_decision: 'no_further_action_evidential',
        charged_at: null,
        court_received_at: null,
        court_flagged: null,
        court_type: null,
        convicted: false,
        sentenced_at: null,
        uplift_announced: false,
        stage_reached: 'referred_to_cps',
        cps_to_court: null,
        conviction_to_sentence: null,
      });
    });
  });

  describe('stage reached by a defendant', () => {
    const { c, charged } = wholeCase();
    const stageAfter = (count: number) => row(buildCaseJourney(c.caseId, c.events.slice(0, count)), charged).stage_reached;

    it.each([
      [2, 'suspect_identified'],
      [5, 'referred_to_cps'],
      [6, 'charged'],
      [8, 'charged'],
      [9, 'convicted'],
      [10, 'convicted'],
      [11, 'uplift_announced'],
    ] as const)('after the first %i events is %s', (count, stage) => {
      expect(stageAfter(count)).toBe(stage);
    });

    it('is prosecution completed when the CPS discontinues after charge', () => {
      const d = new CaseBuilder();
      d.recorded();
      const id = d.suspect();
      const referral = d.referred([id], { strands: ['race'], perceivedBy: ['victim'] });
      d.received([id], { strands: ['race'], perceivedBy: ['victim'] }, referral);
      d.decided(id, 'charge', { strands: ['race'], perceivedBy: ['victim'] });
      d.completed(id, 'discontinued');
      expect(row(buildCaseJourney(d.caseId, d.events), id)).toMatchObject({ stage_reached: 'prosecution_completed', convicted: false, outcome_at: '2024-07-01T10:30:05Z' });
    });

    it('is convicted when the CPS records the conviction before the court event arrives', () => {
      const d = new CaseBuilder();
      const id = testId();
      d.completed(id, 'conviction_after_trial');
      expect(row(buildCaseJourney(d.caseId, d.events), id)).toMatchObject({ stage_reached: 'convicted', convicted: true, convicted_at: '2024-07-01T10:30:05Z' });
    });

    it('has one row with no defendant while no suspect has been identified', () => {
      const d = new CaseBuilder();
      d.recorded();
      const journey = buildCaseJourney(d.caseId, d.events);
      expect(journey.rows).toHaveLength(1);
      expect(journey.rows[0]).toMatchObject({ defendant_id: null, first_row: true, stage_reached: 'recorded', stage_index: 0, case_court_type: 'none' });
    });
  });

  describe('uplift announced: applied and stated in open court on at least one offence', () => {
    it.each([
      [true, true, true, 'uplift_announced'],
      [true, false, false, 'sentenced'],
      [false, true, false, 'sentenced'],
      [false, false, false, 'sentenced'],
    ] as const)('applied %p, stated in open court %p: announced %p, stage %s', (applied, statedInOpenCourt, announced, stage) => {
      const uplift: UpliftDecision = {
        applied, provision: 'SA2020_s66', statedInOpenCourt, strandsRecognised: applied ? ['race'] : [],
        ...(applied ? {} : { reasonNotApplied: 'hostility_not_proved' }),
      };
      const { c, charged } = wholeCase(uplift);
      const r = row(buildCaseJourney(c.caseId, c.events), charged);
      expect(r).toMatchObject({ uplift_decided: true, uplift_applied: applied, uplift_stated_in_open_court: statedInOpenCourt, uplift_announced: announced, stage_reached: stage });
    });

    it('counts the uplift announced on one of two offences, and recognises only the applied strands', () => {
      const { c, charged } = wholeCase(null);
      c.removeLast();
      c.sentenced(charged, [
        { offenceId: 'off-1', sentenceType: 'immediate_custody', uplift: { applied: false, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: [], reasonNotApplied: 'hostility_not_proved' } },
        { offenceId: 'off-2', sentenceType: 'fine', uplift: { applied: true, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: ['religion'] } },
      ], 'crown');
      expect(row(buildCaseJourney(c.caseId, c.events), charged)).toMatchObject({
        sentence: 'off-1: immediate_custody; off-2: fine', uplift_announced: true, uplift_applied: true, uplift_strands: ['religion'], stage_reached: 'uplift_announced',
      });
    });

    it('reads a version 1 sentence through its upcaster', () => {
      const { c, charged } = wholeCase(null);
      c.removeLast();
      c.sentencedV1(charged, '2 years', ANNOUNCED);
      expect(row(buildCaseJourney(c.caseId, c.events), charged)).toMatchObject({
        sentence: 'unclassified', uplift_announced: true, uplift_provision: 'SA2020_s66', court_type: 'crown', sentence_offences: [{ offenceId: 'all', sentenceType: 'unclassified', uplift: ANNOUNCED }],
      });
    });

    it('leaves the uplift columns empty when the sentence carries no uplift decision', () => {
      const { c, charged } = wholeCase(null);
      expect(row(buildCaseJourney(c.caseId, c.events), charged)).toMatchObject({
        uplift_decided: false, uplift_applied: null, uplift_provision: null, uplift_stated_in_open_court: null, uplift_strands: [], uplift_announced: false, stage_reached: 'sentenced',
      });
    });
  });

  describe('court type', () => {
    it('is the Crown Court once the defendant is sent there, though convicted and sentenced before any Crown event arrives', () => {
      const { c, charged } = wholeCase(null);
      c.removeLast(2); // no completion nor sentence
      c.courts('CaseListed', { defendantId: charged, courtType: 'magistrates', courtCode: 'B01LY00', hearingDate: '2024-06-20', listedAt: '2024-06-03T12:00:00Z' });
      const before = buildCaseJourney(c.caseId, c.events);
      expect(row(before, charged).court_type).toBe('magistrates');
      expect(row(before, charged).case_court_type).toBe('magistrates');
      c.courts('DefendantSentToCrownCourt', { defendantId: charged, crownCourtCode: 'T20247001', sentAt: '2024-06-20T11:00:00Z' });
      const after = buildCaseJourney(c.caseId, shuffled(c.events, 5));
      expect(row(after, charged)).toMatchObject({ court_type: 'crown', case_court_type: 'crown', sent_to_crown_court_at: '2024-06-20T11:00:00Z', listed_at: '2024-06-03T12:00:00Z' });
    });
  });

  describe('victims, police outcome and hate crime status', () => {
    it('records the needs assessment, the police outcome and the victim told of the uplift', () => {
      const { c, charged } = wholeCase();
      c.police('VictimNeedsAssessed', { victimId: testId(), assessedAt: '2024-05-03T10:00:00Z', riskLevel: 'high', needs: ['safeguarding', 'communication'], enhancedService: true, specialMeasuresWanted: ['screens'] });
      c.police('PoliceOutcomeAssigned', { outcomeCode: 1, assignedAt: '2024-06-04T09:00:00Z' });
      c.cps('SpecialMeasuresAppliedFor', { victimId: testId(), measures: ['screens'], appliedAt: '2024-06-10T09:00:00Z' });
      c.informed(charged, true);
      expect(row(buildCaseJourney(c.caseId, c.events), charged)).toMatchObject({
        victims_assessed: 1,
        victim_needs_assessed_at: '2024-05-03T10:00:00Z',
        enhanced_service: true,
        victim_risk_level: 'high',
        victim_needs: ['communication', 'safeguarding'],
        special_measures_applied_for: true,
        police_outcome_code: 1,
        police_outcome_at: '2024-06-04T09:00:00Z',
        victim_informed_at: '2024-08-19T16:00:00Z',
        uplift_explained_to_victim: true,
      });
    });

    it('is a hate crime when only the CPS flags it, sliced by the CPS strands', () => {
      const c = new CaseBuilder();
      c.recorded(null);
      const id = c.suspect();
      const referral = c.referred([id], undefined);
      c.received([id], undefined, referral);
      c.cps('HateCrimeFlagApplied', { hateCrime: { strands: ['disability'], perceivedBy: ['other'] }, appliedAt: '2024-05-25T10:00:00Z', reason: 'hostility_evidenced' });
      const r = buildCaseJourney(c.caseId, c.events).rows[0]!;
      expect(r).toMatchObject({ hate_crime: true, strands: ['disability'], police_flagged: false, cps_flagged: true, police_to_cps: 'first_applied_downstream' });
    });

    it('is not a hate crime once the police removed the flag with a reason before referring', () => {
      const c = new CaseBuilder();
      c.recorded();
      c.police('HateCrimeFlagRemoved', { removedAt: '2024-05-04T10:00:00Z', reason: 'no_hostility_on_evidence' });
      expect(buildCaseJourney(c.caseId, c.events).rows[0]).toMatchObject({
        hate_crime: false, police_flagged_at_recording: true, police_flagged: false, police_flag_removed_reason: 'no_hostility_on_evidence',
      });
    });

    it('keeps the text of version 1 events out of every column and finding: descriptions dropped, reasons unclassified', () => {
      const NAME = 'Amira Haddad';
      const c = new CaseBuilder();
      const suspect = testId();
      const described = [{ ...HARASSMENT, description: `harassment of ${NAME}` }];
      c.legacy('police', 'CrimeRecorded', 1, { crimeReference: 'CR/1/24', forceCode: '01', recordedAt: '2024-05-02T21:15:00Z', offences: described, hateCrime: RACE_AND_RELIGION });
      c.suspect(suspect);
      const referral = c.legacy('police', 'CaseReferredToCps', 1, {
        urn: c.urn, forceCode: '01', referredAt: '2024-05-20T14:00:00Z', suspectIds: [suspect], offences: described, hateCrime: RACE_AND_RELIGION, victimNeedsPassedOn: true,
      });
      c.legacy('cps', 'CaseReceivedFromPolice', 1, {
        urn: c.urn, forceCode: '01', cpsArea: 'London North', receivedAt: '2024-05-20T14:00:05Z', referralEventId: referral.id, defendantIds: [suspect],
        offences: described, hateCrime: RACE_AND_RELIGION, victimNeedsReceived: true,
      });
      c.legacy('cps', 'PreChargeDecisionMade', 1, {
        urn: c.urn, defendantId: suspect, decision: 'charge', decidedAt: '2024-06-03T11:30:00Z', charges: described, hateCrime: RACE_AND_RELIGION, cpsArea: 'London North',
      });
      c.legacy('cps', 'HateCrimeFlagRemoved', 1, { removedAt: '2024-06-04T10:00:00Z', reason: `${NAME} withdrew the complaint` });
      const journey = buildCaseJourney(c.caseId, c.events);
      expect(row(journey, suspect)).toMatchObject({ charges: [HARASSMENT], cps_flag_removed_reason: 'unclassified' });
      expect(journey.findings).toEqual(expect.arrayContaining([expect.objectContaining({ finding: 'removed_with_reason', reason: 'unclassified' })]));
      expect(JSON.stringify(journey)).not.toContain(NAME);
    });
  });

  describe('financial year, April to March in UK local time', () => {
    it.each([
      ['2024-03-31T23:30:00Z', '2024/25', '00:30 BST on 1 April'],
      ['2024-03-31T22:59:00Z', '2023/24', '23:59 BST on 31 March'],
      ['2025-03-31T23:00:00Z', '2025/26', 'midnight BST on 1 April'],
      ['2024-04-01T00:00:00Z', '2024/25', '01:00 BST on 1 April'],
      ['2024-01-15T12:00:00Z', '2023/24', 'January belongs to the year that started the April before'],
      ['2025-01-01T00:00:00Z', '2024/25', 'New Year'],
      ['2024-12-31T23:59:59Z', '2024/25', "New Year's Eve in GMT"],
      ['2099-06-01T12:00:00Z', '2099/00', 'the turn of a century'],
      ['2024-04-01T00:30:00+01:00', '2024/25', 'an offset time at 00:30 BST on 1 April'],
    ])('puts %s in %s (%s)', (time, year) => {
      expect(financialYear(time)).toBe(year);
    });

    it('is taken from when the crime was recorded', () => {
      const c = new CaseBuilder();
      c.recorded(null, '2024-03-31T23:30:00Z');
      expect(buildCaseJourney(c.caseId, c.events).rows[0]!.financial_year).toBe('2024/25');
    });
  });

  it('counts each event once', () => {
    const { c } = wholeCase();
    const events: EventEnvelope[] = [...c.events, ...c.events];
    expect(buildCaseJourney(c.caseId, events).eventCount).toBe(c.events.length);
  });

  describe("each agency's stream versions", () => {
    it('never counts an event past a gap (a forged version 999 adds no defendant) nor a second event at a version taken', () => {
      const { c } = wholeCase();
      const forged = { ...c.events.find((event) => event.type.endsWith('.SuspectIdentified'))!, id: testId(), streamversion: 999, data: { caseId: c.caseId, suspectId: testId(), identifiedAt: '2024-05-11T09:00:00Z' } };
      const repeat = { ...forged, id: testId(), streamversion: 2, data: { caseId: c.caseId, suspectId: testId(), identifiedAt: '2024-05-11T09:00:00Z' } };
      const honest = buildCaseJourney(c.caseId, c.events);
      const journey = buildCaseJourney(c.caseId, [...c.events, forged, repeat]);
      expect(journey.rows).toEqual(honest.rows);
      expect(journey.findings).toEqual(honest.findings);
      const timeline = buildTimeline([...c.events, forged, repeat], journey.findings);
      expect(timeline.filter((entry) => entry.held).map((entry) => entry.eventId).sort()).toEqual([forged.id, repeat.id].sort());
    });

    it('counts an event held for a gap once the missing event arrives', () => {
      const { c, charged } = wholeCase();
      const withoutConviction = c.events.filter((event) => !event.type.endsWith('.DefendantConvicted'));
      expect(row(buildCaseJourney(c.caseId, withoutConviction), charged)).toMatchObject({ stage_reached: 'convicted', sentenced_at: null }); // the CPS recorded the guilty plea; the sentence waits
      expect(row(buildCaseJourney(c.caseId, c.events), charged)).toMatchObject({ stage_reached: 'uplift_announced' });
    });
  });
});
