import type { HateCrimeFlag, Offence } from '@hc/contracts';
import { givenWhenThen, stateAfter } from '@hc/testing';
import {
  policeCaseDecider,
  type CaseReferredToCps,
  type CrimeRecorded,
  type IdentifySuspect,
  type RecordCrime,
  type ReferCaseToCps,
  type SuspectIdentified,
} from './police-case.decider';

const given = givenWhenThen(policeCaseDecider);

const caseId = '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b';
const firstSuspect = '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01';
const secondSuspect = '9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d';

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

    it('refuses a racially or religiously aggravated offence on a crime that is not flagged', () => {
      given()
        .when(recordCrime({ hateCrime: undefined }))
        .thenFails('aggravated_offence_needs_race_or_religion_strand', 'rule_broken');
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
        suspectIds: [],
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

    it('ignores suspect and referral events that arrive before the crime was recorded', () => {
      expect(stateAfter(policeCaseDecider, [suspectIdentified(firstSuspect), caseReferred()])).toEqual({ status: 'none' });
    });
  });
});
