import type { FlagRecord, Offence, PreChargeDecision, ProsecutionOutcome, SpecialMeasure } from '@hc/contracts';
import { snapshotDecider, DomainError, sameFlagRecord, type Warning } from '@hc/domain';
import { COURT_OUTCOMES, cpsCaseDecider, type CpsCase, type CpsCommand } from './cps-case.decider';

/**
 * A line of a CPS case management extract: the case as CPS case management holds it tonight.
 * Reconciling it records, as events, what the CPS case does not hold yet (a changed flag, a
 * decision, a CPS-decided completion, special measures) and nothing when nothing changed. Every
 * time is filled in (the service defaults them to the time the extract was taken).
 */
export interface CpsCaseSnapshot {
  readonly caseId: string;
  readonly flag: FlagRecord;
  readonly flagRecordedAt: string;
  readonly defendants: readonly {
    readonly defendantId: string;
    readonly decision?: { readonly decision: PreChargeDecision; readonly decidedAt: string; readonly charges: readonly Offence[] };
    readonly completion?: { readonly outcome: ProsecutionOutcome; readonly completedAt: string };
  }[];
  readonly specialMeasures: readonly { readonly victimId: string; readonly measures: readonly SpecialMeasure[]; readonly appliedAt: string }[];
}

export type ReconcileCpsSnapshot = { readonly type: 'ReconcileCpsSnapshot'; readonly snapshot: CpsCaseSnapshot };

/** The commands that bring the CPS case up to what the snapshot says, in the order they happen. */
export function snapshotCommands(snapshot: CpsCaseSnapshot, state: CpsCase): { commands: CpsCommand[]; warnings: Warning[] } {
  const { caseId } = snapshot;
  if (state.status === 'none') {
    throw new DomainError('no_referral', `the CPS has no referral from the police for case ${caseId}; it opens a case only from a police referral`, 'not_found');
  }
  const commands: CpsCommand[] = [];
  const warnings: Warning[] = [];
  // The flag first, so that a charge in the same line carries the flag as the CPS holds it.
  if (!sameFlagRecord(state.flagRecord, snapshot.flag)) {
    commands.push({ type: 'RecordHateCrimeFlag', caseId, record: snapshot.flag, recordedAt: snapshot.flagRecordedAt });
  }
  for (const { defendantId, decision, completion } of snapshot.defendants) {
    if (decision && state.decisions[defendantId] !== decision.decision) {
      commands.push({ type: 'MakePreChargeDecision', caseId, defendantId, ...decision });
    }
    if (!completion || state.prosecutions[defendantId]?.outcome === completion.outcome) continue;
    if (COURT_OUTCOMES.includes(completion.outcome)) {
      warnings.push({
        code: 'outcome_awaits_court',
        finding: null,
        boundary: null,
        message: `the snapshot completes the prosecution of defendant ${defendantId} as ${completion.outcome}, which the CPS records from the court's result event, not from its own record`,
        remedy: 'nothing: the outcome is recorded when the court sends its result',
      });
      continue;
    }
    commands.push({ type: 'CompleteProsecution', caseId, defendantId, ...completion });
  }
  for (const { victimId, measures, appliedAt } of snapshot.specialMeasures) {
    const wanted = measures.filter((measure) => !state.specialMeasures[victimId]?.includes(measure));
    if (wanted.length > 0) commands.push({ type: 'ApplyForSpecialMeasures', caseId, victimId, measures: wanted, appliedAt });
  }
  return { commands, warnings };
}

/** The CPS decider over snapshots: each snapshot decided as the commands it stands for, in one append. */
export const cpsSnapshotDecider = snapshotDecider(cpsCaseDecider, (command: ReconcileCpsSnapshot, state: CpsCase) => snapshotCommands(command.snapshot, state));
