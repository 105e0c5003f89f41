import type { CaseReferredToCps, HateCrimeFlag, Offence } from '@hc/contracts';
import { givenWhenThen, stateAfter } from '@hc/testing';
import {
  cpsCaseDecider,
  type CaseReceivedFromPolice,
  type MakePreChargeDecision,
  type PreChargeDecisionMade,
  type ReceiveCaseFromPolice,
} from './cps-case.decider';

const given = givenWhenThen(cpsCaseDecider);

const caseId = '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b';
const referralEventId = '3e2d1c0b-4a59-4876-9a5b-4c3d2e1f0a9b';
const firstDefendant = '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01';
const secondDefendant = '9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d';

const harassment: Offence = {
  offenceId: 'off-1',
  code: '8L',
  description: 'Harassment, alarm or distress (Public Order Act 1986 s.4A)',
};
const raciallyAggravatedHarassment: Offence = {
  offenceId: 'off-2',
  code: '8L',
  description: 'Racially or religiously aggravated harassment, alarm or distress',
  aggravatedUnder: 'CDA1998_s31',
};
const raceAndReligion: HateCrimeFlag = {
  strands: ['race', 'religion'],
  perceivedBy: ['victim', 'officer'],
  religionTargetedGroup: 'anti_muslim',
};
const sexualOrientationOnly: HateCrimeFlag = { strands: ['sexual_orientation'], perceivedBy: ['victim'] };

/** The police event the CPS consumer reads, exactly as it arrives on the police topic. */
function policeReferral(overrides: Partial<CaseReferredToCps['data']> = {}): CaseReferredToCps['data'] {
  return {
    caseId,
    urn: '01/AB/12345/24',
    forceCode: '01',
    referredAt: '2024-05-20T14:00:00Z',
    suspectIds: [firstDefendant, secondDefendant],
    offences: [raciallyAggravatedHarassment],
    hateCrime: raceAndReligion,
    victimNeedsPassedOn: true,
    ...overrides,
  };
}

/** Built the way the police referrals consumer builds it: the referral is passed on untouched. */
function receiveCase(referral = policeReferral(), eventId = referralEventId): ReceiveCaseFromPolice {
  return { type: 'ReceiveCaseFromPolice', referralEventId: eventId, receivedAt: '2024-05-20T14:00:05Z', referral };
}

function caseReceived(overrides: Partial<CaseReceivedFromPolice['data']> = {}): CaseReceivedFromPolice {
  return {
    type: 'CaseReceivedFromPolice',
    data: {
      caseId,
      urn: '01/AB/12345/24',
      forceCode: '01',
      cpsArea: 'London North',
      receivedAt: '2024-05-20T14:00:05Z',
      referralEventId,
      defendantIds: [firstDefendant, secondDefendant],
      offences: [raciallyAggravatedHarassment],
      hateCrime: raceAndReligion,
      victimNeedsReceived: true,
      ...overrides,
    },
  };
}

function unflaggedCaseReceived(): CaseReceivedFromPolice {
  const { hateCrime: _flag, ...data } = caseReceived({ offences: [harassment] }).data;
  return { type: 'CaseReceivedFromPolice', data };
}

function decideFor(defendantId: string, overrides: Partial<MakePreChargeDecision> = {}): MakePreChargeDecision {
  return {
    type: 'MakePreChargeDecision',
    caseId,
    defendantId,
    decision: 'charge',
    decidedAt: '2024-06-03T11:30:00Z',
    charges: [raciallyAggravatedHarassment],
    ...overrides,
  };
}

function decisionMade(defendantId: string, overrides: Partial<PreChargeDecisionMade['data']> = {}): PreChargeDecisionMade {
  return {
    type: 'PreChargeDecisionMade',
    data: {
      caseId,
      urn: '01/AB/12345/24',
      defendantId,
      decision: 'charge',
      decidedAt: '2024-06-03T11:30:00Z',
      charges: [raciallyAggravatedHarassment],
      hateCrime: raceAndReligion,
      cpsArea: 'London North',
      ...overrides,
    },
  };
}

describe('CPS case decider', () => {
  describe('receiving a case from the police', () => {
    it('opens the case with the flag and strands carried unchanged from the police referral', () => {
      given().when(receiveCase()).then([caseReceived()]);
    });

    it('looks up the CPS area from the force, so a West Midlands case goes to CPS West Midlands', () => {
      given()
        .when(receiveCase(policeReferral({ forceCode: '20', urn: '20/MW/4567/24' })))
        .then([caseReceived({ forceCode: '20', urn: '20/MW/4567/24', cpsArea: 'West Midlands' })]);
    });

    it('opens an unflagged referral without a hateCrime field at all', () => {
      const { hateCrime: _flag, ...unflagged } = policeReferral({ offences: [harassment] });
      given().when(receiveCase(unflagged)).then([unflaggedCaseReceived()]);
    });

    it('passes on that the police did not pass on victim needs', () => {
      given()
        .when(receiveCase(policeReferral({ victimNeedsPassedOn: false })))
        .then([caseReceived({ victimNeedsReceived: false })]);
    });

    it('does nothing when the same referral event is delivered again', () => {
      given(caseReceived()).when(receiveCase()).then([]);
    });

    it('refuses a second, different referral of a case it already holds', () => {
      given(caseReceived())
        .when(receiveCase(policeReferral(), 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'))
        .thenFails('case_already_received', 'conflict');
    });

    it('refuses a referral from a force that has no CPS area', () => {
      given()
        .when(receiveCase(policeReferral({ forceCode: '99', urn: '99/AB/12345/24' })))
        .thenFails('unknown_force', 'rule_broken');
    });
  });

  describe('making a pre-charge decision', () => {
    it('charges a defendant and carries the flag, URN and CPS area to the court', () => {
      given(caseReceived()).when(decideFor(firstDefendant)).then([decisionMade(firstDefendant)]);
    });

    it('records no further action without charges, still carrying the flag', () => {
      given(caseReceived())
        .when(decideFor(secondDefendant, { decision: 'no_further_action_evidential', charges: [] }))
        .then([decisionMade(secondDefendant, { decision: 'no_further_action_evidential', charges: [] })]);
    });

    it('charges a defendant in an unflagged case without a hateCrime field at all', () => {
      const { hateCrime: _flag, ...data } = decisionMade(firstDefendant, { charges: [harassment] }).data;
      given(unflaggedCaseReceived())
        .when(decideFor(firstDefendant, { charges: [harassment] }))
        .then([{ type: 'PreChargeDecisionMade', data }]);
    });

    it('decides for the second defendant after the first has been decided', () => {
      given(caseReceived(), decisionMade(firstDefendant))
        .when(decideFor(secondDefendant, { decision: 'out_of_court_disposal', charges: [] }))
        .then([decisionMade(secondDefendant, { decision: 'out_of_court_disposal', charges: [] })]);
    });

    it('refuses a decision on a case the police never referred', () => {
      given().when(decideFor(firstDefendant)).thenFails('no_referral', 'not_found');
    });

    it('refuses a decision for a defendant who was not referred on the case', () => {
      given(caseReceived())
        .when(decideFor('5c4b3a29-1807-4f6e-9d5c-4b3a29180706'))
        .thenFails('unknown_defendant', 'not_found');
    });

    it('refuses a second decision for the same defendant', () => {
      given(caseReceived(), decisionMade(firstDefendant, { decision: 'no_further_action_public_interest', charges: [] }))
        .when(decideFor(firstDefendant))
        .thenFails('decision_already_made', 'conflict');
    });

    it('refuses a decision to charge that names no offence', () => {
      given(caseReceived()).when(decideFor(firstDefendant, { charges: [] })).thenFails('charge_needs_offence', 'rule_broken');
    });

    it.each(['no_further_action_evidential', 'no_further_action_public_interest', 'out_of_court_disposal', 'administratively_finalised'] as const)(
      'refuses charges given with a %s decision',
      (decision) => {
        given(caseReceived())
          .when(decideFor(firstDefendant, { decision, charges: [harassment] }))
          .thenFails('charges_only_with_charge_decision', 'rule_broken');
      },
    );

    it('refuses a racially or religiously aggravated charge when the flag has neither race nor religion', () => {
      given(caseReceived({ hateCrime: sexualOrientationOnly }))
        .when(decideFor(firstDefendant))
        .thenFails('aggravated_offence_needs_race_or_religion_strand', 'rule_broken');
    });

    it('refuses a racially or religiously aggravated charge in a case that is not flagged', () => {
      given(unflaggedCaseReceived())
        .when(decideFor(firstDefendant))
        .thenFails('aggravated_offence_needs_race_or_religion_strand', 'rule_broken');
    });
  });

  describe('evolve', () => {
    it('starts with no case', () => {
      expect(stateAfter(cpsCaseDecider, [])).toEqual({ status: 'none' });
    });

    it('holds the received case with every referred defendant awaiting a decision', () => {
      expect(stateAfter(cpsCaseDecider, [caseReceived()])).toEqual({
        status: 'received',
        caseId,
        urn: '01/AB/12345/24',
        cpsArea: 'London North',
        referralEventId,
        hateCrime: raceAndReligion,
        offences: [raciallyAggravatedHarassment],
        decisions: { [firstDefendant]: null, [secondDefendant]: null },
      });
    });

    it('records each decision against its defendant', () => {
      const state = stateAfter(cpsCaseDecider, [
        caseReceived(),
        decisionMade(secondDefendant, { decision: 'no_further_action_evidential', charges: [] }),
      ]);
      expect(state).toMatchObject({ decisions: { [firstDefendant]: null, [secondDefendant]: 'no_further_action_evidential' } });
    });

    it('ignores a decision that arrives before the case was received', () => {
      expect(stateAfter(cpsCaseDecider, [decisionMade(firstDefendant)])).toEqual({ status: 'none' });
    });
  });
});
