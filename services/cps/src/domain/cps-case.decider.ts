import {
  CONVICTION_OUTCOMES,
  flagOfRecord,
  FORCES,
  sameStrands,
  UNCLASSIFIED,
  type CaseReceivedFromPolice,
  type CpsEvent,
  type CpsHateCrimeFlagApplied,
  type CpsHateCrimeFlagRecorded,
  type CpsHateCrimeFlagRemoved,
  type FlagAppliedReason,
  type FlagRecord,
  type HateCrimeFlag,
  type HateCrimeFlagConfirmed,
  type NotHateCrimeReason,
  type Offence,
  type PreChargeDecision,
  type PreChargeDecisionMade,
  type ProsecutionCompleted,
  type ProsecutionOutcome,
  type SpecialMeasure,
  type SpecialMeasuresAppliedFor,
} from '@hc/contracts';
import {
  assertNever,
  checkAggravatedOffences,
  checkFlag,
  checkFlagRecord,
  decided,
  DomainError,
  sameFlagRecord,
  type Decider,
  type Decision,
  type Warning,
} from '@hc/domain';

// ---- events ---------------------------------------------------------------------------------
export type {
  CaseReceivedFromPolice,
  CpsEvent,
  CpsHateCrimeFlagApplied,
  CpsHateCrimeFlagRecorded,
  CpsHateCrimeFlagRemoved,
  HateCrimeFlagConfirmed,
  PreChargeDecisionMade,
  ProsecutionCompleted,
  SpecialMeasuresAppliedFor,
};

/**
 * Outcomes the court decides (a conviction, an acquittal, a dismissal). The CPS records them from
 * the court's own result events, never from a keyed-in request, so they cannot disagree.
 */
export const COURT_OUTCOMES: readonly ProsecutionOutcome[] = [...CONVICTION_OUTCOMES, 'dismissed', 'acquitted'];

// ---- state ----------------------------------------------------------------------------------
/** The CPS's last word on the flag it received: kept (maybe with other strands), first applied, removed, or as its system holds it. */
export interface FlagReview {
  readonly outcome: 'confirmed' | 'applied' | 'removed' | 'recorded';
  readonly at: string;
  readonly reason?: FlagAppliedReason | NotHateCrimeReason;
}

export interface CompletedProsecution {
  readonly outcome: ProsecutionOutcome;
  readonly completedAt: string;
  readonly courtEventId?: string;
}

export type CpsCase =
  | { readonly status: 'none' }
  | {
      readonly status: 'received';
      readonly caseId: string;
      readonly urn: string;
      readonly cpsArea: string;
      readonly referralEventId: string;
      /** The flag as the CPS holds it now; absent when the case is not (or no longer) flagged. */
      readonly hateCrime?: HateCrimeFlag;
      /** The flag the police referral carried: what the CPS record is judged against. */
      readonly referredFlag?: HateCrimeFlag;
      /** What CPS case management says of the flag now, with the reason of a removal. */
      readonly flagRecord: FlagRecord;
      readonly flagReview?: FlagReview;
      readonly offences: readonly Offence[];
      readonly decisions: Readonly<Record<string, PreChargeDecision | null>>;
      /** Offences charged, per charged defendant. */
      readonly charges: Readonly<Record<string, readonly Offence[]>>;
      /** Completed prosecutions, per defendant. */
      readonly prosecutions: Readonly<Record<string, CompletedProsecution>>;
      /** Special measures applied for, per victim. */
      readonly specialMeasures: Readonly<Record<string, readonly SpecialMeasure[]>>;
    };

type ReceivedCase = Exclude<CpsCase, { status: 'none' }>;

export const initialState = (): CpsCase => ({ status: 'none' });

// ---- evolve ---------------------------------------------------------------------------------
export function evolve(state: CpsCase, event: CpsEvent): CpsCase {
  if (event.type === 'CaseReceivedFromPolice') {
    return {
      status: 'received',
      caseId: event.data.caseId,
      urn: event.data.urn,
      cpsArea: event.data.cpsArea,
      referralEventId: event.data.referralEventId,
      ...(event.data.hateCrime ? { hateCrime: event.data.hateCrime, referredFlag: event.data.hateCrime } : {}),
      flagRecord: event.data.hateCrime ? { holds: 'flagged', hateCrime: event.data.hateCrime } : { holds: 'no_flag' },
      offences: event.data.offences,
      decisions: Object.fromEntries(event.data.defendantIds.map((id) => [id, null])),
      charges: {},
      prosecutions: {},
      specialMeasures: {},
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'HateCrimeFlagConfirmed':
      return withFlagRecord(state, { holds: 'flagged', hateCrime: event.data.hateCrime }, { outcome: 'confirmed', at: event.data.confirmedAt });
    case 'HateCrimeFlagApplied':
      return withFlagRecord(
        state,
        { holds: 'flagged', hateCrime: event.data.hateCrime },
        { outcome: 'applied', at: event.data.appliedAt, reason: event.data.reason },
      );
    case 'HateCrimeFlagRemoved':
      return withFlagRecord(
        state,
        { holds: 'not_hate_crime', reason: event.data.reason },
        { outcome: 'removed', at: event.data.removedAt, reason: event.data.reason },
      );
    case 'HateCrimeFlagRecorded': {
      const { caseId: _caseId, recordedAt, ...record } = event.data;
      return withFlagRecord(state, record, { outcome: 'recorded', at: recordedAt, ...(record.reason ? { reason: record.reason } : {}) });
    }
    case 'PreChargeDecisionMade':
      return {
        ...state,
        decisions: { ...state.decisions, [event.data.defendantId]: event.data.decision },
        charges: event.data.decision === 'charge' ? { ...state.charges, [event.data.defendantId]: event.data.charges } : state.charges,
      };
    case 'SpecialMeasuresAppliedFor':
      return {
        ...state,
        specialMeasures: {
          ...state.specialMeasures,
          [event.data.victimId]: [...(state.specialMeasures[event.data.victimId] ?? []), ...event.data.measures],
        },
      };
    case 'ProsecutionCompleted': {
      const { outcome, completedAt, courtEventId } = event.data;
      return {
        ...state,
        prosecutions: { ...state.prosecutions, [event.data.defendantId]: { outcome, completedAt, ...(courtEventId ? { courtEventId } : {}) } },
      };
    }
    default:
      return assertNever(event, 'CPS event');
  }
}

function withFlagRecord(state: ReceivedCase, record: FlagRecord, flagReview: FlagReview): ReceivedCase {
  const { hateCrime: _previous, ...rest } = state;
  const hateCrime = flagOfRecord(record);
  return { ...rest, ...(hateCrime ? { hateCrime } : {}), flagRecord: record, flagReview };
}

// ---- commands -------------------------------------------------------------------------------
/** Sent by the consumer of the police topic, from a `CaseReferredToCps` event: nothing is re-keyed. */
export type ReceiveCaseFromPolice = {
  readonly type: 'ReceiveCaseFromPolice';
  readonly referralEventId: string;
  readonly receivedAt: string;
  readonly referral: {
    readonly caseId: string;
    readonly urn: string;
    readonly forceCode: string;
    readonly suspectIds: readonly string[];
    readonly offences: readonly Offence[];
    readonly hateCrime?: HateCrimeFlag;
    readonly victimNeedsPassedOn: boolean;
  };
};

/** The CPS reviewed the flag it holds and keeps it; without `hateCrime` it keeps it exactly as it is. */
export type ConfirmHateCrimeFlag = {
  readonly type: 'ConfirmHateCrimeFlag';
  readonly caseId: string;
  readonly hateCrime?: HateCrimeFlag;
  readonly confirmedAt: string;
};

export type ApplyHateCrimeFlag = {
  readonly type: 'ApplyHateCrimeFlag';
  readonly caseId: string;
  readonly hateCrime: HateCrimeFlag;
  readonly appliedAt: string;
  readonly reason: FlagAppliedReason;
};

/** Without a reason (a legacy record), the removal is recorded as the CPS record saying not a hate crime, unexplained. */
export type RemoveHateCrimeFlag = {
  readonly type: 'RemoveHateCrimeFlag';
  readonly caseId: string;
  readonly removedAt: string;
  readonly reason?: NotHateCrimeReason;
};

/** The flag as CPS case management holds it: recorded when it differs from what the case holds. */
export type RecordHateCrimeFlag = {
  readonly type: 'RecordHateCrimeFlag';
  readonly caseId: string;
  readonly record: FlagRecord;
  readonly recordedAt: string;
};

export type MakePreChargeDecision = {
  readonly type: 'MakePreChargeDecision';
  readonly caseId: string;
  readonly defendantId: string;
  readonly decision: PreChargeDecision;
  readonly decidedAt: string;
  readonly charges: readonly Offence[];
};

export type ApplyForSpecialMeasures = {
  readonly type: 'ApplyForSpecialMeasures';
  readonly caseId: string;
  readonly victimId: string;
  readonly measures: readonly SpecialMeasure[];
  readonly appliedAt: string;
};

/**
 * Sent over HTTP for a CPS decision (discontinued, administratively finalised), and by the consumer
 * of the courts topic, with the court event's id, for an outcome the court decided.
 */
export type CompleteProsecution = {
  readonly type: 'CompleteProsecution';
  readonly caseId: string;
  readonly defendantId: string;
  readonly outcome: ProsecutionOutcome;
  readonly completedAt: string;
  readonly courtEventId?: string;
};

export type CpsCommand =
  | ReceiveCaseFromPolice
  | ConfirmHateCrimeFlag
  | ApplyHateCrimeFlag
  | RemoveHateCrimeFlag
  | RecordHateCrimeFlag
  | MakePreChargeDecision
  | ApplyForSpecialMeasures
  | CompleteProsecution;

// ---- decide ---------------------------------------------------------------------------------
export function decide(command: CpsCommand, state: CpsCase): Decision<CpsEvent> {
  switch (command.type) {
    case 'ReceiveCaseFromPolice':
      return receiveCaseFromPolice(command, state);
    case 'ConfirmHateCrimeFlag':
      return confirmHateCrimeFlag(command, state);
    case 'ApplyHateCrimeFlag':
      return applyHateCrimeFlag(command, state);
    case 'RemoveHateCrimeFlag':
      return removeHateCrimeFlag(command, state);
    case 'RecordHateCrimeFlag':
      return recordHateCrimeFlag(command, state);
    case 'MakePreChargeDecision':
      return makePreChargeDecision(command, state);
    case 'ApplyForSpecialMeasures':
      return applyForSpecialMeasures(command, state);
    case 'CompleteProsecution':
      return completeProsecution(command, state);
    default:
      return assertNever(command, 'CPS command');
  }
}

function receiveCaseFromPolice(command: ReceiveCaseFromPolice, state: CpsCase): Decision<CpsEvent> {
  const { referral } = command;
  if (state.status === 'received') {
    if (state.referralEventId === command.referralEventId) return decided([]);
    throw new DomainError('case_already_received', `the CPS already holds case ${referral.caseId} under URN ${state.urn}`, 'conflict');
  }
  const force = FORCES.get(referral.forceCode);
  if (!force) throw new DomainError('unknown_force', `force code ${referral.forceCode} has no CPS area`);
  return decided([
    {
      type: 'CaseReceivedFromPolice',
      data: {
        caseId: referral.caseId,
        urn: referral.urn,
        forceCode: referral.forceCode,
        cpsArea: force.cpsArea,
        receivedAt: command.receivedAt,
        referralEventId: command.referralEventId,
        defendantIds: referral.suspectIds,
        offences: referral.offences,
        ...(referral.hateCrime ? { hateCrime: referral.hateCrime } : {}),
        victimNeedsReceived: referral.victimNeedsPassedOn,
      },
    },
  ]);
}

function confirmHateCrimeFlag(command: ConfirmHateCrimeFlag, state: CpsCase): Decision<CpsEvent> {
  const received = requireReceived(state, command.caseId);
  if (!received.hateCrime) {
    throw new DomainError('no_flag_to_confirm', `case ${command.caseId} is not flagged as a hate crime; apply a flag instead of confirming one`);
  }
  const hateCrime = command.hateCrime ?? received.hateCrime;
  checkFlag(hateCrime);
  checkAggravatedOffences(chargedOffences(received), hateCrime);
  return decided(
    [{ type: 'HateCrimeFlagConfirmed', data: { caseId: command.caseId, hateCrime, confirmedAt: command.confirmedAt } }],
    againstReferral(received, hateCrime, undefined),
  );
}

function applyHateCrimeFlag(command: ApplyHateCrimeFlag, state: CpsCase): Decision<CpsEvent> {
  const received = requireReceived(state, command.caseId);
  if (received.hateCrime) {
    throw new DomainError(
      'flag_already_applied',
      `case ${command.caseId} is already flagged (${received.hateCrime.strands.join(', ')}); confirm the flag to change its strands`,
      'conflict',
    );
  }
  // `unclassified` is only what an upcaster gives an old event's text, never the CPS's choice.
  if (!command.reason || command.reason === UNCLASSIFIED) {
    throw new DomainError('application_needs_reason', 'say why the CPS applies a hate crime flag the police did not, as a reason code (e.g. perceived_by_victim for hostility disclosed in the victim statement)');
  }
  checkFlag(command.hateCrime);
  checkAggravatedOffences(chargedOffences(received), command.hateCrime);
  const { type: _type, ...data } = command;
  return decided([{ type: 'HateCrimeFlagApplied', data }], againstReferral(received, command.hateCrime, undefined));
}

/** With a reason, a removal; without one (a legacy record), the record of a flag dropped. */
function removeHateCrimeFlag(command: RemoveHateCrimeFlag, state: CpsCase): Decision<CpsEvent> {
  const received = requireReceived(state, command.caseId);
  if (!received.hateCrime) {
    throw new DomainError('no_flag_to_remove', `case ${command.caseId} is not flagged as a hate crime, so there is no flag to remove`);
  }
  const { reason } = command;
  const warnings = [...againstReferral(received, undefined, reason), ...checkAggravatedOffences(chargedOffences(received), undefined)];
  if (reason) return decided([{ type: 'HateCrimeFlagRemoved', data: { caseId: command.caseId, removedAt: command.removedAt, reason } }], warnings);
  return decided([{ type: 'HateCrimeFlagRecorded', data: { caseId: command.caseId, holds: 'not_hate_crime', recordedAt: command.removedAt } }], warnings);
}

/** CPS case management holds this record of the flag: recorded when it differs from what the case holds. */
function recordHateCrimeFlag(command: RecordHateCrimeFlag, state: CpsCase): Decision<CpsEvent> {
  const received = requireReceived(state, command.caseId);
  const record = checkFlagRecord(command.record);
  if (sameFlagRecord(received.flagRecord, record)) return decided([]);
  const flag = flagOfRecord(record);
  const warnings = [...againstReferral(received, flag, record.reason), ...checkAggravatedOffences(chargedOffences(received), flag)];
  return decided([{ type: 'HateCrimeFlagRecorded', data: { caseId: command.caseId, ...record, recordedAt: command.recordedAt } }], warnings);
}

/**
 * What the flag audit will say of the CPS holding `flag` (none: undefined) against the flag the
 * police referral carried: lost without a reason, or other strands. A gain and a reasoned
 * removal are findings too, but nothing went wrong, so they are not warned of.
 */
function againstReferral(received: ReceivedCase, flag: HateCrimeFlag | undefined, reason: string | undefined): Warning[] {
  const upstream = received.referredFlag;
  if (!upstream) return [];
  if (!flag && !reason) {
    return [
      {
        code: 'flag_not_held',
        finding: 'lost',
        boundary: 'police_to_cps',
        message: `the police referred case ${received.caseId} flagged (${upstream.strands.join(', ')}) and the CPS record now holds no flag and no reason: the audit counts the flag as lost between the police and the CPS`,
        remedy: 'if the case is a hate crime, record the flag (PUT /cases/{caseId}/flag-record with holds flagged); if it is not, remove the flag with the reason (DELETE /cases/{caseId}/flag)',
      },
    ];
  }
  if (flag && !sameStrands(flag.strands, upstream.strands)) {
    return [
      {
        code: 'strands_differ_from_police',
        finding: 'strands_changed',
        boundary: 'police_to_cps',
        message: `the CPS holds case ${received.caseId} flagged ${flag.strands.join(', ')}; the police referred it flagged ${upstream.strands.join(', ')}`,
        remedy: 'nothing if the CPS review changed the strands on purpose; otherwise record the strands the police referred',
      },
    ];
  }
  return [];
}

function makePreChargeDecision(command: MakePreChargeDecision, state: CpsCase): Decision<CpsEvent> {
  const received = requireReceived(state, command.caseId);
  requireDefendant(received, command.defendantId);
  const previous = received.decisions[command.defendantId];
  // A decision not to charge may be reviewed and become a charge (the Victims' Right to Review); nothing else follows a decision.
  if (previous && (previous === 'charge' || command.decision !== 'charge')) {
    throw new DomainError('decision_already_made', `a pre-charge decision (${previous}) was already made for defendant ${command.defendantId}`, 'conflict');
  }
  if (command.decision === 'charge' && command.charges.length === 0) {
    throw new DomainError('charge_needs_offence', 'a decision to charge must name at least one offence charged');
  }
  if (command.decision !== 'charge' && command.charges.length > 0) {
    throw new DomainError('charges_only_with_charge_decision', `charges cannot be given with a ${command.decision} decision`);
  }
  const warnings = checkAggravatedOffences(command.charges, received.hateCrime);
  if (command.decision === 'charge' && !received.hateCrime && received.referredFlag && !received.flagRecord.reason) {
    warnings.push({
      code: 'charged_without_flag',
      finding: 'lost',
      boundary: 'police_to_cps',
      message: `defendant ${command.defendantId} is charged and sent to court without the flag the police referred (${received.referredFlag.strands.join(', ')}); the court will not know the case is a hate crime`,
      remedy: 'record the flag on the CPS case before charging (PUT /cases/{caseId}/flag-record with holds flagged), or remove it with a reason if the case is not a hate crime',
    });
  }
  return decided(
    [
      {
        type: 'PreChargeDecisionMade',
        data: {
          caseId: command.caseId,
          urn: received.urn,
          defendantId: command.defendantId,
          decision: command.decision,
          decidedAt: command.decidedAt,
          charges: command.charges,
          ...(received.hateCrime ? { hateCrime: received.hateCrime } : {}),
          cpsArea: received.cpsArea,
        },
      },
    ],
    warnings,
  );
}

function applyForSpecialMeasures(command: ApplyForSpecialMeasures, state: CpsCase): Decision<CpsEvent> {
  const received = requireReceived(state, command.caseId);
  if (!Object.values(received.decisions).includes('charge')) {
    throw new DomainError('special_measures_need_charge', `special measures are applied for at court, so only once a defendant on case ${command.caseId} is charged`);
  }
  if (command.measures.length === 0) {
    throw new DomainError('special_measures_need_measure', 'name at least one special measure to apply for');
  }
  const already = command.measures.filter((measure) => received.specialMeasures[command.victimId]?.includes(measure));
  if (already.length > 0) {
    throw new DomainError(
      'special_measures_already_applied_for',
      `the CPS already applied for ${already.join(', ')} for victim ${command.victimId}; send only the measures not yet applied for`,
      'conflict',
    );
  }
  const { type: _type, ...data } = command;
  return decided([{ type: 'SpecialMeasuresAppliedFor', data }]);
}

function completeProsecution(command: CompleteProsecution, state: CpsCase): Decision<CpsEvent> {
  if (COURT_OUTCOMES.includes(command.outcome) && !command.courtEventId) {
    throw new DomainError(
      'outcome_comes_from_court',
      `${command.outcome} is decided by the court and recorded from the court's result event; the CPS completes a prosecution itself only as discontinued or administratively_finalised`,
    );
  }
  const received = requireReceived(state, command.caseId);
  requireDefendant(received, command.defendantId);
  const completed = received.prosecutions[command.defendantId];
  if (completed) {
    if (command.courtEventId && completed.courtEventId === command.courtEventId && completed.outcome === command.outcome) return decided([]);
    throw new DomainError(
      'prosecution_already_completed',
      `the prosecution of defendant ${command.defendantId} was already completed (${completed.outcome} on ${completed.completedAt})`,
      'conflict',
    );
  }
  if (received.decisions[command.defendantId] !== 'charge') {
    throw new DomainError('not_charged', `defendant ${command.defendantId} was not charged, so there is no prosecution to complete`);
  }
  return decided([
    {
      type: 'ProsecutionCompleted',
      data: {
        caseId: command.caseId,
        defendantId: command.defendantId,
        outcome: command.outcome,
        completedAt: command.completedAt,
        ...(command.courtEventId ? { courtEventId: command.courtEventId } : {}),
      },
    },
  ]);
}

function requireReceived(state: CpsCase, caseId: string): ReceivedCase {
  if (state.status === 'none') {
    throw new DomainError('no_referral', `the CPS has no referral from the police for case ${caseId}; it opens a case only from a police referral`, 'not_found');
  }
  return state;
}

function requireDefendant(state: ReceivedCase, defendantId: string): void {
  if (!Object.hasOwn(state.decisions, defendantId)) {
    throw new DomainError('unknown_defendant', `defendant ${defendantId} was not referred on case ${state.caseId}`, 'not_found');
  }
}

function chargedOffences(state: ReceivedCase): Offence[] {
  return Object.values(state.charges).flat();
}

export const cpsCaseDecider: Decider<CpsCommand, CpsEvent, CpsCase> = { initialState, evolve, decide };
