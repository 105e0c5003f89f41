import type { CaseReferredToCps, FlagRecord, HateCrimeFlag, Offence } from '@hc/contracts';
import { givenWhenThen, stateAfter } from '@hc/testing';
import {
  cpsCaseDecider,
  type ApplyForSpecialMeasures,
  type ApplyHateCrimeFlag,
  type CaseReceivedFromPolice,
  type CompleteProsecution,
  type ConfirmHateCrimeFlag,
  type CpsHateCrimeFlagApplied,
  type CpsHateCrimeFlagRecorded,
  type CpsHateCrimeFlagRemoved,
  type HateCrimeFlagConfirmed,
  type MakePreChargeDecision,
  type PreChargeDecisionMade,
  type ProsecutionCompleted,
  type ReceiveCaseFromPolice,
  type RecordHateCrimeFlag,
  type RemoveHateCrimeFlag,
  type SpecialMeasuresAppliedFor,
} from './cps-case.decider';

const given = givenWhenThen(cpsCaseDecider);

const caseId = '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b';
const referralEventId = '3e2d1c0b-4a59-4876-9a5b-4c3d2e1f0a9b';
const firstDefendant = '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01';
const secondDefendant = '9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d';

const harassment: Offence = {
  offenceId: 'off-1',
  code: '8L',
};
const raciallyAggravatedHarassment: Offence = {
  offenceId: 'off-2',
  code: '8L',
  aggravatedUnder: 'CDA1998_s31',
};
const raceAndReligion: HateCrimeFlag = {
  strands: ['race', 'religion'],
  perceivedBy: ['victim', 'officer'],
  religionTargetedGroup: 'anti_muslim',
};
const sexualOrientationOnly: HateCrimeFlag = { strands: ['sexual_orientation'], perceivedBy: ['victim'] };
const raceOnly: HateCrimeFlag = { strands: ['race'], perceivedBy: ['victim', 'officer'] };
const disabilityOnly: HateCrimeFlag = { strands: ['disability'], perceivedBy: ['witness'] };
const victimId = '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d';
const convictionEventId = 'c0a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b';

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

function confirmFlag(overrides: Partial<ConfirmHateCrimeFlag> = {}): ConfirmHateCrimeFlag {
  return { type: 'ConfirmHateCrimeFlag', caseId, confirmedAt: '2024-05-22T09:00:00Z', ...overrides };
}

function flagConfirmed(hateCrime: HateCrimeFlag = raceAndReligion): HateCrimeFlagConfirmed {
  return { type: 'HateCrimeFlagConfirmed', data: { caseId, hateCrime, confirmedAt: '2024-05-22T09:00:00Z' } };
}

function applyFlag(overrides: Partial<ApplyHateCrimeFlag> = {}): ApplyHateCrimeFlag {
  return {
    type: 'ApplyHateCrimeFlag',
    caseId,
    hateCrime: disabilityOnly,
    appliedAt: '2024-05-22T09:00:00Z',
    reason: 'perceived_by_victim',
    ...overrides,
  };
}

function flagApplied(): CpsHateCrimeFlagApplied {
  return {
    type: 'HateCrimeFlagApplied',
    data: {
      caseId,
      hateCrime: disabilityOnly,
      appliedAt: '2024-05-22T09:00:00Z',
      reason: 'perceived_by_victim',
    },
  };
}

function removeFlag(overrides: Partial<RemoveHateCrimeFlag> = {}): RemoveHateCrimeFlag {
  return { type: 'RemoveHateCrimeFlag', caseId, removedAt: '2024-05-22T09:00:00Z', reason: 'recorded_in_error', ...overrides };
}

function flagRemoved(): CpsHateCrimeFlagRemoved {
  return { type: 'HateCrimeFlagRemoved', data: { caseId, removedAt: '2024-05-22T09:00:00Z', reason: 'recorded_in_error' } };
}

function recordFlag(record: FlagRecord): RecordHateCrimeFlag {
  return { type: 'RecordHateCrimeFlag', caseId, record, recordedAt: '2024-05-23T02:00:00Z' };
}

function flagRecorded(record: FlagRecord, recordedAt = '2024-05-23T02:00:00Z'): CpsHateCrimeFlagRecorded {
  return { type: 'HateCrimeFlagRecorded', data: { caseId, ...record, recordedAt } };
}

function applyForMeasures(overrides: Partial<ApplyForSpecialMeasures> = {}): ApplyForSpecialMeasures {
  return { type: 'ApplyForSpecialMeasures', caseId, victimId, measures: ['screens', 'live_link'], appliedAt: '2024-06-10T09:00:00Z', ...overrides };
}

function measuresAppliedFor(measures: SpecialMeasuresAppliedFor['data']['measures'] = ['screens', 'live_link']): SpecialMeasuresAppliedFor {
  return { type: 'SpecialMeasuresAppliedFor', data: { caseId, victimId, measures, appliedAt: '2024-06-10T09:00:00Z' } };
}

function complete(defendantId: string, overrides: Partial<CompleteProsecution> = {}): CompleteProsecution {
  return { type: 'CompleteProsecution', caseId, defendantId, outcome: 'discontinued', completedAt: '2024-07-01T12:00:00Z', ...overrides };
}

function prosecutionCompleted(defendantId: string, overrides: Partial<ProsecutionCompleted['data']> = {}): ProsecutionCompleted {
  return {
    type: 'ProsecutionCompleted',
    data: { caseId, defendantId, outcome: 'discontinued', completedAt: '2024-07-01T12:00:00Z', ...overrides },
  };
}

/** As the courts consumer builds it from a `DefendantConvicted` (guilty plea) court event. */
function guiltyPleaFromCourt(defendantId: string): CompleteProsecution {
  return complete(defendantId, { outcome: 'guilty_plea', courtEventId: convictionEventId });
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

    it('records a charge after a decision not to charge was reviewed (the Victims\' Right to Review)', () => {
      given(caseReceived(), decisionMade(firstDefendant, { decision: 'no_further_action_public_interest', charges: [] }))
        .when(decideFor(firstDefendant))
        .then([decisionMade(firstDefendant)]);
    });

    it('refuses a second decision not to charge for the same defendant', () => {
      given(caseReceived(), decisionMade(firstDefendant, { decision: 'no_further_action_public_interest', charges: [] }))
        .when(decideFor(firstDefendant, { decision: 'no_further_action_evidential', charges: [] }))
        .thenFails('decision_already_made', 'conflict');
    });

    it('refuses any decision after a charge', () => {
      given(caseReceived(), decisionMade(firstDefendant))
        .when(decideFor(firstDefendant, { decision: 'no_further_action_evidential', charges: [] }))
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

    it('records a racially or religiously aggravated charge in a case that is not flagged, with a warning', () => {
      const { hateCrime: _flag, ...data } = decisionMade(firstDefendant).data;
      given(unflaggedCaseReceived())
        .when(decideFor(firstDefendant))
        .thenWarns([{ type: 'PreChargeDecisionMade', data }], ['aggravated_offence_unflagged']);
    });

    it('warns that a charge goes to court without the flag the police referred, when the CPS record holds none', () => {
      const { hateCrime: _flag, ...data } = decisionMade(firstDefendant, { charges: [harassment] }).data;
      const warnings = given(caseReceived(), flagRecorded({ holds: 'no_flag' }))
        .when(decideFor(firstDefendant, { charges: [harassment] }))
        .thenWarns([{ type: 'PreChargeDecisionMade', data }], ['charged_without_flag']);
      expect(warnings[0]).toMatchObject({ finding: 'lost', boundary: 'police_to_cps' });
    });

    it('carries to the court the strands the CPS confirmed, not the ones the police sent', () => {
      given(caseReceived(), flagConfirmed(raceOnly))
        .when(decideFor(firstDefendant))
        .then([decisionMade(firstDefendant, { hateCrime: raceOnly })]);
    });

    it('carries to the court a flag the CPS applied to a case the police did not flag', () => {
      given(unflaggedCaseReceived(), flagApplied())
        .when(decideFor(firstDefendant, { charges: [harassment] }))
        .then([decisionMade(firstDefendant, { charges: [harassment], hateCrime: disabilityOnly })]);
    });

    it('sends a charge to the court unflagged once the CPS removed the flag', () => {
      const { hateCrime: _flag, ...data } = decisionMade(firstDefendant, { charges: [harassment] }).data;
      given(caseReceived(), flagRemoved())
        .when(decideFor(firstDefendant, { charges: [harassment] }))
        .then([{ type: 'PreChargeDecisionMade', data }]);
    });

    it('records a racially or religiously aggravated charge once the CPS removed the flag, with a warning', () => {
      const { hateCrime: _flag, ...data } = decisionMade(firstDefendant).data;
      given(caseReceived(), flagRemoved())
        .when(decideFor(firstDefendant))
        .thenWarns([{ type: 'PreChargeDecisionMade', data }], ['aggravated_offence_unflagged']);
    });

    it('refuses a racially or religiously aggravated charge once the CPS confirmed the flag without race or religion', () => {
      given(caseReceived(), flagConfirmed(sexualOrientationOnly))
        .when(decideFor(firstDefendant))
        .thenFails('aggravated_offence_needs_race_or_religion_strand', 'rule_broken');
    });
  });

  describe('confirming the flag', () => {
    it('confirms the flag exactly as received when no flag is given', () => {
      given(caseReceived()).when(confirmFlag()).then([flagConfirmed(raceAndReligion)]);
    });

    it('confirms the flag with other strands, which is how the CPS changes them, warning that the strands changed', () => {
      const warnings = given(caseReceived()).when(confirmFlag({ hateCrime: raceOnly })).thenWarns([flagConfirmed(raceOnly)], ['strands_differ_from_police']);
      expect(warnings[0]).toMatchObject({ finding: 'strands_changed', boundary: 'police_to_cps' });
    });

    it('confirms again a flag it confirmed before, keeping the last confirmed strands', () => {
      given(caseReceived(), flagConfirmed(raceOnly)).when(confirmFlag()).thenWarns([flagConfirmed(raceOnly)], ['strands_differ_from_police']);
    });

    it('confirms a flag the CPS itself applied', () => {
      given(unflaggedCaseReceived(), flagApplied()).when(confirmFlag()).then([flagConfirmed(disabilityOnly)]);
    });

    it('refuses to confirm a flag on a case the police never referred', () => {
      given().when(confirmFlag()).thenFails('no_referral', 'not_found');
    });

    it('refuses to confirm a flag on a case that is not flagged', () => {
      given(unflaggedCaseReceived()).when(confirmFlag({ hateCrime: raceOnly })).thenFails('no_flag_to_confirm', 'rule_broken');
    });

    it('refuses to confirm a flag the CPS removed', () => {
      given(caseReceived(), flagRemoved()).when(confirmFlag()).thenFails('no_flag_to_confirm', 'rule_broken');
    });

    it('refuses a confirmed flag with no strand', () => {
      given(caseReceived()).when(confirmFlag({ hateCrime: { strands: [], perceivedBy: ['victim'] } })).thenFails('flag_needs_strand', 'rule_broken');
    });

    it('refuses a confirmed flag that says nobody perceived the hostility', () => {
      given(caseReceived()).when(confirmFlag({ hateCrime: { strands: ['race'], perceivedBy: [] } })).thenFails('flag_needs_perceiver', 'rule_broken');
    });

    it('refuses a religion targeted group on a confirmed flag without the religion strand', () => {
      given(caseReceived())
        .when(confirmFlag({ hateCrime: { strands: ['race'], perceivedBy: ['victim'], religionTargetedGroup: 'antisemitic' } }))
        .thenFails('religion_group_without_religion_strand', 'rule_broken');
    });

    it('refuses to drop race and religion from the flag while a racially or religiously aggravated offence is charged', () => {
      given(caseReceived(), decisionMade(firstDefendant))
        .when(confirmFlag({ hateCrime: sexualOrientationOnly }))
        .thenFails('aggravated_offence_needs_race_or_religion_strand', 'rule_broken');
    });
  });

  describe('applying a flag the police did not', () => {
    it('applies the flag with its reason', () => {
      given(unflaggedCaseReceived()).when(applyFlag()).then([flagApplied()]);
    });

    it('applies a flag again after the CPS removed the police flag, warning when its strands are not the police\'s', () => {
      given(caseReceived(), flagRemoved()).when(applyFlag()).thenWarns([flagApplied()], ['strands_differ_from_police']);
    });

    it('refuses to apply a flag on a case the police never referred', () => {
      given().when(applyFlag()).thenFails('no_referral', 'not_found');
    });

    it('refuses to apply a flag to a case that is already flagged', () => {
      given(caseReceived()).when(applyFlag()).thenFails('flag_already_applied', 'conflict');
    });

    it.each([undefined, 'unclassified'] as const)('refuses to apply a flag with the reason %j: the CPS chooses a code (unclassified is only for old events)', (reason) => {
      given(unflaggedCaseReceived()).when(applyFlag({ reason: reason as never })).thenFails('application_needs_reason', 'rule_broken');
    });

    it('refuses an applied flag with no strand', () => {
      given(unflaggedCaseReceived())
        .when(applyFlag({ hateCrime: { strands: [], perceivedBy: ['victim'] } }))
        .thenFails('flag_needs_strand', 'rule_broken');
    });

    it('refuses an applied flag that says nobody perceived the hostility', () => {
      given(unflaggedCaseReceived())
        .when(applyFlag({ hateCrime: { strands: ['disability'], perceivedBy: [] } }))
        .thenFails('flag_needs_perceiver', 'rule_broken');
    });

    it('refuses a religion targeted group on an applied flag without the religion strand', () => {
      given(unflaggedCaseReceived())
        .when(applyFlag({ hateCrime: { strands: ['disability'], perceivedBy: ['victim'], religionTargetedGroup: 'anti_sikh' } }))
        .thenFails('religion_group_without_religion_strand', 'rule_broken');
    });
  });

  describe('removing the flag', () => {
    it('removes the flag the police sent, with the reason', () => {
      given(caseReceived()).when(removeFlag()).then([flagRemoved()]);
    });

    it('removes a flag the CPS applied', () => {
      given(unflaggedCaseReceived(), flagApplied()).when(removeFlag()).then([flagRemoved()]);
    });

    it('removes the flag after a charge that is not racially or religiously aggravated', () => {
      given(caseReceived({ offences: [harassment] }), decisionMade(firstDefendant, { charges: [harassment] }))
        .when(removeFlag())
        .then([flagRemoved()]);
    });

    it('refuses to remove a flag on a case the police never referred', () => {
      given().when(removeFlag()).thenFails('no_referral', 'not_found');
    });

    it('refuses to remove a flag from a case that is not flagged', () => {
      given(unflaggedCaseReceived()).when(removeFlag()).thenFails('no_flag_to_remove', 'rule_broken');
    });

    it('refuses to remove a flag twice', () => {
      given(caseReceived(), flagRemoved()).when(removeFlag()).thenFails('no_flag_to_remove', 'rule_broken');
    });

    it('records a removal without a reason as not a hate crime, unexplained: a lost flag', () => {
      const warnings = given(caseReceived())
        .when(removeFlag({ reason: undefined }))
        .thenWarns([flagRecorded({ holds: 'not_hate_crime' }, removeFlag().removedAt)], ['flag_not_held']);
      expect(warnings[0]).toMatchObject({ finding: 'lost', boundary: 'police_to_cps' });
    });

    it('removes the flag while a racially or religiously aggravated offence is charged, with a warning', () => {
      given(caseReceived(), decisionMade(firstDefendant)).when(removeFlag()).thenWarns([flagRemoved()], ['aggravated_offence_unflagged']);
    });
  });

  describe('applying for special measures', () => {
    it('applies for special measures for the victim once a defendant is charged', () => {
      given(caseReceived(), decisionMade(firstDefendant)).when(applyForMeasures()).then([measuresAppliedFor()]);
    });

    it('applies for further measures for the same victim', () => {
      given(caseReceived(), decisionMade(firstDefendant), measuresAppliedFor())
        .when(applyForMeasures({ measures: ['intermediary'] }))
        .then([measuresAppliedFor(['intermediary'])]);
    });

    it('refuses special measures on a case the police never referred', () => {
      given().when(applyForMeasures()).thenFails('no_referral', 'not_found');
    });

    it('refuses special measures before any defendant is charged', () => {
      given(caseReceived()).when(applyForMeasures()).thenFails('special_measures_need_charge', 'rule_broken');
    });

    it('refuses special measures when no defendant was charged', () => {
      given(
        caseReceived(),
        decisionMade(firstDefendant, { decision: 'no_further_action_evidential', charges: [] }),
        decisionMade(secondDefendant, { decision: 'out_of_court_disposal', charges: [] }),
      )
        .when(applyForMeasures())
        .thenFails('special_measures_need_charge', 'rule_broken');
    });

    it('refuses an application that names no measure', () => {
      given(caseReceived(), decisionMade(firstDefendant)).when(applyForMeasures({ measures: [] })).thenFails('special_measures_need_measure', 'rule_broken');
    });

    it('refuses to apply again for a measure already applied for the victim', () => {
      given(caseReceived(), decisionMade(firstDefendant), measuresAppliedFor())
        .when(applyForMeasures({ measures: ['intermediary', 'screens'] }))
        .thenFails('special_measures_already_applied_for', 'conflict');
    });
  });

  describe('completing a prosecution', () => {
    const charged = [caseReceived(), decisionMade(firstDefendant)] as const;

    it.each(['discontinued', 'administratively_finalised'] as const)('records the CPS decision %s, with no court event', (outcome) => {
      given(...charged).when(complete(firstDefendant, { outcome })).then([prosecutionCompleted(firstDefendant, { outcome })]);
    });

    it.each(['guilty_plea', 'conviction_after_trial', 'proof_in_absence', 'dismissed', 'acquitted'] as const)(
      'records the court outcome %s with the court event it came from',
      (outcome) => {
        given(...charged)
          .when(complete(firstDefendant, { outcome, courtEventId: convictionEventId }))
          .then([prosecutionCompleted(firstDefendant, { outcome, courtEventId: convictionEventId })]);
      },
    );

    it('completes each defendant on its own', () => {
      given(...charged, decisionMade(secondDefendant), prosecutionCompleted(firstDefendant))
        .when(guiltyPleaFromCourt(secondDefendant))
        .then([prosecutionCompleted(secondDefendant, { outcome: 'guilty_plea', courtEventId: convictionEventId })]);
    });

    it('does nothing when the same court result is delivered again', () => {
      given(...charged, prosecutionCompleted(firstDefendant, { outcome: 'guilty_plea', courtEventId: convictionEventId }))
        .when(guiltyPleaFromCourt(firstDefendant))
        .then([]);
    });

    it.each(['guilty_plea', 'conviction_after_trial', 'proof_in_absence', 'dismissed', 'acquitted'] as const)(
      'refuses %s sent by the CPS itself: the court decides it',
      (outcome) => {
        given(...charged).when(complete(firstDefendant, { outcome })).thenFails('outcome_comes_from_court', 'rule_broken');
      },
    );

    it('refuses to complete a prosecution on a case the police never referred', () => {
      given().when(complete(firstDefendant)).thenFails('no_referral', 'not_found');
    });

    it('refuses to complete the prosecution of a defendant who was not referred on the case', () => {
      given(...charged).when(complete('5c4b3a29-1807-4f6e-9d5c-4b3a29180706')).thenFails('unknown_defendant', 'not_found');
    });

    it('refuses to complete the prosecution of a defendant awaiting a decision', () => {
      given(...charged).when(complete(secondDefendant)).thenFails('not_charged', 'rule_broken');
    });

    it('refuses to complete the prosecution of a defendant the CPS decided not to charge', () => {
      given(...charged, decisionMade(secondDefendant, { decision: 'no_further_action_public_interest', charges: [] }))
        .when(complete(secondDefendant))
        .thenFails('not_charged', 'rule_broken');
    });

    it('refuses to complete a prosecution twice', () => {
      given(...charged, prosecutionCompleted(firstDefendant))
        .when(complete(firstDefendant, { outcome: 'administratively_finalised' }))
        .thenFails('prosecution_already_completed', 'conflict');
    });

    it('refuses a court conviction after the CPS discontinued the prosecution', () => {
      given(...charged, prosecutionCompleted(firstDefendant)).when(guiltyPleaFromCourt(firstDefendant)).thenFails('prosecution_already_completed', 'conflict');
    });

    it('refuses a second court result for a prosecution another court result completed', () => {
      given(...charged, prosecutionCompleted(firstDefendant, { outcome: 'guilty_plea', courtEventId: convictionEventId }))
        .when(complete(firstDefendant, { outcome: 'acquitted', courtEventId: '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9' }))
        .thenFails('prosecution_already_completed', 'conflict');
    });
  });

  describe('recording the flag as CPS case management holds it', () => {
    it('records nothing when the record says what the case holds', () => {
      given(caseReceived()).when(recordFlag({ holds: 'flagged', hateCrime: raceAndReligion })).then([]);
      given(unflaggedCaseReceived()).when(recordFlag({ holds: 'no_flag' })).then([]);
    });

    it('records a record without the flag the police referred: a lost flag, warned of', () => {
      const warnings = given(caseReceived()).when(recordFlag({ holds: 'no_flag' })).thenWarns([flagRecorded({ holds: 'no_flag' })], ['flag_not_held']);
      expect(warnings[0]).toMatchObject({ finding: 'lost', boundary: 'police_to_cps' });
    });

    it('records "not a hate crime" without a reason as a lost flag, and with one as a decision', () => {
      given(caseReceived()).when(recordFlag({ holds: 'not_hate_crime' })).thenWarns([flagRecorded({ holds: 'not_hate_crime' })], ['flag_not_held']);
      given(caseReceived())
        .when(recordFlag({ holds: 'not_hate_crime', reason: 'no_hostility_on_evidence' }))
        .then([flagRecorded({ holds: 'not_hate_crime', reason: 'no_hostility_on_evidence' })]);
    });

    it('records other strands than the police referred, warned of', () => {
      given(caseReceived())
        .when(recordFlag({ holds: 'flagged', hateCrime: raceOnly }))
        .thenWarns([flagRecorded({ holds: 'flagged', hateCrime: raceOnly })], ['strands_differ_from_police']);
    });

    it('records a flag on a case the police did not flag, and records it again once the record changes back', () => {
      given(unflaggedCaseReceived())
        .when(recordFlag({ holds: 'flagged', hateCrime: disabilityOnly }))
        .then([flagRecorded({ holds: 'flagged', hateCrime: disabilityOnly })]);
      given(caseReceived(), flagRecorded({ holds: 'no_flag' }))
        .when(recordFlag({ holds: 'flagged', hateCrime: raceAndReligion }))
        .then([flagRecorded({ holds: 'flagged', hateCrime: raceAndReligion })]);
    });

    it('refuses a record that contradicts itself', () => {
      given(caseReceived()).when(recordFlag({ holds: 'flagged' })).thenFails('flag_record_needs_flag', 'rule_broken');
      given(caseReceived()).when(recordFlag({ holds: 'no_flag', hateCrime: raceOnly })).thenFails('flag_record_holds_no_flag', 'rule_broken');
      given(caseReceived()).when(recordFlag({ holds: 'no_flag', reason: 'other' })).thenFails('reason_only_when_not_hate_crime', 'rule_broken');
      given().when(recordFlag({ holds: 'no_flag' })).thenFails('no_referral', 'not_found');
    });

    it('holds the record: the flag it holds, or none with the reason', () => {
      expect(stateAfter(cpsCaseDecider, [caseReceived(), flagRecorded({ holds: 'not_hate_crime', reason: 'no_hostility_on_evidence' })])).toMatchObject({
        flagRecord: { holds: 'not_hate_crime', reason: 'no_hostility_on_evidence' },
        flagReview: { outcome: 'recorded', reason: 'no_hostility_on_evidence' },
      });
      expect(stateAfter(cpsCaseDecider, [caseReceived(), flagRecorded({ holds: 'no_flag' })])).not.toHaveProperty('hateCrime');
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
        referredFlag: raceAndReligion,
        flagRecord: { holds: 'flagged', hateCrime: raceAndReligion },
        offences: [raciallyAggravatedHarassment],
        decisions: { [firstDefendant]: null, [secondDefendant]: null },
        charges: {},
        prosecutions: {},
        specialMeasures: {},
      });
    });

    it('holds an unflagged case without a hateCrime field at all', () => {
      expect(stateAfter(cpsCaseDecider, [unflaggedCaseReceived()])).not.toHaveProperty('hateCrime');
    });

    it('holds the strands the CPS confirmed, and that it reviewed the flag', () => {
      expect(stateAfter(cpsCaseDecider, [caseReceived(), flagConfirmed(raceOnly)])).toMatchObject({
        hateCrime: raceOnly,
        flagReview: { outcome: 'confirmed', at: '2024-05-22T09:00:00Z' },
      });
    });

    it('holds the flag the CPS applied, with its reason', () => {
      expect(stateAfter(cpsCaseDecider, [unflaggedCaseReceived(), flagApplied()])).toMatchObject({
        hateCrime: disabilityOnly,
        flagReview: { outcome: 'applied', at: '2024-05-22T09:00:00Z', reason: flagApplied().data.reason },
      });
    });

    it('drops the flag the CPS removed and keeps the reason', () => {
      const state = stateAfter(cpsCaseDecider, [caseReceived(), flagRemoved()]);
      expect(state).not.toHaveProperty('hateCrime');
      expect(state).toMatchObject({ flagReview: { outcome: 'removed', at: '2024-05-22T09:00:00Z', reason: flagRemoved().data.reason } });
    });

    it('keeps the offences charged for each charged defendant only', () => {
      const state = stateAfter(cpsCaseDecider, [
        caseReceived(),
        decisionMade(firstDefendant),
        decisionMade(secondDefendant, { decision: 'no_further_action_evidential', charges: [] }),
      ]);
      expect(state).toMatchObject({ charges: { [firstDefendant]: [raciallyAggravatedHarassment] } });
      expect(state).not.toHaveProperty(['charges', secondDefendant]);
    });

    it('adds up the special measures applied for each victim', () => {
      const state = stateAfter(cpsCaseDecider, [caseReceived(), decisionMade(firstDefendant), measuresAppliedFor(), measuresAppliedFor(['intermediary'])]);
      expect(state).toMatchObject({ specialMeasures: { [victimId]: ['screens', 'live_link', 'intermediary'] } });
    });

    it('records each completed prosecution with its outcome and, for a court result, the court event', () => {
      const state = stateAfter(cpsCaseDecider, [
        caseReceived(),
        decisionMade(firstDefendant),
        decisionMade(secondDefendant),
        prosecutionCompleted(firstDefendant),
        prosecutionCompleted(secondDefendant, { outcome: 'guilty_plea', courtEventId: convictionEventId }),
      ]);
      expect(state).toMatchObject({
        prosecutions: {
          [firstDefendant]: { outcome: 'discontinued', completedAt: '2024-07-01T12:00:00Z' },
          [secondDefendant]: { outcome: 'guilty_plea', completedAt: '2024-07-01T12:00:00Z', courtEventId: convictionEventId },
        },
      });
      expect(state).not.toHaveProperty(['prosecutions', firstDefendant, 'courtEventId']);
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

    it.each([
      ['HateCrimeFlagConfirmed', flagConfirmed()],
      ['HateCrimeFlagApplied', flagApplied()],
      ['HateCrimeFlagRemoved', flagRemoved()],
      ['SpecialMeasuresAppliedFor', measuresAppliedFor()],
      ['ProsecutionCompleted', prosecutionCompleted(firstDefendant)],
    ] as const)('ignores %s arriving before the case was received', (_type, event) => {
      expect(stateAfter(cpsCaseDecider, [event])).toEqual({ status: 'none' });
    });
  });
});
