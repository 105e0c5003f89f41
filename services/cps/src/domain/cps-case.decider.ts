import {
  CONVICTION_OUTCOMES,
  FORCES,
  type CaseReceivedFromPolice,
  type CpsEvent,
  type CpsHateCrimeFlagApplied,
  type CpsHateCrimeFlagRemoved,
  type HateCrimeFlag,
  type HateCrimeFlagConfirmed,
  type Offence,
  type PreChargeDecision,
  type PreChargeDecisionMade,
  type ProsecutionCompleted,
  type ProsecutionOutcome,
  type SpecialMeasure,
  type SpecialMeasuresAppliedFor,
} from '@hc/contracts';
import { assertNever, checkAggravatedOffences, checkFlag, DomainError, type Decider } from '@hc/domain';

// ---- events ---------------------------------------------------------------------------------
export type {
  CaseReceivedFromPolice,
  CpsEvent,
  CpsHateCrimeFlagApplied,
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
/** The CPS's last word on the flag it received: kept (maybe with other strands), first applied, or removed. */
export interface FlagReview {
  readonly outcome: 'confirmed' | 'applied' | 'removed';
  readonly at: string;
  readonly reason?: string;
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
      ...(event.data.hateCrime ? { hateCrime: event.data.hateCrime } : {}),
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
      return { ...state, hateCrime: event.data.hateCrime, flagReview: { outcome: 'confirmed', at: event.data.confirmedAt } };
    case 'HateCrimeFlagApplied':
      return {
        ...state,
        hateCrime: event.data.hateCrime,
        flagReview: { outcome: 'applied', at: event.data.appliedAt, reason: event.data.reason },
      };
    case 'HateCrimeFlagRemoved': {
      const { hateCrime: _removed, ...unflagged } = state;
      return { ...unflagged, flagReview: { outcome: 'removed', at: event.data.removedAt, reason: event.data.reason } };
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
  readonly reason: string;
};

export type RemoveHateCrimeFlag = {
  readonly type: 'RemoveHateCrimeFlag';
  readonly caseId: string;
  readonly removedAt: string;
  readonly reason: string;
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
  | MakePreChargeDecision
  | ApplyForSpecialMeasures
  | CompleteProsecution;

// ---- decide ---------------------------------------------------------------------------------
export function decide(command: CpsCommand, state: CpsCase): CpsEvent[] {
  switch (command.type) {
    case 'ReceiveCaseFromPolice':
      return receiveCaseFromPolice(command, state);
    case 'ConfirmHateCrimeFlag':
      return confirmHateCrimeFlag(command, state);
    case 'ApplyHateCrimeFlag':
      return applyHateCrimeFlag(command, state);
    case 'RemoveHateCrimeFlag':
      return removeHateCrimeFlag(command, state);
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

function receiveCaseFromPolice(command: ReceiveCaseFromPolice, state: CpsCase): CpsEvent[] {
  const { referral } = command;
  if (state.status === 'received') {
    if (state.referralEventId === command.referralEventId) return [];
    throw new DomainError('case_already_received', `the CPS already holds case ${referral.caseId} under URN ${state.urn}`, 'conflict');
  }
  const force = FORCES.get(referral.forceCode);
  if (!force) throw new DomainError('unknown_force', `force code ${referral.forceCode} has no CPS area`);
  return [
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
  ];
}

function confirmHateCrimeFlag(command: ConfirmHateCrimeFlag, state: CpsCase): CpsEvent[] {
  const received = requireReceived(state, command.caseId);
  if (!received.hateCrime) {
    throw new DomainError('no_flag_to_confirm', `case ${command.caseId} is not flagged as a hate crime; apply a flag instead of confirming one`);
  }
  const hateCrime = command.hateCrime ?? received.hateCrime;
  checkFlag(hateCrime);
  checkAggravatedOffences(chargedOffences(received), hateCrime);
  return [{ type: 'HateCrimeFlagConfirmed', data: { caseId: command.caseId, hateCrime, confirmedAt: command.confirmedAt } }];
}

function applyHateCrimeFlag(command: ApplyHateCrimeFlag, state: CpsCase): CpsEvent[] {
  const received = requireReceived(state, command.caseId);
  if (received.hateCrime) {
    throw new DomainError(
      'flag_already_applied',
      `case ${command.caseId} is already flagged (${received.hateCrime.strands.join(', ')}); confirm the flag to change its strands`,
      'conflict',
    );
  }
  if (command.reason.trim() === '') {
    throw new DomainError('application_needs_reason', 'say why the CPS applies a hate crime flag the police did not (e.g. hostility disclosed in the victim statement)');
  }
  checkFlag(command.hateCrime);
  const { type: _type, ...data } = command;
  return [{ type: 'HateCrimeFlagApplied', data }];
}

function removeHateCrimeFlag(command: RemoveHateCrimeFlag, state: CpsCase): CpsEvent[] {
  const received = requireReceived(state, command.caseId);
  if (!received.hateCrime) {
    throw new DomainError('no_flag_to_remove', `case ${command.caseId} is not flagged as a hate crime, so there is no flag to remove`);
  }
  if (command.reason.trim() === '') {
    throw new DomainError('removal_needs_reason', 'removing a hate crime flag needs a reason, so that the removal is never counted as a lost flag');
  }
  checkAggravatedOffences(chargedOffences(received), undefined);
  const { type: _type, ...data } = command;
  return [{ type: 'HateCrimeFlagRemoved', data }];
}

function makePreChargeDecision(command: MakePreChargeDecision, state: CpsCase): CpsEvent[] {
  const received = requireReceived(state, command.caseId);
  requireDefendant(received, command.defendantId);
  const previous = received.decisions[command.defendantId];
  if (previous) {
    throw new DomainError('decision_already_made', `a pre-charge decision (${previous}) was already made for defendant ${command.defendantId}`, 'conflict');
  }
  if (command.decision === 'charge' && command.charges.length === 0) {
    throw new DomainError('charge_needs_offence', 'a decision to charge must name at least one offence charged');
  }
  if (command.decision !== 'charge' && command.charges.length > 0) {
    throw new DomainError('charges_only_with_charge_decision', `charges cannot be given with a ${command.decision} decision`);
  }
  checkAggravatedOffences(command.charges, received.hateCrime);
  return [
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
  ];
}

function applyForSpecialMeasures(command: ApplyForSpecialMeasures, state: CpsCase): CpsEvent[] {
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
  return [{ type: 'SpecialMeasuresAppliedFor', data }];
}

function completeProsecution(command: CompleteProsecution, state: CpsCase): CpsEvent[] {
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
    if (command.courtEventId && completed.courtEventId === command.courtEventId && completed.outcome === command.outcome) return [];
    throw new DomainError(
      'prosecution_already_completed',
      `the prosecution of defendant ${command.defendantId} was already completed (${completed.outcome} on ${completed.completedAt})`,
      'conflict',
    );
  }
  if (received.decisions[command.defendantId] !== 'charge') {
    throw new DomainError('not_charged', `defendant ${command.defendantId} was not charged, so there is no prosecution to complete`);
  }
  return [
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
  ];
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
