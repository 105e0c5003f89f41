import type { HateCrimeFlag, Offence } from '@hc/contracts';
import { givenWhenThen } from '@hc/testing';
import type { CaseReceivedFromPolice, CpsEvent } from './cps-case.decider';
import { cpsSnapshotDecider, type CpsCaseSnapshot, type ReconcileCpsSnapshot } from './cps-case.snapshot';

const given = givenWhenThen(cpsSnapshotDecider);
const caseId = '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b';
const defendantId = '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01';
const victimId = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
const assault: Offence = { offenceId: 'o1', code: '105A' };
const race: HateCrimeFlag = { strands: ['race'], perceivedBy: ['victim'] };
const at = '2024-05-23T02:00:00Z';

const received: CaseReceivedFromPolice = {
  type: 'CaseReceivedFromPolice',
  data: {
    caseId, urn: '01/AB/12345/24', forceCode: '01', cpsArea: 'London North', receivedAt: '2024-05-20T10:00:05Z',
    referralEventId: '3e2d1c0b-4a59-4876-9a5b-4c3d2e1f0a9b', defendantIds: [defendantId], offences: [assault], hateCrime: race, victimNeedsReceived: true,
  },
};

function snapshot(overrides: Partial<CpsCaseSnapshot> = {}): ReconcileCpsSnapshot {
  return {
    type: 'ReconcileCpsSnapshot',
    snapshot: { caseId, flag: { holds: 'flagged', hateCrime: race }, flagRecordedAt: at, defendants: [], specialMeasures: [], ...overrides },
  };
}

const charged = { decision: 'charge' as const, decidedAt: '2024-06-01T10:00:00Z', charges: [assault] };
const chargeMade: CpsEvent = {
  type: 'PreChargeDecisionMade',
  data: { caseId, urn: '01/AB/12345/24', defendantId, decision: 'charge', decidedAt: '2024-06-01T10:00:00Z', charges: [assault], hateCrime: race, cpsArea: 'London North' },
};

describe('a CPS case snapshot (a line of a case management extract)', () => {
  it('records nothing when case management holds what the CPS case holds', () => {
    given(received).when(snapshot()).then([]);
    given(received, chargeMade).when(snapshot({ defendants: [{ defendantId, decision: charged }] })).then([]);
  });

  it('records the decision it does not hold, exactly once', () => {
    given(received).when(snapshot({ defendants: [{ defendantId, decision: charged }] })).then([chargeMade]);
  });

  it('records a CPS record without the flag the police referred, before the charge, which then goes to court unflagged', () => {
    const { hateCrime: _flag, ...unflaggedCharge } = chargeMade.data as Extract<CpsEvent, { type: 'PreChargeDecisionMade' }>['data'];
    const warnings = given(received)
      .when(snapshot({ flag: { holds: 'no_flag' }, defendants: [{ defendantId, decision: charged }] }))
      .thenWarns(
        [{ type: 'HateCrimeFlagRecorded', data: { caseId, holds: 'no_flag', recordedAt: at } }, { type: 'PreChargeDecisionMade', data: unflaggedCharge }],
        ['flag_not_held', 'charged_without_flag'],
      );
    expect(warnings.map((warning) => warning.finding)).toEqual(['lost', 'lost']);
  });

  it('records only the special measures not applied for yet, and a CPS-decided completion', () => {
    const measures: CpsEvent = { type: 'SpecialMeasuresAppliedFor', data: { caseId, victimId, measures: ['screens'], appliedAt: at } };
    given(received, chargeMade, measures)
      .when(snapshot({ specialMeasures: [{ victimId, measures: ['screens', 'live_link'], appliedAt: at }], defendants: [{ defendantId, completion: { outcome: 'discontinued', completedAt: at } }] }))
      .then([
        { type: 'ProsecutionCompleted', data: { caseId, defendantId, outcome: 'discontinued', completedAt: at } },
        { type: 'SpecialMeasuresAppliedFor', data: { caseId, victimId, measures: ['live_link'], appliedAt: at } },
      ]);
  });

  it('leaves a court outcome to the court, with a warning', () => {
    given(received, chargeMade)
      .when(snapshot({ defendants: [{ defendantId, completion: { outcome: 'guilty_plea', completedAt: at } }] }))
      .thenWarns([], ['outcome_awaits_court']);
  });

  it('refuses a snapshot of a case the police never referred, and one that contradicts a decision', () => {
    given().when(snapshot()).thenFails('no_referral', 'not_found');
    given(received, chargeMade)
      .when(snapshot({ defendants: [{ defendantId, decision: { decision: 'no_further_action_evidential', decidedAt: at, charges: [] } }] }))
      .thenFails('decision_already_made', 'conflict');
  });
});
