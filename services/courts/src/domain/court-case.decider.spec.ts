import {
  agencySource,
  eventTypeName,
  upcast,
  type DefendantSentencedV1,
  type EventEnvelope,
  type FlagRecord,
  type HateCrimeFlag,
  type Offence,
  type OffenceSentence,
  type PreChargeDecisionMade,
  type SentenceType,
  type UpliftDecision,
} from '@hc/contracts';
import { givenWhenThen, stateAfter } from '@hc/testing';
import {
  courtCaseDecider,
  type AcquitDefendant,
  type CaseListed,
  type CaseReceivedFromCps,
  type CourtHateCrimeFlagRecorded,
  type ConvictDefendant,
  type CourtsEvent,
  type DefendantAcquitted,
  type DefendantConvicted,
  type DefendantSentenced,
  type DefendantSentToCrownCourt,
  type EnterPlea,
  type InformVictimOfOutcome,
  type ListCase,
  type PleaEntered,
  type ReceiveCaseFromCps,
  type RecordHateCrimeFlag,
  type SendToCrownCourt,
  type SentenceDefendant,
  type VictimInformedOfOutcome,
} from './court-case.decider';

const given = givenWhenThen(courtCaseDecider);

const caseId = '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b';
const chargeEventId = '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
const firstDefendant = '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01';
const secondDefendant = '9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const secondChargeEventId = 'b8c9d0e1-f2a3-4b4c-8d5e-6f7a8b9c0d1e';
const victimId = 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f';

const raciallyAggravatedHarassment: Offence = {
  offenceId: 'off-2',
  code: '8L',
  aggravatedUnder: 'CDA1998_s31',
};
const commonAssault: Offence = { offenceId: 'off-3', code: '105A' };
const raceAndReligion: HateCrimeFlag = {
  strands: ['race', 'religion'],
  perceivedBy: ['victim', 'officer'],
  religionTargetedGroup: 'anti_muslim',
};

/** The CPS event the courts consumer reads, exactly as it arrives on the CPS topic. */
function cpsCharge(overrides: Partial<PreChargeDecisionMade['data']> = {}): PreChargeDecisionMade['data'] {
  return {
    caseId,
    urn: '01/AB/12345/24',
    defendantId: firstDefendant,
    decision: 'charge',
    decidedAt: '2024-06-03T11:30:00Z',
    charges: [raciallyAggravatedHarassment],
    hateCrime: raceAndReligion,
    cpsArea: 'London North',
    ...overrides,
  };
}

/** Built the way the CPS charges consumer builds it from a charge decision. */
function receiveCase(charge = cpsCharge(), eventId = chargeEventId): ReceiveCaseFromCps {
  return {
    type: 'ReceiveCaseFromCps',
    chargeEventId: eventId,
    receivedAt: '2024-06-03T11:30:04Z',
    charge: {
      caseId: charge.caseId,
      urn: charge.urn,
      defendantId: charge.defendantId,
      charges: charge.charges,
      cpsArea: charge.cpsArea,
      ...(charge.hateCrime ? { hateCrime: charge.hateCrime } : {}),
    },
  };
}

function caseReceived(overrides: Partial<CaseReceivedFromCps['data']> = {}): CaseReceivedFromCps {
  return {
    type: 'CaseReceivedFromCps',
    data: {
      caseId,
      urn: '01/AB/12345/24',
      defendantId: firstDefendant,
      receivedAt: '2024-06-03T11:30:04Z',
      chargeEventId,
      charges: [raciallyAggravatedHarassment],
      hateCrime: raceAndReligion,
      cpsArea: 'London North',
      ...overrides,
    },
  };
}

function unflaggedCaseReceived(overrides: Partial<CaseReceivedFromCps['data']> = {}): CaseReceivedFromCps {
  const { hateCrime: _flag, ...data } = caseReceived({ charges: [commonAssault], ...overrides }).data;
  return { type: 'CaseReceivedFromCps', data };
}

/** A flagged defendant charged with two offences. */
const twoOffencesReceived = () => caseReceived({ charges: [raciallyAggravatedHarassment, commonAssault] });

// ---- listing and sending ----------------------------------------------------------------------
function listCase(defendantId = firstDefendant): ListCase {
  return { type: 'ListCase', caseId, defendantId, courtCode: 'B01LY00', hearingDate: '2024-06-17', listedAt: '2024-06-04T09:00:00Z' };
}

function listed(defendantId = firstDefendant): CaseListed {
  return {
    type: 'CaseListed',
    data: { caseId, defendantId, courtType: 'magistrates', courtCode: 'B01LY00', hearingDate: '2024-06-17', listedAt: '2024-06-04T09:00:00Z' },
  };
}

function sendToCrownCourt(defendantId = firstDefendant): SendToCrownCourt {
  return { type: 'SendToCrownCourt', caseId, defendantId, crownCourtCode: 'T20247001', sentAt: '2024-06-17T11:00:00Z' };
}

function sentToCrownCourt(defendantId = firstDefendant): DefendantSentToCrownCourt {
  return { type: 'DefendantSentToCrownCourt', data: { caseId, defendantId, crownCourtCode: 'T20247001', sentAt: '2024-06-17T11:00:00Z' } };
}

// ---- pleas and verdicts -----------------------------------------------------------------------
function enterPlea(plea: EnterPlea['plea'], courtType: EnterPlea['courtType'] = 'magistrates', defendantId = firstDefendant): EnterPlea {
  return { type: 'EnterPlea', caseId, defendantId, plea, courtType, enteredAt: '2024-06-17T10:15:00Z' };
}

function pleaEntered(plea: PleaEntered['data']['plea'], courtType: PleaEntered['data']['courtType'] = 'magistrates'): PleaEntered {
  return { type: 'PleaEntered', data: { caseId, defendantId: firstDefendant, plea, courtType, enteredAt: '2024-06-17T10:15:00Z' } };
}

function convict(defendantId = firstDefendant, overrides: Partial<ConvictDefendant> = {}): ConvictDefendant {
  return {
    type: 'ConvictDefendant',
    caseId,
    defendantId,
    convictedAt: '2024-07-01T10:30:00Z',
    basis: 'guilty_plea',
    courtType: 'magistrates',
    ...overrides,
  };
}

function convicted(defendantId = firstDefendant, overrides: Partial<DefendantConvicted['data']> = {}): DefendantConvicted {
  return {
    type: 'DefendantConvicted',
    data: { caseId, defendantId, convictedAt: '2024-07-01T10:30:00Z', basis: 'guilty_plea', courtType: 'magistrates', ...overrides },
  };
}

/** Convicted before the Sentencing Code came into force on 1 December 2020. */
const convictedIn2019 = () => convicted(firstDefendant, { convictedAt: '2019-03-14T12:00:00Z' });

function acquit(courtType: AcquitDefendant['courtType'] = 'magistrates', defendantId = firstDefendant): AcquitDefendant {
  return { type: 'AcquitDefendant', caseId, defendantId, basis: 'acquitted_after_trial', courtType, acquittedAt: '2024-07-01T16:00:00Z' };
}

function acquitted(courtType: DefendantAcquitted['data']['courtType'] = 'magistrates'): DefendantAcquitted {
  return {
    type: 'DefendantAcquitted',
    data: { caseId, defendantId: firstDefendant, basis: 'acquitted_after_trial', courtType, acquittedAt: '2024-07-01T16:00:00Z' },
  };
}

// ---- sentence ---------------------------------------------------------------------------------
const upliftApplied: UpliftDecision = {
  applied: true,
  provision: 'SA2020_s66',
  statedInOpenCourt: true,
  strandsRecognised: ['race', 'religion'],
};

const upliftNotApplied: UpliftDecision = {
  applied: false,
  provision: 'SA2020_s66',
  statedInOpenCourt: false,
  strandsRecognised: [],
  reasonNotApplied: 'hostility_not_proved',
};

const SENTENCE = 'suspended_sentence' as const;

function offenceSentence(offenceId: string, uplift?: UpliftDecision, sentenceType: SentenceType = SENTENCE): OffenceSentence {
  return { offenceId, sentenceType, ...(uplift ? { uplift } : {}) };
}

/** The sentence of the one charged offence, off-2 (or off-3 in the unflagged case). */
function sentence(uplift?: UpliftDecision, defendantId = firstDefendant, offenceId = 'off-2'): SentenceDefendant {
  return sentenceOffences([offenceSentence(offenceId, uplift)], defendantId);
}

function sentenceOffences(offences: readonly OffenceSentence[], defendantId = firstDefendant, courtType: SentenceDefendant['courtType'] = 'magistrates'): SentenceDefendant {
  return { type: 'SentenceDefendant', caseId, defendantId, sentencedAt: '2024-07-29T14:00:00Z', courtType, offences };
}

function sentenced(uplift?: UpliftDecision, defendantId = firstDefendant, offenceId = 'off-2'): DefendantSentenced {
  return sentencedOffences([offenceSentence(offenceId, uplift)], defendantId);
}

function sentencedOffences(offences: readonly OffenceSentence[], defendantId = firstDefendant, courtType: DefendantSentenced['data']['courtType'] = 'magistrates'): DefendantSentenced {
  return { type: 'DefendantSentenced', data: { caseId, defendantId, sentencedAt: '2024-07-29T14:00:00Z', courtType, offences } };
}

// ---- the court's record of the flag -----------------------------------------------------------
function recordFlag(record: FlagRecord, defendantId = firstDefendant): RecordHateCrimeFlag {
  return { type: 'RecordHateCrimeFlag', caseId, defendantId, record, recordedAt: '2024-06-20T02:00:00Z' };
}

function flagRecorded(record: FlagRecord, defendantId = firstDefendant): CourtHateCrimeFlagRecorded {
  return { type: 'HateCrimeFlagRecorded', data: { caseId, defendantId, ...record, recordedAt: '2024-06-20T02:00:00Z' } };
}

// ---- victim -----------------------------------------------------------------------------------
function informVictim(upliftExplained: boolean, defendantId = firstDefendant): InformVictimOfOutcome {
  return { type: 'InformVictimOfOutcome', caseId, defendantId, victimId, informedAt: '2024-07-30T09:00:00Z', upliftExplained };
}

function victimInformed(upliftExplained: boolean): VictimInformedOfOutcome {
  return { type: 'VictimInformedOfOutcome', data: { caseId, defendantId: firstDefendant, victimId, informedAt: '2024-07-30T09:00:00Z', upliftExplained } };
}

describe('court case decider', () => {
  describe("recording the flag as the court's system holds it", () => {
    it('records nothing when the record says what the case holds', () => {
      given(caseReceived()).when(recordFlag({ holds: 'flagged', hateCrime: raceAndReligion })).then([]);
    });

    it('records a court record without the flag the CPS charged with: lost between the CPS and the court, warned of', () => {
      const warnings = given(caseReceived())
        .when(recordFlag({ holds: 'no_flag' }))
        .thenWarns([flagRecorded({ holds: 'no_flag' })], ['flag_not_held', 'aggravated_offence_unflagged']);
      expect(warnings[0]).toMatchObject({ finding: 'lost', boundary: 'cps_to_court' });
    });

    it('records other strands than the charge, warned of, and "not a hate crime" with a reason without a warning', () => {
      const raceOnly: HateCrimeFlag = { strands: ['race'], perceivedBy: ['victim'] };
      given(caseReceived())
        .when(recordFlag({ holds: 'flagged', hateCrime: raceOnly }))
        .thenWarns([flagRecorded({ holds: 'flagged', hateCrime: raceOnly })], ['strands_differ_from_cps']);
      given(unflaggedCaseReceived(), flagRecorded({ holds: 'flagged', hateCrime: raceAndReligion }))
        .when(recordFlag({ holds: 'not_hate_crime', reason: 'no_hostility_on_evidence' }))
        .then([flagRecorded({ holds: 'not_hate_crime', reason: 'no_hostility_on_evidence' })]);
    });

    it('refuses a record whose strands contradict a racially aggravated charge, and warns of one left unflagged', () => {
      given(caseReceived())
        .when(recordFlag({ holds: 'flagged', hateCrime: { strands: ['disability'], perceivedBy: ['victim'] } }))
        .thenFails('aggravated_offence_needs_race_or_religion_strand', 'rule_broken');
      given(caseReceived())
        .when(recordFlag({ holds: 'not_hate_crime', reason: 'no_hostility_on_evidence' }))
        .thenWarns([flagRecorded({ holds: 'not_hate_crime', reason: 'no_hostility_on_evidence' })], ['aggravated_offence_unflagged']);
    });

    it('records a flag on a defendant the CPS charged unflagged, and refuses one for a defendant not before the court', () => {
      given(unflaggedCaseReceived()).when(recordFlag({ holds: 'flagged', hateCrime: raceAndReligion })).then([flagRecorded({ holds: 'flagged', hateCrime: raceAndReligion })]);
      given(caseReceived()).when(recordFlag({ holds: 'no_flag' }, secondDefendant)).thenFails('defendant_not_before_court', 'not_found');
    });

    it('holds the court record as the flag of the defendant', () => {
      const state = stateAfter(courtCaseDecider, [caseReceived(), flagRecorded({ holds: 'no_flag' })]);
      expect(state.defendants[firstDefendant]).not.toHaveProperty('hateCrime');
      expect(state.defendants[firstDefendant]).toMatchObject({ chargeFlag: raceAndReligion, flagRecord: { holds: 'no_flag' } });
    });
  });

  describe('receiving a charged defendant from the CPS', () => {
    it('opens the court case with the flag and strands carried unchanged from the CPS charge', () => {
      given().when(receiveCase()).then([caseReceived()]);
    });

    it('opens an unflagged charge without a hateCrime field at all', () => {
      const { hateCrime: _flag, ...unflagged } = cpsCharge({ charges: [commonAssault] });
      given().when(receiveCase(unflagged)).then([unflaggedCaseReceived()]);
    });

    it('does nothing when the same charge event is delivered again', () => {
      given(caseReceived()).when(receiveCase()).then([]);
    });

    it('refuses a second, different charge of a defendant already before the court', () => {
      given(caseReceived())
        .when(receiveCase(cpsCharge(), secondChargeEventId))
        .thenFails('defendant_already_before_court', 'conflict');
    });

    it('adds a second defendant charged on the same URN', () => {
      given(caseReceived())
        .when(receiveCase(cpsCharge({ defendantId: secondDefendant }), secondChargeEventId))
        .then([caseReceived({ defendantId: secondDefendant, chargeEventId: secondChargeEventId })]);
    });

    it('refuses a second defendant sent under a different URN from the one the case is held under', () => {
      given(caseReceived())
        .when(receiveCase(cpsCharge({ defendantId: secondDefendant, urn: '01/AB/99999/24' }), secondChargeEventId))
        .thenFails('urn_changed', 'conflict');
    });
  });

  describe('a defendant the CPS has not sent to court', () => {
    const commands: Array<[string, () => Parameters<ReturnType<typeof given>['when']>[0]]> = [
      ['listing', () => listCase(secondDefendant)],
      ['sending to the Crown Court', () => sendToCrownCourt(secondDefendant)],
      ['a plea', () => enterPlea('guilty', 'magistrates', secondDefendant)],
      ['a conviction', () => convict(secondDefendant)],
      ['an acquittal', () => acquit('magistrates', secondDefendant)],
      ['a sentence', () => sentence(upliftApplied, secondDefendant)],
      ['telling the victim', () => informVictim(false, secondDefendant)],
    ];

    it.each(commands)('refuses %s for a defendant not before the court', (_what, command) => {
      given(caseReceived()).when(command()).thenFails('defendant_not_before_court', 'not_found');
    });

    it('refuses to convict a defendant on a case the court has never received', () => {
      given().when(convict()).thenFails('defendant_not_before_court', 'not_found');
    });
  });

  describe("listing the first hearing at a magistrates' court", () => {
    it("lists a defendant before the court at a magistrates' court", () => {
      given(caseReceived()).when(listCase()).then([listed()]);
    });

    it('refuses to list the same defendant twice', () => {
      given(caseReceived(), listed()).when(listCase()).thenFails('already_listed', 'conflict');
    });

    it('lists a second defendant of the same case separately', () => {
      given(caseReceived(), caseReceived({ defendantId: secondDefendant, chargeEventId: secondChargeEventId }), listed())
        .when(listCase(secondDefendant))
        .then([listed(secondDefendant)]);
    });
  });

  describe('sending a defendant to the Crown Court', () => {
    it('sends a listed defendant to the Crown Court', () => {
      given(caseReceived(), listed()).when(sendToCrownCourt()).then([sentToCrownCourt()]);
    });

    it("commits a defendant convicted at the magistrates' court to the Crown Court for sentence", () => {
      given(caseReceived(), listed(), convicted()).when(sendToCrownCourt()).then([sentToCrownCourt()]);
    });

    it("sends a defendant whose listing at a magistrates' court was never recorded, with a warning", () => {
      given(caseReceived()).when(sendToCrownCourt()).thenWarns([sentToCrownCourt()], ['not_listed']);
    });

    it('refuses to send the same defendant twice', () => {
      given(caseReceived(), listed(), sentToCrownCourt()).when(sendToCrownCourt()).thenFails('already_sent_to_crown_court', 'conflict');
    });

    it('refuses to send an acquitted defendant', () => {
      given(caseReceived(), listed(), acquitted()).when(sendToCrownCourt()).thenFails('already_acquitted', 'conflict');
    });

    it('refuses to send a defendant who was already sentenced', () => {
      given(caseReceived(), listed(), convicted(), sentenced(upliftApplied)).when(sendToCrownCourt()).thenFails('already_sentenced', 'conflict');
    });
  });

  describe('entering a plea', () => {
    it("records a plea at the magistrates' court", () => {
      given(caseReceived(), listed()).when(enterPlea('not_guilty')).then([pleaEntered('not_guilty')]);
    });

    it('records a plea at the Crown Court once the defendant was sent there', () => {
      given(caseReceived(), listed(), sentToCrownCourt()).when(enterPlea('guilty', 'crown')).then([pleaEntered('guilty', 'crown')]);
    });

    it('records a change of plea from not guilty to guilty', () => {
      given(caseReceived(), pleaEntered('not_guilty')).when(enterPlea('guilty')).then([pleaEntered('guilty')]);
    });

    it('refuses a plea at the Crown Court from a defendant who was never sent there', () => {
      given(caseReceived(), listed()).when(enterPlea('guilty', 'crown')).thenFails('wrong_court', 'rule_broken');
    });

    it("refuses a plea at the magistrates' court from a defendant sent to the Crown Court", () => {
      given(caseReceived(), listed(), sentToCrownCourt()).when(enterPlea('guilty', 'magistrates')).thenFails('wrong_court', 'rule_broken');
    });

    it('refuses a plea after the conviction', () => {
      given(caseReceived(), convicted()).when(enterPlea('guilty')).thenFails('already_convicted', 'conflict');
    });

    it('refuses a plea after an acquittal', () => {
      given(caseReceived(), acquitted()).when(enterPlea('guilty')).thenFails('already_acquitted', 'conflict');
    });
  });

  describe('convicting a defendant', () => {
    it('convicts a defendant who is before the court', () => {
      given(caseReceived()).when(convict()).then([convicted()]);
    });

    it('convicts on a guilty plea after the plea was entered', () => {
      given(caseReceived(), listed(), pleaEntered('guilty')).when(convict()).then([convicted()]);
    });

    it('convicts at the Crown Court after trial once the defendant was sent there', () => {
      given(caseReceived(), listed(), sentToCrownCourt(), pleaEntered('not_guilty', 'crown'))
        .when(convict(firstDefendant, { basis: 'after_trial', courtType: 'crown' }))
        .then([convicted(firstDefendant, { basis: 'after_trial', courtType: 'crown' })]);
    });

    it('convicts on a guilty plea when a not guilty plea was later changed to guilty', () => {
      given(caseReceived(), pleaEntered('not_guilty'), pleaEntered('guilty')).when(convict()).then([convicted()]);
    });

    it('refuses a conviction on a guilty plea from a defendant whose plea stands at not guilty', () => {
      given(caseReceived(), pleaEntered('not_guilty')).when(convict()).thenFails('no_guilty_plea', 'rule_broken');
    });

    it('refuses a conviction at the Crown Court of a defendant never sent there', () => {
      given(caseReceived(), listed()).when(convict(firstDefendant, { courtType: 'crown' })).thenFails('wrong_court', 'rule_broken');
    });

    it('refuses to convict the same defendant twice', () => {
      given(caseReceived(), convicted()).when(convict()).thenFails('already_convicted', 'conflict');
    });

    it('refuses to convict a defendant who was acquitted', () => {
      given(caseReceived(), acquitted()).when(convict()).thenFails('already_acquitted', 'conflict');
    });
  });

  describe('acquitting a defendant', () => {
    it('acquits a defendant after trial', () => {
      given(caseReceived(), listed(), pleaEntered('not_guilty')).when(acquit()).then([acquitted()]);
    });

    it('acquits at the Crown Court once the defendant was sent there', () => {
      given(caseReceived(), listed(), sentToCrownCourt()).when(acquit('crown')).then([acquitted('crown')]);
    });

    it('refuses an acquittal at the Crown Court of a defendant never sent there', () => {
      given(caseReceived(), listed()).when(acquit('crown')).thenFails('wrong_court', 'rule_broken');
    });

    it('refuses to acquit a convicted defendant', () => {
      given(caseReceived(), convicted()).when(acquit()).thenFails('already_convicted', 'conflict');
    });

    it('refuses to acquit the same defendant twice', () => {
      given(caseReceived(), acquitted()).when(acquit()).thenFails('already_acquitted', 'conflict');
    });
  });

  describe('sentencing a defendant, offence by offence', () => {
    it('sentences a convicted defendant in a flagged case with the uplift decision', () => {
      given(caseReceived(), convicted()).when(sentence(upliftApplied)).then([sentenced(upliftApplied)]);
    });

    it('sentences each charged offence with its own sentence and uplift decision', () => {
      const offences = [offenceSentence('off-3', upliftNotApplied, 'fine'), offenceSentence('off-2', upliftApplied)];
      given(twoOffencesReceived(), convicted()).when(sentenceOffences(offences)).then([sentencedOffences(offences)]);
    });

    it('records the strands the court recognised in their canonical order', () => {
      given(caseReceived(), convicted())
        .when(sentence({ ...upliftApplied, strandsRecognised: ['religion', 'race'] }))
        .then([sentenced({ ...upliftApplied, strandsRecognised: ['race', 'religion'] })]);
    });

    it('sentences a convicted defendant in an unflagged case without any uplift', () => {
      given(unflaggedCaseReceived(), convicted()).when(sentence(undefined, firstDefendant, 'off-3')).then([sentenced(undefined, firstDefendant, 'off-3')]);
    });

    it('records an uplift that was not applied, with the reason given', () => {
      given(caseReceived(), convicted()).when(sentence(upliftNotApplied)).then([sentenced(upliftNotApplied)]);
    });

    it('sentences at the Crown Court a defendant committed there for sentence', () => {
      const offences = [offenceSentence('off-2', upliftApplied)];
      given(caseReceived(), listed(), convicted(), sentToCrownCourt())
        .when(sentenceOffences(offences, firstDefendant, 'crown'))
        .then([sentencedOffences(offences, firstDefendant, 'crown')]);
    });

    it('takes the flag from the charge of each defendant: one charged without the flag needs no uplift decision', () => {
      const unflaggedSecond = unflaggedCaseReceived({ defendantId: secondDefendant, chargeEventId: secondChargeEventId });
      given(caseReceived(), unflaggedSecond, convicted(secondDefendant))
        .when(sentence(undefined, secondDefendant, 'off-3'))
        .then([sentenced(undefined, secondDefendant, 'off-3')]);
    });

    it('refuses to sentence a defendant who has not been convicted', () => {
      given(caseReceived()).when(sentence(upliftApplied)).thenFails('no_sentence_before_conviction', 'rule_broken');
    });

    it('refuses to sentence a defendant who was acquitted', () => {
      given(caseReceived(), acquitted()).when(sentence(upliftApplied)).thenFails('already_acquitted', 'conflict');
    });

    it('refuses to sentence the same defendant twice', () => {
      given(caseReceived(), convicted(), sentenced(upliftApplied))
        .when(sentence(upliftApplied))
        .thenFails('already_sentenced', 'conflict');
    });

    it('refuses a Crown Court sentence of a defendant never sent there', () => {
      given(caseReceived(), convicted())
        .when(sentenceOffences([offenceSentence('off-2', upliftApplied)], firstDefendant, 'crown'))
        .thenFails('wrong_court', 'rule_broken');
    });

    it('refuses a sentence for an offence the defendant was not charged with', () => {
      given(caseReceived(), convicted())
        .when(sentenceOffences([offenceSentence('off-2', upliftApplied), offenceSentence('off-9', upliftApplied)]))
        .thenFails('unknown_offence', 'rule_broken');
    });

    it('refuses two sentences for the same offence', () => {
      given(caseReceived(), convicted())
        .when(sentenceOffences([offenceSentence('off-2', upliftApplied), offenceSentence('off-2', upliftNotApplied)]))
        .thenFails('offence_sentenced_twice', 'rule_broken');
    });

    it('records a sentence that leaves a charged offence out, with a warning', () => {
      given(twoOffencesReceived(), convicted())
        .when(sentenceOffences([offenceSentence('off-2', upliftApplied)]))
        .thenWarns([sentencedOffences([offenceSentence('off-2', upliftApplied)])], ['offence_not_sentenced']);
    });

    it('records an uplift decision in a case that carries no hate crime flag: first applied at sentence, warned of', () => {
      const warnings = given(unflaggedCaseReceived(), convicted())
        .when(sentence(upliftApplied, firstDefendant, 'off-3'))
        .thenWarns([sentenced(upliftApplied, firstDefendant, 'off-3')], ['uplift_in_unflagged_case']);
      expect(warnings[0]).toMatchObject({ finding: 'first_applied_downstream', boundary: 'conviction_to_sentence' });
    });

    it('records the sentence of a flagged case with no uplift decision, warning of the finding it raises', () => {
      const warnings = given(caseReceived(), convicted()).when(sentence()).thenWarns([sentenced()], ['no_uplift_decision']);
      expect(warnings[0]).toMatchObject({ finding: 'no_uplift_decision', boundary: 'conviction_to_sentence' });
    });

    it('records a flagged case where one of the offences has no uplift decision, with a warning', () => {
      const offences = [offenceSentence('off-2', upliftApplied), offenceSentence('off-3')];
      given(twoOffencesReceived(), convicted()).when(sentenceOffences(offences)).thenWarns([sentencedOffences(offences)], ['offence_without_uplift_decision']);
    });

    it('records a sentence once the court record holds the flag it was not sent, and expects its uplift decision', () => {
      given(unflaggedCaseReceived(), convicted(), flagRecorded({ holds: 'flagged', hateCrime: raceAndReligion }))
        .when(sentence(undefined, firstDefendant, 'off-3'))
        .thenWarns([sentenced(undefined, firstDefendant, 'off-3')], ['no_uplift_decision']);
    });

    it('records an applied uplift that names no strand of hostility, with a warning', () => {
      const uplift = { ...upliftApplied, strandsRecognised: [] };
      given(caseReceived(), convicted()).when(sentence(uplift)).thenWarns([sentenced(uplift)], ['uplift_needs_strand']);
    });

    it('records an uplift that was not applied without a reason, with a warning', () => {
      const uplift: UpliftDecision = { applied: false, provision: 'SA2020_s66', statedInOpenCourt: false, strandsRecognised: [] };
      given(caseReceived(), convicted()).when(sentence(uplift)).thenWarns([sentenced(uplift)], ['uplift_not_applied_needs_reason']);
    });

    describe('the statutory provision', () => {
      const s145: UpliftDecision = { applied: true, provision: 'CJA2003_s145', statedInOpenCourt: true, strandsRecognised: ['race'] };
      const s146: UpliftDecision = { applied: true, provision: 'CJA2003_s146', statedInOpenCourt: true, strandsRecognised: ['disability'] };
      const disabilityCase = () => caseReceived({ charges: [commonAssault], hateCrime: { strands: ['disability'], perceivedBy: ['victim'] } });

      it('records an older conviction uplifted under CJA 2003 s.146 for disability', () => {
        given(disabilityCase(), convictedIn2019()).when(sentence(s146, firstDefendant, 'off-3')).then([sentenced(s146, firstDefendant, 'off-3')]);
      });

      it('records an older conviction uplifted under CJA 2003 s.145 for race', () => {
        given(caseReceived(), convictedIn2019()).when(sentence(s145)).then([sentenced(s145)]);
      });

      it('applies the Sentencing Act 2020 s.66 to a conviction on 1 December 2020 itself', () => {
        given(caseReceived(), convicted(firstDefendant, { convictedAt: '2020-12-01T00:00:00Z' }))
          .when(sentence(upliftApplied))
          .then([sentenced(upliftApplied)]);
      });

      it('refuses CJA 2003 s.145 for a conviction on or after 1 December 2020', () => {
        given(caseReceived(), convicted()).when(sentence(s145)).thenFails('provision_not_in_force', 'rule_broken');
      });

      it('refuses the Sentencing Act 2020 s.66 for a conviction before 1 December 2020', () => {
        given(caseReceived(), convicted(firstDefendant, { convictedAt: '2020-11-30T23:59:59Z' }))
          .when(sentence(upliftApplied))
          .thenFails('provision_not_in_force', 'rule_broken');
      });

      it('refuses an uplift not applied that names a provision not in force at the conviction', () => {
        given(caseReceived(), convictedIn2019()).when(sentence(upliftNotApplied)).thenFails('provision_not_in_force', 'rule_broken');
      });

      it('refuses CJA 2003 s.145 for disability, which it does not cover', () => {
        given(caseReceived(), convictedIn2019())
          .when(sentence({ ...s145, strandsRecognised: ['race', 'disability'] }))
          .thenFails('provision_does_not_cover_strand', 'rule_broken');
      });

      it('refuses CJA 2003 s.146 for race, which it does not cover', () => {
        given(caseReceived(), convictedIn2019())
          .when(sentence({ ...s146, strandsRecognised: ['race'] }))
          .thenFails('provision_does_not_cover_strand', 'rule_broken');
      });

      it('accepts every strand under the Sentencing Act 2020 s.66', () => {
        const allStrands: UpliftDecision = {
          ...upliftApplied,
          strandsRecognised: ['race', 'religion', 'sexual_orientation', 'disability', 'transgender'],
        };
        given(caseReceived(), convicted()).when(sentence(allStrands)).then([sentenced(allStrands)]);
      });
    });
  });

  describe('telling the victim the outcome', () => {
    it('records that the victim was told of a sentence with the uplift explained', () => {
      given(caseReceived(), convicted(), sentenced(upliftApplied)).when(informVictim(true)).then([victimInformed(true)]);
    });

    it('records that the victim was told of a conviction before the sentence', () => {
      given(caseReceived(), convicted()).when(informVictim(false)).then([victimInformed(false)]);
    });

    it('records that the victim was told of an acquittal', () => {
      given(caseReceived(), acquitted()).when(informVictim(false)).then([victimInformed(false)]);
    });

    it('refuses to record an outcome told before there is a verdict', () => {
      given(caseReceived(), listed(), pleaEntered('not_guilty')).when(informVictim(false)).thenFails('no_outcome_yet', 'rule_broken');
    });

    it('refuses an uplift explained to the victim before the sentence', () => {
      given(caseReceived(), convicted()).when(informVictim(true)).thenFails('no_uplift_to_explain', 'rule_broken');
    });

    it('records that the victim was told the court declined the uplift', () => {
      given(caseReceived(), convicted(), sentenced(upliftNotApplied)).when(informVictim(true)).then([victimInformed(true)]);
    });

    it('refuses an uplift explained when the sentence holds no uplift decision, or before sentence', () => {
      given(unflaggedCaseReceived(), convicted(), sentenced(undefined, firstDefendant, 'off-3')).when(informVictim(true)).thenFails('no_uplift_to_explain', 'rule_broken');
      given(caseReceived(), convicted()).when(informVictim(true)).thenFails('no_uplift_to_explain', 'rule_broken');
    });
  });

  describe('evolve', () => {
    it('starts with no defendants, no URN and no flag', () => {
      expect(stateAfter(courtCaseDecider, [])).toEqual({ defendants: {} });
    });

    it('holds each defendant with their charge and flag, and the case URN and flag', () => {
      expect(stateAfter(courtCaseDecider, [caseReceived()])).toStrictEqual({
        urn: '01/AB/12345/24',
        hateCrime: raceAndReligion,
        defendants: {
          [firstDefendant]: {
            chargeEventId,
            charges: [raciallyAggravatedHarassment],
            chargeFlag: raceAndReligion,
            hateCrime: raceAndReligion,
            flagRecord: { holds: 'flagged', hateCrime: raceAndReligion },
          },
        },
      });
    });

    it('keeps the case flag when a later defendant arrives without one, and holds that defendant unflagged', () => {
      const { hateCrime: _flag, ...data } = caseReceived({ defendantId: secondDefendant, chargeEventId: secondChargeEventId }).data;
      const state = stateAfter(courtCaseDecider, [caseReceived(), { type: 'CaseReceivedFromCps', data }]);
      expect(state.hateCrime).toEqual(raceAndReligion);
      expect(Object.keys(state.defendants).sort()).toEqual([firstDefendant, secondDefendant].sort());
      expect(state.defendants[secondDefendant]!.hateCrime).toBeUndefined();
    });

    it('follows a defendant from listing through the Crown Court, plea and conviction to a sentence with the uplift applied', () => {
      const state = stateAfter(courtCaseDecider, [
        caseReceived(),
        listed(),
        sentToCrownCourt(),
        pleaEntered('guilty', 'crown'),
        convicted(firstDefendant, { courtType: 'crown' }),
        sentencedOffences([offenceSentence('off-2', upliftApplied)], firstDefendant, 'crown'),
        victimInformed(true),
      ]);
      expect(state.defendants[firstDefendant]).toStrictEqual({
        chargeEventId,
        charges: [raciallyAggravatedHarassment],
        chargeFlag: raceAndReligion,
        hateCrime: raceAndReligion,
        flagRecord: { holds: 'flagged', hateCrime: raceAndReligion },
        listed: { courtCode: 'B01LY00', hearingDate: '2024-06-17' },
        sentToCrownCourt: { crownCourtCode: 'T20247001' },
        plea: 'guilty',
        convicted: { basis: 'guilty_plea', courtType: 'crown', convictedAt: '2024-07-01T10:30:00Z' },
        sentenced: { upliftDecided: true, upliftApplied: true },
        victimsInformed: { [victimId]: { upliftExplained: true } },
      });
    });

    it('holds the last plea entered', () => {
      const state = stateAfter(courtCaseDecider, [caseReceived(), pleaEntered('not_guilty'), pleaEntered('guilty')]);
      expect(state.defendants[firstDefendant]!.plea).toBe('guilty');
    });

    it('marks an acquitted defendant', () => {
      const state = stateAfter(courtCaseDecider, [caseReceived(), acquitted()]);
      expect(state.defendants[firstDefendant]!.acquitted).toStrictEqual({ basis: 'acquitted_after_trial', courtType: 'magistrates' });
    });

    it('holds that no uplift was applied when every offence was sentenced without one', () => {
      const state = stateAfter(courtCaseDecider, [caseReceived(), convicted(), sentenced(upliftNotApplied)]);
      expect(state.defendants[firstDefendant]!.sentenced).toStrictEqual({ upliftDecided: true, upliftApplied: false });
    });

    it('ignores events about a defendant who is not before the court', () => {
      const before = stateAfter(courtCaseDecider, [caseReceived()]);
      const after = stateAfter(courtCaseDecider, [
        caseReceived(),
        listed(secondDefendant),
        sentToCrownCourt(secondDefendant),
        convicted(secondDefendant),
        sentenced(undefined, secondDefendant),
      ]);
      expect(after).toEqual(before);
    });
  });

  describe('a version 1 DefendantSentenced read back from the store', () => {
    function storedV1(data: DefendantSentencedV1['data']): EventEnvelope {
      return {
        specversion: '1.0',
        id: 'd1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a',
        source: agencySource('courts'),
        type: eventTypeName('courts', 'DefendantSentenced'),
        time: '2024-07-29T14:00:01Z',
        subject: caseId,
        datacontenttype: 'application/json',
        causationid: 'e2f3a4b5-c6d7-4e8f-9a0b-1c2d3e4f5a6b',
        correlationid: caseId,
        streamversion: 3,
        schemaversion: 1,
        data,
      };
    }
    const v1Data = { caseId, defendantId: firstDefendant, sentencedAt: '2024-07-29T14:00:00Z', courtType: 'magistrates' as const, sentence: '12 weeks custody suspended for 12 months' };
    const asDomainEvent = (envelope: EventEnvelope) => ({ type: 'DefendantSentenced', data: upcast(envelope).data }) as CourtsEvent;

    it('is upcast to the latest version with one sentence for all offences, its text unclassified, and folds as a sentence with the uplift applied', () => {
      const upcastEvent = asDomainEvent(storedV1({ ...v1Data, uplift: upliftApplied }));
      expect(upcastEvent).toStrictEqual(sentencedOffences([{ offenceId: 'all', sentenceType: 'unclassified', uplift: upliftApplied }]));

      const state = stateAfter(courtCaseDecider, [caseReceived(), convicted(), upcastEvent]);
      expect(state.defendants[firstDefendant]!.sentenced).toStrictEqual({ upliftDecided: true, upliftApplied: true });
      given(caseReceived(), convicted(), upcastEvent).when(sentence(upliftApplied)).thenFails('already_sentenced', 'conflict');
      given(caseReceived(), convicted(), upcastEvent).when(informVictim(true)).then([victimInformed(true)]);
    });

    it('folds an unflagged version 1 sentence, without uplift, as a sentence with no uplift to explain', () => {
      const upcastEvent = asDomainEvent(storedV1(v1Data));
      expect(upcastEvent).toStrictEqual(sentencedOffences([{ offenceId: 'all', sentenceType: 'unclassified' }]));
      given(unflaggedCaseReceived(), convicted(), upcastEvent).when(informVictim(true)).thenFails('no_uplift_to_explain', 'rule_broken');
    });
  });
});
