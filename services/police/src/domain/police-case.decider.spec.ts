import type { HateCrimeFlag, Offence } from '@hc/contracts';
import { givenWhenThen, stateAfter } from '@hc/testing';
import {
  policeCaseDecider,
  type ApplyHateCrimeFlag,
  type AssessVictimNeeds,
  type AssignPoliceOutcome,
  type CaseReferredToCps,
  type ChangeHateCrimeFlag,
  type CrimeRecorded,
  type HateCrimeFlagApplied,
  type HateCrimeFlagChanged,
  type HateCrimeFlagRemoved,
  type IdentifySuspect,
  type PoliceOutcomeAssigned,
  type RecordCrime,
  type ReferCaseToCps,
  type RemoveHateCrimeFlag,
  type SuspectIdentified,
  type VictimNeedsAssessed,
} from './police-case.decider';

const given = givenWhenThen(policeCaseDecider);

const caseId = '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b';
const firstSuspect = '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01';
const secondSuspect = '9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d';

const harassment: Offence = {
  offenceId: 'off-1',
  code: '8L',
};
const raciallyAggravatedHarassment: Offence = {
  offenceId: 'off-2',
  code: '8L',
  aggravatedUnder: 'CDA1998_s31',
};
const antiMuslimRaceAndReligion: HateCrimeFlag = {
  strands: ['race', 'religion'],
  perceivedBy: ['victim', 'officer'],
  religionTargetedGroup: 'anti_muslim',
};
const disabilityOnly: HateCrimeFlag = { strands: ['disability'], perceivedBy: ['witness'] };

function recordCrime(overrides: Partial<RecordCrime> = {}): RecordCrime {
  return {
    type: 'RecordCrime',
    caseId,
    crimeReference: '5201234/24',
    forceCode: '01',
    recordedAt: '2024-05-02T21:15:00Z',
    offences: [raciallyAggravatedHarassment],
    hateCrime: antiMuslimRaceAndReligion,
    ...overrides,
  };
}

function crimeRecorded(overrides: Partial<CrimeRecorded['data']> = {}): CrimeRecorded {
  return {
    type: 'CrimeRecorded',
    data: {
      caseId,
      crimeReference: '5201234/24',
      forceCode: '01',
      recordedAt: '2024-05-02T21:15:00Z',
      offences: [raciallyAggravatedHarassment],
      hateCrime: antiMuslimRaceAndReligion,
      ...overrides,
    },
  };
}

const unflaggedCrimeRecorded: CrimeRecorded = {
  type: 'CrimeRecorded',
  data: { caseId, crimeReference: '5201234/24', forceCode: '01', recordedAt: '2024-05-02T21:15:00Z', offences: [harassment] },
};

function suspectIdentified(suspectId: string, identifiedAt = '2024-05-10T09:00:00Z'): SuspectIdentified {
  return { type: 'SuspectIdentified', data: { caseId, suspectId, identifiedAt } };
}

function identifySuspect(suspectId: string): IdentifySuspect {
  return { type: 'IdentifySuspect', caseId, suspectId, identifiedAt: '2024-05-10T09:00:00Z' };
}

function referCase(overrides: Partial<ReferCaseToCps> = {}): ReferCaseToCps {
  return {
    type: 'ReferCaseToCps',
    caseId,
    urn: '01/AB/12345/24',
    referredAt: '2024-05-20T14:00:00Z',
    victimNeedsPassedOn: true,
    ...overrides,
  };
}

function caseReferred(): CaseReferredToCps {
  return {
    type: 'CaseReferredToCps',
    data: {
      caseId,
      urn: '01/AB/12345/24',
      forceCode: '01',
      referredAt: '2024-05-20T14:00:00Z',
      suspectIds: [firstSuspect],
      offences: [raciallyAggravatedHarassment],
      hateCrime: antiMuslimRaceAndReligion,
      victimNeedsPassedOn: true,
    },
  };
}

const victim = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
const sexualOrientationOnly: HateCrimeFlag = { strands: ['sexual_orientation'], perceivedBy: ['victim'] };
const raceOnly: HateCrimeFlag = { strands: ['race'], perceivedBy: ['victim', 'officer'] };

function applyFlag(overrides: Partial<ApplyHateCrimeFlag> = {}): ApplyHateCrimeFlag {
  return {
    type: 'ApplyHateCrimeFlag',
    caseId,
    hateCrime: sexualOrientationOnly,
    appliedAt: '2024-05-06T10:00:00Z',
    reason: 'perceived_by_victim',
    ...overrides,
  };
}

function flagApplied(hateCrime: HateCrimeFlag = sexualOrientationOnly): HateCrimeFlagApplied {
  return {
    type: 'HateCrimeFlagApplied',
    data: { caseId, hateCrime, appliedAt: '2024-05-06T10:00:00Z', reason: 'perceived_by_victim' },
  };
}

function changeFlag(overrides: Partial<ChangeHateCrimeFlag> = {}): ChangeHateCrimeFlag {
  return {
    type: 'ChangeHateCrimeFlag',
    caseId,
    hateCrime: raceOnly,
    changedAt: '2024-05-08T10:00:00Z',
    reason: 'strands_reassessed',
    ...overrides,
  };
}

function flagChanged(hateCrime: HateCrimeFlag, previousStrands: HateCrimeFlag['strands']): HateCrimeFlagChanged {
  return {
    type: 'HateCrimeFlagChanged',
    data: { caseId, hateCrime, previousStrands, changedAt: '2024-05-08T10:00:00Z', reason: 'strands_reassessed' },
  };
}

function removeFlag(overrides: Partial<RemoveHateCrimeFlag> = {}): RemoveHateCrimeFlag {
  return {
    type: 'RemoveHateCrimeFlag',
    caseId,
    removedAt: '2024-05-09T10:00:00Z',
    reason: 'perception_withdrawn',
    ...overrides,
  };
}

const flagRemoved: HateCrimeFlagRemoved = {
  type: 'HateCrimeFlagRemoved',
  data: { caseId, removedAt: '2024-05-09T10:00:00Z', reason: 'perception_withdrawn' },
};

function assessVictim(overrides: Partial<AssessVictimNeeds> = {}): AssessVictimNeeds {
  return {
    type: 'AssessVictimNeeds',
    caseId,
    victimId: victim,
    assessedAt: '2024-05-04T15:00:00Z',
    riskLevel: 'high',
    needs: ['safeguarding', 'repeat_victim'],
    enhancedService: true,
    specialMeasuresWanted: ['screens'],
    ...overrides,
  };
}

function victimNeedsAssessed(overrides: Partial<VictimNeedsAssessed['data']> = {}): VictimNeedsAssessed {
  return {
    type: 'VictimNeedsAssessed',
    data: {
      caseId,
      victimId: victim,
      assessedAt: '2024-05-04T15:00:00Z',
      riskLevel: 'high',
      needs: ['safeguarding', 'repeat_victim'],
      enhancedService: true,
      specialMeasuresWanted: ['screens'],
      ...overrides,
    },
  };
}

function assignOutcome(outcomeCode: AssignPoliceOutcome['outcomeCode']): AssignPoliceOutcome {
  return { type: 'AssignPoliceOutcome', caseId, outcomeCode, assignedAt: '2024-06-01T10:00:00Z' };
}

function outcomeAssigned(outcomeCode: PoliceOutcomeAssigned['data']['outcomeCode']): PoliceOutcomeAssigned {
  return { type: 'PoliceOutcomeAssigned', data: { caseId, outcomeCode, assignedAt: '2024-06-01T10:00:00Z' } };
}

describe('police case decider', () => {
  describe('recording a crime', () => {
    it('records a flagged crime with its offences, strands and who perceived the hostility', () => {
      given().when(recordCrime()).then([crimeRecorded()]);
    });

    it('records a crime that was not flagged without any hate crime flag', () => {
      const { hateCrime: _flag, ...unflagged } = recordCrime({ offences: [harassment] });
      given().when(unflagged).then([unflaggedCrimeRecorded]);
    });

    it('refuses to record the same case twice', () => {
      given(crimeRecorded()).when(recordCrime()).thenFails('case_already_recorded', 'conflict');
    });

    it('refuses a force code that is not a police force of England and Wales', () => {
      given().when(recordCrime({ forceCode: '99' })).thenFails('unknown_force', 'rule_broken');
    });

    it('accepts a West Midlands crime', () => {
      given()
        .when(recordCrime({ forceCode: '20', crimeReference: '20MW/12345A/24' }))
        .then([crimeRecorded({ forceCode: '20', crimeReference: '20MW/12345A/24' })]);
    });

    it('refuses a hate crime flag without any strand', () => {
      given()
        .when(recordCrime({ offences: [harassment], hateCrime: { strands: [], perceivedBy: ['victim'] } }))
        .thenFails('flag_needs_strand', 'rule_broken');
    });

    it('refuses a flag that does not say who perceived the hostility', () => {
      given()
        .when(recordCrime({ hateCrime: { strands: ['race'], perceivedBy: [] } }))
        .thenFails('flag_needs_perceiver', 'rule_broken');
    });

    it('refuses a religion targeted group on a flag without the religion strand', () => {
      given()
        .when(recordCrime({ hateCrime: { strands: ['race'], perceivedBy: ['victim'], religionTargetedGroup: 'antisemitic' } }))
        .thenFails('religion_group_without_religion_strand', 'rule_broken');
    });

    it('accepts a religion targeted group on a flag with the religion strand', () => {
      const flag: HateCrimeFlag = { strands: ['religion'], perceivedBy: ['victim'], religionTargetedGroup: 'antisemitic' };
      given().when(recordCrime({ hateCrime: flag })).then([crimeRecorded({ hateCrime: flag })]);
    });

    it('records a racially or religiously aggravated offence on a crime that is not flagged, with a warning', () => {
      const { hateCrime: _flag, ...unflagged } = crimeRecorded().data;
      given()
        .when(recordCrime({ hateCrime: undefined }))
        .thenWarns([{ type: 'CrimeRecorded', data: { ...unflagged, hateCrime: undefined } }], ['aggravated_offence_unflagged']);
    });

    it('refuses a racially or religiously aggravated offence when the flag has neither race nor religion', () => {
      given()
        .when(recordCrime({ hateCrime: disabilityOnly }))
        .thenFails('aggravated_offence_needs_race_or_religion_strand', 'rule_broken');
    });

    it('accepts an aggravated offence when the flag has only the religion strand', () => {
      const flag: HateCrimeFlag = { strands: ['religion'], perceivedBy: ['victim'] };
      given().when(recordCrime({ hateCrime: flag })).then([crimeRecorded({ hateCrime: flag })]);
    });

    it('accepts a plain offence on a disability hate crime', () => {
      given()
        .when(recordCrime({ offences: [harassment], hateCrime: disabilityOnly }))
        .then([crimeRecorded({ offences: [harassment], hateCrime: disabilityOnly })]);
    });
  });

  describe('identifying a suspect', () => {
    it('identifies a suspect on a recorded crime', () => {
      given(crimeRecorded()).when(identifySuspect(firstSuspect)).then([suspectIdentified(firstSuspect)]);
    });

    it('identifies a second, different suspect', () => {
      given(crimeRecorded(), suspectIdentified(firstSuspect))
        .when(identifySuspect(secondSuspect))
        .then([suspectIdentified(secondSuspect)]);
    });

    it('refuses a suspect on a crime that was never recorded', () => {
      given().when(identifySuspect(firstSuspect)).thenFails('case_not_found', 'not_found');
    });

    it('refuses to identify the same suspect twice', () => {
      given(crimeRecorded(), suspectIdentified(firstSuspect))
        .when(identifySuspect(firstSuspect))
        .thenFails('suspect_already_identified', 'conflict');
    });
  });

  describe('referring the case to the CPS', () => {
    it("refers a hate crime without the victims' needs the police assessed, warning of the finding", () => {
      const referred = caseReferred();
      const warnings = given(crimeRecorded(), suspectIdentified(firstSuspect), victimNeedsAssessed())
        .when(referCase({ victimNeedsPassedOn: false }))
        .thenWarns([{ ...referred, data: { ...referred.data, victimNeedsPassedOn: false } }], ['victim_needs_not_passed_on']);
      expect(warnings[0]).toMatchObject({ finding: 'victim_needs_not_passed_on', boundary: 'police_to_cps' });
    });

    it("warns of no needs left behind when no victim was assessed, or the case is not a hate crime", () => {
      const referred = caseReferred();
      given(crimeRecorded(), suspectIdentified(firstSuspect))
        .when(referCase({ victimNeedsPassedOn: false }))
        .then([{ ...referred, data: { ...referred.data, victimNeedsPassedOn: false } }]);
    });

    it('refers the case with the flag, strands, offences and suspects as the police hold them', () => {
      given(crimeRecorded(), suspectIdentified(firstSuspect), suspectIdentified(secondSuspect))
        .when(referCase())
        .then([
          {
            type: 'CaseReferredToCps',
            data: {
              caseId,
              urn: '01/AB/12345/24',
              forceCode: '01',
              referredAt: '2024-05-20T14:00:00Z',
              suspectIds: [firstSuspect, secondSuspect],
              offences: [raciallyAggravatedHarassment],
              hateCrime: antiMuslimRaceAndReligion,
              victimNeedsPassedOn: true,
            },
          },
        ]);
    });

    it('refers an unflagged case without a hateCrime field at all', () => {
      given(unflaggedCrimeRecorded, suspectIdentified(firstSuspect))
        .when(referCase({ victimNeedsPassedOn: false }))
        .then([
          {
            type: 'CaseReferredToCps',
            data: {
              caseId,
              urn: '01/AB/12345/24',
              forceCode: '01',
              referredAt: '2024-05-20T14:00:00Z',
              suspectIds: [firstSuspect],
              offences: [harassment],
              victimNeedsPassedOn: false,
            },
          },
        ]);
    });

    it('refuses to refer a crime that was never recorded', () => {
      given().when(referCase()).thenFails('case_not_found', 'not_found');
    });

    it('refuses to refer the same case twice', () => {
      given(crimeRecorded(), suspectIdentified(firstSuspect), caseReferred())
        .when(referCase())
        .thenFails('case_already_referred', 'conflict');
    });

    it('refuses to refer a case before a suspect has been identified', () => {
      given(crimeRecorded()).when(referCase()).thenFails('referral_needs_suspect', 'rule_broken');
    });

    it.each(['01-AB-12345-24', '01/ab/12345/24', '1/AB/12345/24', '01/AB/12345/2024', ''])(
      'refuses the malformed URN %p',
      (urn) => {
        given(crimeRecorded(), suspectIdentified(firstSuspect)).when(referCase({ urn })).thenFails('malformed_urn', 'rule_broken');
      },
    );

    it('refuses a URN that opens with another force code than the case', () => {
      given(crimeRecorded(), suspectIdentified(firstSuspect))
        .when(referCase({ urn: '20/AB/12345/24' }))
        .thenFails('urn_force_mismatch', 'rule_broken');
    });
  });

  describe('applying a hate crime flag later', () => {
    it('applies the flag, with its reason, to a crime recorded without one', () => {
      given(unflaggedCrimeRecorded).when(applyFlag()).then([flagApplied()]);
    });

    it('applies a flag to a case whose flag was removed before', () => {
      given(unflaggedCrimeRecorded, flagApplied(), flagRemoved).when(applyFlag({ hateCrime: disabilityOnly })).then([flagApplied(disabilityOnly)]);
    });

    it('refuses a flag on a crime that was never recorded', () => {
      given().when(applyFlag()).thenFails('case_not_found', 'not_found');
    });

    it('refuses to apply a flag to a case that already carries one', () => {
      given(crimeRecorded()).when(applyFlag()).thenFails('flag_already_applied', 'conflict');
    });

    it('refuses to apply a flag twice', () => {
      given(unflaggedCrimeRecorded, flagApplied()).when(applyFlag()).thenFails('flag_already_applied', 'conflict');
    });

    it.each([undefined, 'unclassified'] as const)('refuses the reason %p: the force chooses a code (unclassified is only for old events)', (reason) => {
      given(unflaggedCrimeRecorded).when(applyFlag({ reason: reason as never })).thenFails('application_needs_reason', 'rule_broken');
    });

    it('refuses a flag without any strand', () => {
      given(unflaggedCrimeRecorded)
        .when(applyFlag({ hateCrime: { strands: [], perceivedBy: ['victim'] } }))
        .thenFails('flag_needs_strand', 'rule_broken');
    });

    it('refuses a flag that does not say who perceived the hostility', () => {
      given(unflaggedCrimeRecorded)
        .when(applyFlag({ hateCrime: { strands: ['disability'], perceivedBy: [] } }))
        .thenFails('flag_needs_perceiver', 'rule_broken');
    });

    it('refuses a religion targeted group without the religion strand', () => {
      given(unflaggedCrimeRecorded)
        .when(applyFlag({ hateCrime: { strands: ['race'], perceivedBy: ['victim'], religionTargetedGroup: 'anti_sikh' } }))
        .thenFails('religion_group_without_religion_strand', 'rule_broken');
    });
  });

  describe('changing the hate crime flag', () => {
    it('changes the strands and records the strands before the change', () => {
      given(crimeRecorded({ offences: [harassment] }))
        .when(changeFlag({ hateCrime: raceOnly }))
        .then([flagChanged(raceOnly, ['race', 'religion'])]);
    });

    it('changes only who perceived the hostility', () => {
      const witnessesToo: HateCrimeFlag = { ...antiMuslimRaceAndReligion, perceivedBy: ['victim', 'officer', 'witness'] };
      given(crimeRecorded()).when(changeFlag({ hateCrime: witnessesToo })).then([flagChanged(witnessesToo, ['race', 'religion'])]);
    });

    it('changes only the religion targeted group', () => {
      const antisemitic: HateCrimeFlag = { ...antiMuslimRaceAndReligion, religionTargetedGroup: 'antisemitic' };
      given(crimeRecorded()).when(changeFlag({ hateCrime: antisemitic })).then([flagChanged(antisemitic, ['race', 'religion'])]);
    });

    it('changes a flag applied after recording, from the strands then applied', () => {
      given(unflaggedCrimeRecorded, flagApplied())
        .when(changeFlag({ hateCrime: raceOnly }))
        .then([flagChanged(raceOnly, ['sexual_orientation'])]);
    });

    it('refuses to change the flag of a crime that was never recorded', () => {
      given().when(changeFlag()).thenFails('case_not_found', 'not_found');
    });

    it('refuses to change a flag the case does not carry', () => {
      given(unflaggedCrimeRecorded).when(changeFlag()).thenFails('no_flag_to_change', 'conflict');
    });

    it('refuses to change a flag that was removed', () => {
      given(unflaggedCrimeRecorded, flagApplied(), flagRemoved).when(changeFlag()).thenFails('no_flag_to_change', 'conflict');
    });

    it('refuses a change that changes nothing, whatever the order of strands and perceivers', () => {
      const sameInAnotherOrder: HateCrimeFlag = {
        strands: ['religion', 'race'],
        perceivedBy: ['officer', 'victim'],
        religionTargetedGroup: 'anti_muslim',
      };
      given(crimeRecorded()).when(changeFlag({ hateCrime: sameInAnotherOrder })).thenFails('flag_unchanged', 'conflict');
    });

    it.each([undefined, 'unclassified'] as const)('refuses the reason %p: the force chooses a code (unclassified is only for old events)', (reason) => {
      given(crimeRecorded()).when(changeFlag({ reason: reason as never })).thenFails('change_needs_reason', 'rule_broken');
    });

    it('refuses a changed flag without any strand', () => {
      given(crimeRecorded())
        .when(changeFlag({ hateCrime: { strands: [], perceivedBy: ['victim'] } }))
        .thenFails('flag_needs_strand', 'rule_broken');
    });

    it('refuses a changed flag without a perceiver', () => {
      given(crimeRecorded())
        .when(changeFlag({ hateCrime: { strands: ['race'], perceivedBy: [] } }))
        .thenFails('flag_needs_perceiver', 'rule_broken');
    });

    it('refuses a change that keeps the religion targeted group but drops the religion strand', () => {
      given(crimeRecorded())
        .when(changeFlag({ hateCrime: { strands: ['race'], perceivedBy: ['victim'], religionTargetedGroup: 'anti_muslim' } }))
        .thenFails('religion_group_without_religion_strand', 'rule_broken');
    });

    it('refuses a change that leaves a racially or religiously aggravated offence without race or religion', () => {
      given(crimeRecorded()).when(changeFlag({ hateCrime: disabilityOnly })).thenFails('aggravated_offence_needs_race_or_religion_strand', 'rule_broken');
    });

    it('accepts a change on an aggravated offence that keeps one of race or religion', () => {
      given(crimeRecorded()).when(changeFlag({ hateCrime: raceOnly })).then([flagChanged(raceOnly, ['race', 'religion'])]);
    });
  });

  describe('removing the hate crime flag', () => {
    it('removes the flag with its reason', () => {
      given(crimeRecorded({ offences: [harassment] })).when(removeFlag()).then([flagRemoved]);
    });

    it('removes a flag that was applied after recording', () => {
      given(unflaggedCrimeRecorded, flagApplied()).when(removeFlag()).then([flagRemoved]);
    });

    it('refuses to remove the flag of a crime that was never recorded', () => {
      given().when(removeFlag()).thenFails('case_not_found', 'not_found');
    });

    it('refuses to remove a flag the case does not carry', () => {
      given(unflaggedCrimeRecorded).when(removeFlag()).thenFails('no_flag_to_remove', 'conflict');
    });

    it('refuses to remove a flag twice', () => {
      given(unflaggedCrimeRecorded, flagApplied(), flagRemoved).when(removeFlag()).thenFails('no_flag_to_remove', 'conflict');
    });

    it('records a removal without a reason as the flag dropped, lost at the referral to come', () => {
      const warnings = given(crimeRecorded({ offences: [harassment] }))
        .when(removeFlag({ reason: undefined }))
        .thenWarns(
          [{ type: 'HateCrimeFlagRecorded', data: { caseId, holds: 'not_hate_crime', recordedAt: removeFlag().removedAt } }],
          ['removal_without_reason'],
        );
      expect(warnings[0]).toMatchObject({ finding: 'lost', boundary: 'police_to_cps' });
    });

    it('warns of no audit finding for a flag dropped after the referral carried it', () => {
      const warnings = given(crimeRecorded({ offences: [harassment] }), suspectIdentified(firstSuspect), caseReferred())
        .when(removeFlag({ reason: undefined }))
        .thenWarns(
          [{ type: 'HateCrimeFlagRecorded', data: { caseId, holds: 'not_hate_crime', recordedAt: removeFlag().removedAt } }],
          ['removal_without_reason'],
        );
      expect(warnings[0]).toMatchObject({ finding: null, boundary: null });
    });

    it('unflags a racially or religiously aggravated offence, with a warning', () => {
      given(crimeRecorded()).when(removeFlag()).thenWarns([flagRemoved], ['aggravated_offence_unflagged']);
    });
  });

  describe('assessing the victim\'s needs', () => {
    it('records the assessment of a hate crime victim with the enhanced service', () => {
      given(crimeRecorded()).when(assessVictim()).then([victimNeedsAssessed()]);
    });

    it('records the assessment of a victim of an unflagged crime without the enhanced service', () => {
      given(unflaggedCrimeRecorded)
        .when(assessVictim({ enhancedService: false, riskLevel: 'standard', needs: [], specialMeasuresWanted: [] }))
        .then([victimNeedsAssessed({ enhancedService: false, riskLevel: 'standard', needs: [], specialMeasuresWanted: [] })]);
    });

    it('records a second assessment of the same victim when their needs change', () => {
      given(crimeRecorded(), victimNeedsAssessed())
        .when(assessVictim({ riskLevel: 'medium', assessedAt: '2024-05-20T10:00:00Z' }))
        .then([victimNeedsAssessed({ riskLevel: 'medium', assessedAt: '2024-05-20T10:00:00Z' })]);
    });

    it('refuses an assessment on a crime that was never recorded', () => {
      given().when(assessVictim()).thenFails('case_not_found', 'not_found');
    });

    it('records a hate crime victim assessed without the enhanced service, with a warning', () => {
      given(crimeRecorded())
        .when(assessVictim({ enhancedService: false }))
        .thenWarns([victimNeedsAssessed({ enhancedService: false })], ['hate_crime_victim_without_enhanced_service']);
    });

    it('warns of the enhanced service once a flag was applied later', () => {
      given(unflaggedCrimeRecorded, flagApplied())
        .when(assessVictim({ enhancedService: false }))
        .thenWarns([victimNeedsAssessed({ enhancedService: false })], ['hate_crime_victim_without_enhanced_service']);
    });

    it('no longer requires the enhanced service once the flag was removed', () => {
      given(crimeRecorded({ offences: [harassment] }), flagRemoved)
        .when(assessVictim({ enhancedService: false }))
        .then([victimNeedsAssessed({ enhancedService: false })]);
    });
  });

  describe('assigning the police outcome', () => {
    it('assigns outcome 1 (charge/summons) once the case was referred to the CPS', () => {
      given(crimeRecorded(), suspectIdentified(firstSuspect), caseReferred()).when(assignOutcome(1)).then([outcomeAssigned(1)]);
    });

    it('assigns outcome 18 (no suspect identified) when no suspect was identified', () => {
      given(crimeRecorded()).when(assignOutcome(18)).then([outcomeAssigned(18)]);
    });

    it.each([2, 8, 15, 16, 20, 22] as const)('assigns outcome %p to a case with a suspect', (code) => {
      given(crimeRecorded(), suspectIdentified(firstSuspect)).when(assignOutcome(code)).then([outcomeAssigned(code)]);
    });

    it('refuses an outcome on a crime that was never recorded', () => {
      given().when(assignOutcome(15)).thenFails('case_not_found', 'not_found');
    });

    it('refuses outcome 1 (charge/summons) before a referral to the CPS', () => {
      given(crimeRecorded(), suspectIdentified(firstSuspect)).when(assignOutcome(1)).thenFails('charge_needs_referral', 'rule_broken');
    });

    it('refuses outcome 18 (no suspect identified) when a suspect was identified', () => {
      given(crimeRecorded(), suspectIdentified(firstSuspect)).when(assignOutcome(18)).thenFails('suspect_was_identified', 'rule_broken');
    });

    it('refuses a second outcome: an outcome is final', () => {
      given(crimeRecorded(), outcomeAssigned(18)).when(assignOutcome(18)).thenFails('outcome_already_assigned', 'conflict');
      given(crimeRecorded(), suspectIdentified(firstSuspect), outcomeAssigned(15))
        .when(assignOutcome(16))
        .thenFails('outcome_already_assigned', 'conflict');
    });

    it.each([0, 19, 23, -1, 1.5])('refuses %p, which is not a Home Office outcome type', (code) => {
      given(crimeRecorded(), suspectIdentified(firstSuspect))
        .when(assignOutcome(code as AssignPoliceOutcome['outcomeCode']))
        .thenFails('unknown_outcome_code', 'rule_broken');
    });
  });

  describe('the flag a referral carries', () => {
    function referral(offences: readonly Offence[], hateCrime?: HateCrimeFlag): CaseReferredToCps {
      return {
        type: 'CaseReferredToCps',
        data: {
          caseId,
          urn: '01/AB/12345/24',
          forceCode: '01',
          referredAt: '2024-05-20T14:00:00Z',
          suspectIds: [firstSuspect],
          offences,
          ...(hateCrime ? { hateCrime } : {}),
          victimNeedsPassedOn: true,
        },
      };
    }

    it('carries a flag applied after recording', () => {
      given(unflaggedCrimeRecorded, flagApplied(), suspectIdentified(firstSuspect))
        .when(referCase())
        .then([referral([harassment], sexualOrientationOnly)]);
    });

    it('carries the changed flag, not the one recorded', () => {
      given(crimeRecorded(), flagChanged(raceOnly, ['race', 'religion']), suspectIdentified(firstSuspect))
        .when(referCase())
        .then([referral([raciallyAggravatedHarassment], raceOnly)]);
    });

    it('carries no flag once it was removed', () => {
      given(crimeRecorded({ offences: [harassment] }), flagRemoved, suspectIdentified(firstSuspect))
        .when(referCase())
        .then([referral([harassment])]);
    });

    it('identifies a suspect after the referral; the referral keeps the suspects it was sent with', () => {
      given(crimeRecorded(), suspectIdentified(firstSuspect), caseReferred())
        .when(identifySuspect(secondSuspect))
        .then([suspectIdentified(secondSuspect)]);
    });
  });

  describe('evolve', () => {
    it('starts with no case', () => {
      expect(stateAfter(policeCaseDecider, [])).toEqual({ status: 'none' });
    });

    it('holds the recorded crime, its flag and no suspects yet', () => {
      expect(stateAfter(policeCaseDecider, [crimeRecorded()])).toEqual({
        status: 'recorded',
        caseId,
        forceCode: '01',
        offences: [raciallyAggravatedHarassment],
        hateCrime: antiMuslimRaceAndReligion,
        flagRecord: { holds: 'flagged', hateCrime: antiMuslimRaceAndReligion },
        suspectIds: [],
        victimIds: [],
        assessments: {},
      });
    });

    it('adds suspects in the order they were identified and keeps the URN once referred', () => {
      const state = stateAfter(policeCaseDecider, [
        crimeRecorded(),
        suspectIdentified(secondSuspect),
        suspectIdentified(firstSuspect),
        caseReferred(),
      ]);
      expect(state).toMatchObject({ status: 'referred', suspectIds: [secondSuspect, firstSuspect], urn: '01/AB/12345/24' });
    });

    it('ignores events that arrive before the crime was recorded', () => {
      expect(
        stateAfter(policeCaseDecider, [
          suspectIdentified(firstSuspect),
          caseReferred(),
          flagApplied(),
          flagChanged(raceOnly, ['sexual_orientation']),
          flagRemoved,
          victimNeedsAssessed(),
          outcomeAssigned(18),
        ]),
      ).toEqual({ status: 'none' });
    });

    it('holds the flag applied to a crime recorded without one', () => {
      expect(stateAfter(policeCaseDecider, [unflaggedCrimeRecorded, flagApplied()])).toMatchObject({ hateCrime: sexualOrientationOnly });
    });

    it('holds the flag as changed', () => {
      expect(stateAfter(policeCaseDecider, [crimeRecorded(), flagChanged(raceOnly, ['race', 'religion'])])).toMatchObject({ hateCrime: raceOnly });
    });

    it('holds no flag once it was removed, and the next one applied', () => {
      const removed = stateAfter(policeCaseDecider, [crimeRecorded(), flagRemoved]);
      expect(removed).not.toHaveProperty('hateCrime');
      expect(removed).toMatchObject({ status: 'recorded', offences: [raciallyAggravatedHarassment] });
      expect(stateAfter(policeCaseDecider, [crimeRecorded(), flagRemoved, flagApplied(disabilityOnly)])).toMatchObject({ hateCrime: disabilityOnly });
    });

    it('lists each assessed victim once, in the order of their first assessment', () => {
      const other = '7e6d5c4b-3a29-4181-9f0e-d1c2b3a49586';
      const state = stateAfter(policeCaseDecider, [
        crimeRecorded(),
        victimNeedsAssessed({ victimId: other }),
        victimNeedsAssessed(),
        victimNeedsAssessed({ victimId: other, riskLevel: 'standard' }),
      ]);
      expect(state).toMatchObject({ victimIds: [other, victim] });
    });

    it('holds the outcome once assigned, beside the referral', () => {
      const state = stateAfter(policeCaseDecider, [crimeRecorded(), suspectIdentified(firstSuspect), caseReferred(), outcomeAssigned(1)]);
      expect(state).toMatchObject({ status: 'referred', urn: '01/AB/12345/24', outcomeCode: 1 });
    });
  });
});
