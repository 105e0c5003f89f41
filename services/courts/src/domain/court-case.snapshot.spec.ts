import type { HateCrimeFlag, Offence, UpliftDecision } from '@hc/contracts';
import { givenWhenThen } from '@hc/testing';
import type { CaseReceivedFromCps, CourtsEvent } from './court-case.decider';
import { courtSnapshotDecider, type CourtDefendantSnapshot, type ReconcileCourtSnapshot } from './court-case.snapshot';

const given = givenWhenThen(courtSnapshotDecider);
const caseId = '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b';
const defendantId = '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01';
const victimId = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
const assault: Offence = { offenceId: 'o1', code: '105A' };
const race: HateCrimeFlag = { strands: ['race'], perceivedBy: ['victim'] };
const at = '2024-07-30T02:00:00Z';
const declined: UpliftDecision = {
  applied: false, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: [], reasonNotApplied: 'hostility_not_proved',
};

const received: CaseReceivedFromCps = {
  type: 'CaseReceivedFromCps',
  data: {
    caseId, urn: '01/AB/12345/24', defendantId, receivedAt: '2024-06-01T10:00:04Z', chargeEventId: '3e2d1c0b-4a59-4876-9a5b-4c3d2e1f0a9b',
    charges: [assault], hateCrime: race, cpsArea: 'London North',
  },
};

function snapshot(defendant: Partial<CourtDefendantSnapshot> = {}): ReconcileCourtSnapshot {
  return { type: 'ReconcileCourtSnapshot', snapshot: { caseId, defendants: [{ defendantId, flagRecordedAt: at, victimsInformed: [], ...defendant }] } };
}

const listing = { courtCode: 'B01LY00', hearingDate: '2024-06-17', listedAt: '2024-06-02T09:00:00Z' };
const conviction = { basis: 'guilty_plea' as const, courtType: 'magistrates' as const, convictedAt: '2024-07-01T10:00:00Z' };
const listed: CourtsEvent = { type: 'CaseListed', data: { caseId, defendantId, ...listing, courtType: 'magistrates' } };
const convicted: CourtsEvent = { type: 'DefendantConvicted', data: { caseId, defendantId, ...conviction } };

describe('a court case snapshot (a line of a court system extract)', () => {
  it('records what the court case lacks, in the order it happened, and nothing when sent again', () => {
    given(received).when(snapshot({ listing, conviction })).then([listed, convicted]);
    given(received, listed, convicted).when(snapshot({ listing, conviction })).then([]);
  });

  it('records a flagged sentence without uplift decision, with the warning of the finding it raises', () => {
    const sentence = { courtType: 'magistrates' as const, sentencedAt: '2024-07-29T10:00:00Z', offences: [{ offenceId: 'o1', sentenceType: 'community_order' as const }] };
    const warnings = given(received, listed, convicted)
      .when(snapshot({ listing, conviction, sentence }))
      .thenWarns([{ type: 'DefendantSentenced', data: { caseId, defendantId, ...sentence } }], ['no_uplift_decision']);
    expect(warnings[0]).toMatchObject({ finding: 'no_uplift_decision', boundary: 'conviction_to_sentence' });
  });

  it("records the court's own record of the flag, and a victim told of a declined uplift once it is explained", () => {
    const sentenced: CourtsEvent = {
      type: 'DefendantSentenced',
      data: { caseId, defendantId, sentencedAt: '2024-07-29T10:00:00Z', courtType: 'magistrates', offences: [{ offenceId: 'o1', sentenceType: 'fine', uplift: declined }] },
    };
    const toldWithout: CourtsEvent = { type: 'VictimInformedOfOutcome', data: { caseId, defendantId, victimId, informedAt: at, upliftExplained: false } };
    given(received, listed, convicted, sentenced, toldWithout)
      .when(snapshot({ victimsInformed: [{ victimId, upliftExplained: true, informedAt: at }] }))
      .then([{ type: 'VictimInformedOfOutcome', data: { caseId, defendantId, victimId, informedAt: at, upliftExplained: true } }]);
    given(received)
      .when(snapshot({ flag: { holds: 'no_flag' } }))
      .thenWarns([{ type: 'HateCrimeFlagRecorded', data: { caseId, defendantId, holds: 'no_flag', recordedAt: at } }], ['flag_not_held']);
  });

  it('keeps a plea the record changed after the verdict, with a warning, and refuses a defendant the court does not hold', () => {
    given(received, listed, convicted)
      .when(snapshot({ plea: { plea: 'not_guilty', courtType: 'magistrates', enteredAt: at } }))
      .thenWarns([], ['snapshot_difference_not_recorded']);
    given(received)
      .when({ type: 'ReconcileCourtSnapshot', snapshot: { caseId, defendants: [{ defendantId: victimId, flagRecordedAt: at, victimsInformed: [] }] } })
      .thenFails('defendant_not_before_court', 'not_found');
  });

  it('refuses a line that contradicts itself (a sentence after an acquittal), recording nothing of it', () => {
    given(received, listed)
      .when(snapshot({ acquittal: { basis: 'acquitted_after_trial', courtType: 'magistrates', acquittedAt: at }, sentence: { courtType: 'magistrates', sentencedAt: at, offences: [{ offenceId: 'o1', sentenceType: 'fine' }] } }))
      .thenFails('already_acquitted', 'conflict');
  });
});
