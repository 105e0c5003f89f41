import type { HateCrimeFlag, Offence } from '@hc/contracts';
import { givenWhenThen, stateAfter } from '@hc/testing';
import type { PoliceEvent } from './police-case.decider';
import { policeSnapshotDecider, type PoliceCaseSnapshot, type ReconcilePoliceSnapshot } from './police-case.snapshot';

const given = givenWhenThen(policeSnapshotDecider);
const caseId = '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b';
const suspectId = '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01';
const victimId = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
const assault: Offence = { offenceId: 'o1', code: '105A' };
const race: HateCrimeFlag = { strands: ['race'], perceivedBy: ['victim'] };
const at = '2024-05-23T02:00:00Z';

function snapshot(overrides: Partial<PoliceCaseSnapshot> = {}): ReconcilePoliceSnapshot {
  return {
    type: 'ReconcilePoliceSnapshot',
    snapshot: {
      caseId,
      crimeReference: 'CR/1/24',
      forceCode: '01',
      recordedAt: '2024-05-01T10:00:00Z',
      offences: [assault],
      flag: { holds: 'flagged', hateCrime: race },
      flagRecordedAt: at,
      suspects: [{ suspectId, identifiedAt: '2024-05-02T10:00:00Z' }],
      victims: [{ victimId, assessedAt: '2024-05-02T11:00:00Z', riskLevel: 'high', needs: ['safeguarding'], enhancedService: true, specialMeasuresWanted: [] }],
      referral: { urn: '01/AB/12345/24', referredAt: '2024-05-20T10:00:00Z', victimNeedsPassedOn: true },
      ...overrides,
    },
  };
}

/** The events the first extract of a case records. */
function firstNight(line = snapshot()): readonly PoliceEvent[] {
  return policeSnapshotDecider.decide(line, policeSnapshotDecider.initialState()).events;
}

describe('a police case snapshot (a line of a nightly extract)', () => {
  it('records a case the police do not hold yet as the events of each fact, in the order they happen', () => {
    expect(firstNight().map((event) => event.type)).toEqual(['CrimeRecorded', 'SuspectIdentified', 'VictimNeedsAssessed', 'CaseReferredToCps']);
    expect(firstNight()[0]!.data).toMatchObject({ caseId, hateCrime: race, recordedAt: '2024-05-01T10:00:00Z' });
    expect(firstNight()[3]!.data).toMatchObject({ suspectIds: [suspectId], hateCrime: race, victimNeedsPassedOn: true });
  });

  it('records nothing when the same extract is sent again', () => {
    given(...firstNight()).when(snapshot()).then([]);
  });

  it('records exactly one event for one changed fact', () => {
    given(...firstNight()).when(snapshot({ outcome: { outcomeCode: 1, assignedAt: at } })).then([
      { type: 'PoliceOutcomeAssigned', data: { caseId, outcomeCode: 1, assignedAt: at } },
    ]);
    given(...firstNight())
      .when(snapshot({ victims: [{ victimId, assessedAt: at, riskLevel: 'medium', needs: ['safeguarding'], enhancedService: true, specialMeasuresWanted: [] }] }))
      .then([{ type: 'VictimNeedsAssessed', data: { caseId, victimId, assessedAt: at, riskLevel: 'medium', needs: ['safeguarding'], enhancedService: true, specialMeasuresWanted: [] } }]);
  });

  it('records the flag the force record dropped without a reason, with the warning of a lost flag', () => {
    const line = snapshot({ flag: { holds: 'no_flag' }, referral: undefined });
    const first = firstNight(snapshot({ referral: undefined }));
    const warnings = given(...first).when(line).thenWarns([{ type: 'HateCrimeFlagRecorded', data: { caseId, holds: 'no_flag', recordedAt: at } }], ['flag_dropped_without_reason']);
    expect(warnings[0]).toMatchObject({ finding: 'lost', boundary: 'police_to_cps' });
    // Referred the next night: the referral carries no flag, and says why.
    const dropped = [...first, { type: 'HateCrimeFlagRecorded', data: { caseId, holds: 'no_flag', recordedAt: at } } as PoliceEvent];
    const referred = policeSnapshotDecider.decide(snapshot({ flag: { holds: 'no_flag' } }), stateAfter(policeSnapshotDecider, dropped));
    expect(referred.events.map((event) => event.type)).toEqual(['CaseReferredToCps']);
    expect(referred.events[0]!.data).not.toHaveProperty('hateCrime');
    expect(referred.warnings.map((warning) => warning.code)).toEqual(['flag_dropped_before_referral']);
  });

  it('keeps what the line omits and says so, rather than losing a recorded fact', () => {
    given(...firstNight())
      .when(snapshot({ suspects: [], offences: [{ ...assault, code: '105B' }] }))
      .thenWarns([], ['snapshot_difference_not_recorded', 'snapshot_difference_not_recorded']);
  });

  it('refuses a line that contradicts a final fact, recording nothing of it', () => {
    const assigned = [...firstNight(), { type: 'PoliceOutcomeAssigned', data: { caseId, outcomeCode: 1, assignedAt: at } } as PoliceEvent];
    given(...assigned)
      .when(snapshot({ flag: { holds: 'no_flag' }, outcome: { outcomeCode: 16, assignedAt: at } }))
      .thenFails('outcome_already_assigned', 'conflict');
  });
});
