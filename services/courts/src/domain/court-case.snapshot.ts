import type { AcquittalBasis, ConvictionBasis, CourtType, FlagRecord, OffenceSentence, Plea } from '@hc/contracts';
import { snapshotDecider, DomainError, sameFlagRecord, type Warning } from '@hc/domain';
import { courtCaseDecider, type CourtCase, type CourtCommand, type CourtDefendant } from './court-case.decider';

/**
 * A line of a court system's extract: the case as the court's system holds it tonight, per
 * defendant. Reconciling it records, as events, what the court case does not hold yet (a changed
 * flag, the listing, the sending to the Crown Court, a plea, the verdict, the sentence with or
 * without uplift decisions, the victim told) and nothing when nothing changed. Every time is
 * filled in (the service defaults them to the time the extract was taken).
 */
export interface CourtDefendantSnapshot {
  readonly defendantId: string;
  readonly flag?: FlagRecord;
  readonly flagRecordedAt: string;
  readonly listing?: { readonly courtCode: string; readonly hearingDate: string; readonly listedAt: string };
  readonly crownCourt?: { readonly crownCourtCode: string; readonly sentAt: string };
  readonly plea?: { readonly plea: Plea; readonly courtType: CourtType; readonly enteredAt: string };
  readonly conviction?: { readonly basis: ConvictionBasis; readonly courtType: CourtType; readonly convictedAt: string };
  readonly acquittal?: { readonly basis: AcquittalBasis; readonly courtType: CourtType; readonly acquittedAt: string };
  readonly sentence?: { readonly courtType: CourtType; readonly sentencedAt: string; readonly offences: readonly OffenceSentence[] };
  readonly victimsInformed: readonly { readonly victimId: string; readonly upliftExplained: boolean; readonly informedAt: string }[];
}

export interface CourtCaseSnapshot {
  readonly caseId: string;
  readonly defendants: readonly CourtDefendantSnapshot[];
}

export type ReconcileCourtSnapshot = { readonly type: 'ReconcileCourtSnapshot'; readonly snapshot: CourtCaseSnapshot };

/** The commands that bring the court case up to what the snapshot says, defendant by defendant, in the order they happen. */
export function snapshotCommands(snapshot: CourtCaseSnapshot, state: CourtCase): { commands: CourtCommand[]; warnings: Warning[] } {
  const commands: CourtCommand[] = [];
  const warnings: Warning[] = [];
  for (const line of snapshot.defendants) {
    const held = state.defendants[line.defendantId];
    if (!held) {
      throw new DomainError('defendant_not_before_court', `defendant ${line.defendantId} has not been sent to court by the CPS on case ${snapshot.caseId}`, 'not_found');
    }
    commands.push(...defendantCommands(snapshot.caseId, line, held, warnings));
  }
  return { commands, warnings };
}

function defendantCommands(caseId: string, line: CourtDefendantSnapshot, held: CourtDefendant, warnings: Warning[]): CourtCommand[] {
  const { defendantId } = line;
  const ids = { caseId, defendantId };
  const commands: CourtCommand[] = [];
  if (line.flag && !sameFlagRecord(held.flagRecord, line.flag)) {
    commands.push({ type: 'RecordHateCrimeFlag', ...ids, record: line.flag, recordedAt: line.flagRecordedAt });
  }
  if (line.listing && !held.listed) commands.push({ type: 'ListCase', ...ids, ...line.listing });
  if (line.crownCourt && !held.sentToCrownCourt) commands.push({ type: 'SendToCrownCourt', ...ids, ...line.crownCourt });
  const verdictHeld = held.convicted !== undefined || held.acquitted !== undefined;
  if (line.plea && line.plea.plea !== held.plea) {
    // A plea comes before the verdict: after it, a different plea in the record is history the pipeline missed.
    if (verdictHeld) warnings.push(notRecorded(ids, `it holds the plea ${line.plea.plea}, entered before a verdict the court already recorded`));
    else commands.push({ type: 'EnterPlea', ...ids, ...line.plea });
  }
  if (line.conviction && !held.convicted) commands.push({ type: 'ConvictDefendant', ...ids, ...line.conviction });
  if (line.acquittal && !held.acquitted) commands.push({ type: 'AcquitDefendant', ...ids, ...line.acquittal });
  if (line.sentence && !held.sentenced) commands.push({ type: 'SentenceDefendant', ...ids, ...line.sentence });
  for (const informed of line.victimsInformed) {
    const before = held.victimsInformed?.[informed.victimId];
    if (!before || (informed.upliftExplained && !before.upliftExplained)) commands.push({ type: 'InformVictimOfOutcome', ...ids, ...informed });
  }
  return commands;
}

function notRecorded(ids: { caseId: string; defendantId: string }, what: string): Warning {
  return {
    code: 'snapshot_difference_not_recorded',
    finding: null,
    boundary: null,
    message: `the snapshot of defendant ${ids.defendantId} on case ${ids.caseId} differs from what the court case holds in a way no event records: ${what}`,
    remedy: 'correct the court record if it is wrong; otherwise nothing is needed',
  };
}

/** The court decider over snapshots: each snapshot decided as the commands it stands for, in one append. */
export const courtSnapshotDecider = snapshotDecider(courtCaseDecider, (command: ReconcileCourtSnapshot, state: CourtCase) => snapshotCommands(command.snapshot, state));
