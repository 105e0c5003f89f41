import { type FlagRecord, type Offence, type PoliceOutcomeCode } from '@hc/contracts';
import { snapshotDecider, sameFlagRecord, type Warning } from '@hc/domain';
import { policeCaseDecider, type PoliceCase, type PoliceCommand, type VictimAssessment } from './police-case.decider';

/**
 * A line of a force's nightly extract: the case as the force's records system holds it tonight.
 * Reconciling it records, as events, what the pipeline does not hold yet (the crime, a new suspect,
 * a changed flag, a new or changed needs assessment, the referral, the outcome) and nothing when
 * nothing changed, so a re-sent extract is harmless. Every time is filled in (the service defaults
 * them to the time the extract was taken).
 */
export interface PoliceCaseSnapshot {
  readonly caseId: string;
  readonly crimeReference: string;
  readonly forceCode: string;
  readonly recordedAt: string;
  readonly offences: readonly Offence[];
  /** The flag as the system holds it: the flag, none, or not a hate crime (with or without a reason). */
  readonly flag: FlagRecord;
  readonly flagRecordedAt: string;
  readonly suspects: readonly { readonly suspectId: string; readonly identifiedAt: string }[];
  readonly victims: readonly (VictimAssessment & { readonly victimId: string; readonly assessedAt: string })[];
  readonly referral?: { readonly urn: string; readonly referredAt: string; readonly victimNeedsPassedOn: boolean };
  readonly outcome?: { readonly outcomeCode: PoliceOutcomeCode; readonly assignedAt: string };
}

export type ReconcilePoliceSnapshot = { readonly type: 'ReconcilePoliceSnapshot'; readonly snapshot: PoliceCaseSnapshot };

/** The commands that bring the case from what the pipeline holds to what the snapshot says, in the order they happen. */
export function snapshotCommands(snapshot: PoliceCaseSnapshot, state: PoliceCase): { commands: PoliceCommand[]; warnings: Warning[] } {
  const { caseId } = snapshot;
  const commands: PoliceCommand[] = [];
  const warnings: Warning[] = [];
  const held = state.status === 'none' ? undefined : state;
  if (!held) {
    const hateCrime = snapshot.flag.holds === 'flagged' ? snapshot.flag.hateCrime : undefined;
    commands.push({
      type: 'RecordCrime', caseId, crimeReference: snapshot.crimeReference, forceCode: snapshot.forceCode,
      recordedAt: snapshot.recordedAt, offences: snapshot.offences, ...(hateCrime ? { hateCrime } : {}),
    });
  } else if (!sameOffences(held.offences, snapshot.offences)) {
    warnings.push(notRecorded(caseId, 'its offences differ from those recorded; a recorded crime keeps its offences'));
  }
  if (!held || !sameFlagRecord(held.flagRecord, snapshot.flag)) {
    commands.push({ type: 'RecordHateCrimeFlag', caseId, record: snapshot.flag, recordedAt: snapshot.flagRecordedAt });
  }
  for (const suspect of snapshot.suspects) {
    if (!held?.suspectIds.includes(suspect.suspectId)) commands.push({ type: 'IdentifySuspect', caseId, ...suspect });
  }
  const omitted = (held?.suspectIds ?? []).filter((id) => !snapshot.suspects.some((suspect) => suspect.suspectId === id));
  if (omitted.length > 0) warnings.push(notRecorded(caseId, `suspect(s) ${omitted.join(', ')} are not in it; an identified suspect stays on the case`));
  for (const { victimId, assessedAt, ...assessment } of snapshot.victims) {
    const last = held?.assessments[victimId];
    if (!last || !sameAssessment(last, assessment)) commands.push({ type: 'AssessVictimNeeds', caseId, victimId, assessedAt, ...assessment });
  }
  if (snapshot.referral && held?.status !== 'referred') commands.push({ type: 'ReferCaseToCps', caseId, ...snapshot.referral });
  else if (snapshot.referral && held?.urn !== snapshot.referral.urn) {
    warnings.push(notRecorded(caseId, `it refers the case under URN ${snapshot.referral.urn}, but it was referred under ${held?.urn}`));
  }
  // A different outcome than the one assigned is sent on, for the decider to refuse: an outcome is final.
  if (snapshot.outcome && held?.outcomeCode !== snapshot.outcome.outcomeCode) commands.push({ type: 'AssignPoliceOutcome', caseId, ...snapshot.outcome });
  return { commands, warnings };
}

function notRecorded(caseId: string, what: string): Warning {
  return {
    code: 'snapshot_difference_not_recorded',
    finding: null,
    boundary: null,
    message: `the snapshot of case ${caseId} differs from what the police hold in a way no event records: ${what}`,
    remedy: 'correct the force record if it is wrong; otherwise nothing is needed',
  };
}

function sameOffences(a: readonly Offence[], b: readonly Offence[]): boolean {
  const key = (offence: Offence) => `${offence.offenceId}|${offence.code}|${offence.aggravatedUnder ?? ''}`;
  return a.length === b.length && a.map(key).sort().join('\n') === b.map(key).sort().join('\n');
}

function sameSet<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

function sameAssessment(a: VictimAssessment, b: VictimAssessment): boolean {
  return a.riskLevel === b.riskLevel && a.enhancedService === b.enhancedService && sameSet(a.needs, b.needs) && sameSet(a.specialMeasuresWanted, b.specialMeasuresWanted);
}

/** The police decider over snapshots: each snapshot decided as the commands it stands for, in one append. */
export const policeSnapshotDecider = snapshotDecider(policeCaseDecider, (command: ReconcilePoliceSnapshot, state: PoliceCase) => snapshotCommands(command.snapshot, state));
