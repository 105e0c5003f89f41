import type { HateCrimeFlag, Offence, PreChargeDecisionMade, UpliftDecision } from '@hc/contracts';
import { givenWhenThen, stateAfter } from '@hc/testing';
import {
  courtCaseDecider,
  type CaseReceivedFromCps,
  type ConvictDefendant,
  type DefendantConvicted,
  type DefendantSentenced,
  type ReceiveCaseFromCps,
  type SentenceDefendant,
} from './court-case.decider';

const given = givenWhenThen(courtCaseDecider);

const caseId = '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b';
const chargeEventId = '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
const firstDefendant = '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01';
const secondDefendant = '9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const secondChargeEventId = 'b8c9d0e1-f2a3-4b4c-8d5e-6f7a8b9c0d1e';

const raciallyAggravatedHarassment: Offence = {
  offenceId: 'off-2',
  code: '8L',
  description: 'Racially or religiously aggravated harassment, alarm or distress',
  aggravatedUnder: 'CDA1998_s31',
};
const commonAssault: Offence = { offenceId: 'off-3', code: '105A', description: 'Common assault' };
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

function unflaggedCaseReceived(): CaseReceivedFromCps {
  const { hateCrime: _flag, ...data } = caseReceived({ charges: [commonAssault] }).data;
  return { type: 'CaseReceivedFromCps', data };
}

function convict(defendantId = firstDefendant): ConvictDefendant {
  return { type: 'ConvictDefendant', caseId, defendantId, convictedAt: '2024-07-01T10:30:00Z', basis: 'guilty_plea', courtType: 'magistrates' };
}

function convicted(defendantId = firstDefendant): DefendantConvicted {
  return { type: 'DefendantConvicted', data: { caseId, defendantId, convictedAt: '2024-07-01T10:30:00Z', basis: 'guilty_plea', courtType: 'magistrates' } };
}

const upliftApplied: UpliftDecision = {
  applied: true,
  provision: 'SA2020_s66',
  statedInOpenCourt: true,
  strandsRecognised: ['race', 'religion'],
};

function sentence(uplift?: UpliftDecision, defendantId = firstDefendant): SentenceDefendant {
  return {
    type: 'SentenceDefendant',
    caseId,
    defendantId,
    sentencedAt: '2024-07-29T14:00:00Z',
    courtType: 'magistrates',
    sentence: '12 weeks custody suspended for 12 months',
    ...(uplift ? { uplift } : {}),
  };
}

function sentenced(uplift?: UpliftDecision, defendantId = firstDefendant): DefendantSentenced {
  return {
    type: 'DefendantSentenced',
    data: {
      caseId,
      defendantId,
      sentencedAt: '2024-07-29T14:00:00Z',
      courtType: 'magistrates',
      sentence: '12 weeks custody suspended for 12 months',
      ...(uplift ? { uplift } : {}),
    },
  };
}

describe('court case decider', () => {
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

  describe('convicting a defendant', () => {
    it('convicts a defendant who is before the court', () => {
      given(caseReceived()).when(convict()).then([convicted()]);
    });

    it('refuses to convict a defendant the CPS has not sent to court', () => {
      given(caseReceived()).when(convict(secondDefendant)).thenFails('defendant_not_before_court', 'not_found');
    });

    it('refuses to convict a defendant on a case the court has never received', () => {
      given().when(convict()).thenFails('defendant_not_before_court', 'not_found');
    });

    it('refuses to convict the same defendant twice', () => {
      given(caseReceived(), convicted()).when(convict()).thenFails('already_convicted', 'conflict');
    });
  });

  describe('sentencing a defendant', () => {
    it('sentences a convicted defendant in a flagged case with the uplift decision', () => {
      given(caseReceived(), convicted()).when(sentence(upliftApplied)).then([sentenced(upliftApplied)]);
    });

    it('records the strands the court recognised in their canonical order', () => {
      given(caseReceived(), convicted())
        .when(sentence({ ...upliftApplied, strandsRecognised: ['religion', 'race'] }))
        .then([sentenced({ ...upliftApplied, strandsRecognised: ['race', 'religion'] })]);
    });

    it('sentences a convicted defendant in an unflagged case without any uplift', () => {
      given(unflaggedCaseReceived(), convicted()).when(sentence()).then([sentenced()]);
    });

    it('records an uplift that was not applied, with the reason given', () => {
      const notApplied: UpliftDecision = {
        applied: false,
        provision: 'SA2020_s66',
        statedInOpenCourt: false,
        strandsRecognised: [],
        reasonNotApplied: 'Hostility not proved to the criminal standard at the Newton hearing',
      };
      given(caseReceived(), convicted()).when(sentence(notApplied)).then([sentenced(notApplied)]);
    });

    it('records an older offence uplifted under CJA 2003 s.146 for disability', () => {
      const s146: UpliftDecision = { applied: true, provision: 'CJA2003_s146', statedInOpenCourt: true, strandsRecognised: ['disability'] };
      const disabilityCase = caseReceived({ charges: [commonAssault], hateCrime: { strands: ['disability'], perceivedBy: ['victim'] } });
      given(disabilityCase, convicted()).when(sentence(s146)).then([sentenced(s146)]);
    });

    it('refuses to sentence a defendant the CPS has not sent to court', () => {
      given(caseReceived()).when(sentence(upliftApplied, secondDefendant)).thenFails('defendant_not_before_court', 'not_found');
    });

    it('refuses to sentence a defendant who has not been convicted', () => {
      given(caseReceived()).when(sentence(upliftApplied)).thenFails('no_sentence_before_conviction', 'rule_broken');
    });

    it('refuses to sentence the same defendant twice', () => {
      given(caseReceived(), convicted(), sentenced(upliftApplied))
        .when(sentence(upliftApplied))
        .thenFails('already_sentenced', 'conflict');
    });

    it('refuses an uplift decision in a case that carries no hate crime flag', () => {
      given(unflaggedCaseReceived(), convicted()).when(sentence(upliftApplied)).thenFails('uplift_only_in_flagged_case', 'rule_broken');
    });

    it('refuses to sentence a flagged case without recording whether the uplift was applied', () => {
      given(caseReceived(), convicted()).when(sentence()).thenFails('flagged_case_needs_uplift_decision', 'rule_broken');
    });

    it('refuses an applied uplift that names no strand of hostility', () => {
      given(caseReceived(), convicted())
        .when(sentence({ ...upliftApplied, strandsRecognised: [] }))
        .thenFails('uplift_needs_strand', 'rule_broken');
    });

    it('refuses an uplift that was not applied without a reason', () => {
      given(caseReceived(), convicted())
        .when(sentence({ applied: false, provision: 'SA2020_s66', statedInOpenCourt: false, strandsRecognised: [] }))
        .thenFails('uplift_not_applied_needs_reason', 'rule_broken');
    });

    it('refuses CJA 2003 s.145 for disability, which it does not cover', () => {
      given(caseReceived(), convicted())
        .when(sentence({ applied: true, provision: 'CJA2003_s145', statedInOpenCourt: true, strandsRecognised: ['race', 'disability'] }))
        .thenFails('provision_does_not_cover_strand', 'rule_broken');
    });

    it('refuses CJA 2003 s.146 for race, which it does not cover', () => {
      given(caseReceived(), convicted())
        .when(sentence({ applied: true, provision: 'CJA2003_s146', statedInOpenCourt: true, strandsRecognised: ['race'] }))
        .thenFails('provision_does_not_cover_strand', 'rule_broken');
    });
  });

  describe('evolve', () => {
    it('starts with no defendants, no URN and no flag', () => {
      expect(stateAfter(courtCaseDecider, [])).toEqual({ defendants: {} });
    });

    it('holds each defendant with their charge, and the case URN and flag', () => {
      expect(stateAfter(courtCaseDecider, [caseReceived()])).toEqual({
        urn: '01/AB/12345/24',
        hateCrime: raceAndReligion,
        defendants: { [firstDefendant]: { chargeEventId, charges: [raciallyAggravatedHarassment], sentenced: false } },
      });
    });

    it('keeps the flag when a later defendant arrives without one', () => {
      const { hateCrime: _flag, ...data } = caseReceived({ defendantId: secondDefendant, chargeEventId: secondChargeEventId }).data;
      const state = stateAfter(courtCaseDecider, [caseReceived(), { type: 'CaseReceivedFromCps', data }]);
      expect(state.hateCrime).toEqual(raceAndReligion);
      expect(Object.keys(state.defendants).sort()).toEqual([firstDefendant, secondDefendant].sort());
    });

    it('marks a defendant convicted, then sentenced', () => {
      const state = stateAfter(courtCaseDecider, [caseReceived(), convicted(), sentenced(upliftApplied)]);
      expect(state.defendants[firstDefendant]).toEqual({
        chargeEventId,
        charges: [raciallyAggravatedHarassment],
        convicted: { basis: 'guilty_plea', courtType: 'magistrates' },
        sentenced: true,
      });
    });

    it('ignores a conviction or sentence of a defendant who is not before the court', () => {
      const before = stateAfter(courtCaseDecider, [caseReceived()]);
      const after = stateAfter(courtCaseDecider, [caseReceived(), convicted(secondDefendant), sentenced(undefined, secondDefendant)]);
      expect(after).toEqual(before);
    });
  });
});
