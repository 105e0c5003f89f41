import {
  FORCES,
  type CaseReceivedFromPolice,
  type CpsEvent,
  type HateCrimeFlag,
  type Offence,
  type PreChargeDecision,
  type PreChargeDecisionMade,
} from '@hc/contracts';
import { assertNever, checkAggravatedOffences, DomainError, type Decider } from '@hc/domain';

// ---- events ---------------------------------------------------------------------------------
export type { CaseReceivedFromPolice, CpsEvent, PreChargeDecisionMade };

// ---- state ----------------------------------------------------------------------------------
export type CpsCase =
  | { readonly status: 'none' }
  | {
      readonly status: 'received';
      readonly caseId: string;
      readonly urn: string;
      readonly cpsArea: string;
      readonly referralEventId: string;
      readonly hateCrime?: HateCrimeFlag;
      readonly offences: readonly Offence[];
      readonly decisions: Readonly<Record<string, PreChargeDecision | null>>;
    };

export const initialState = (): CpsCase => ({ status: 'none' });

// ---- evolve ---------------------------------------------------------------------------------
export function evolve(state: CpsCase, event: CpsEvent): CpsCase {
  switch (event.type) {
    case 'CaseReceivedFromPolice':
      return {
        status: 'received',
        caseId: event.data.caseId,
        urn: event.data.urn,
        cpsArea: event.data.cpsArea,
        referralEventId: event.data.referralEventId,
        hateCrime: event.data.hateCrime,
        offences: event.data.offences,
        decisions: Object.fromEntries(event.data.defendantIds.map((id) => [id, null])),
      };
    case 'PreChargeDecisionMade':
      if (state.status === 'none') return state;
      return { ...state, decisions: { ...state.decisions, [event.data.defendantId]: event.data.decision } };
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

export type MakePreChargeDecision = {
  readonly type: 'MakePreChargeDecision';
  readonly caseId: string;
  readonly defendantId: string;
  readonly decision: PreChargeDecision;
  readonly decidedAt: string;
  readonly charges: readonly Offence[];
};

export type CpsCommand = ReceiveCaseFromPolice | MakePreChargeDecision;

// ---- decide ---------------------------------------------------------------------------------
export function decide(command: CpsCommand, state: CpsCase): CpsEvent[] {
  switch (command.type) {
    case 'ReceiveCaseFromPolice':
      return receiveCaseFromPolice(command, state);
    case 'MakePreChargeDecision':
      return makePreChargeDecision(command, state);
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

function makePreChargeDecision(command: MakePreChargeDecision, state: CpsCase): CpsEvent[] {
  if (state.status === 'none') {
    throw new DomainError('no_referral', `the CPS has no referral from the police for case ${command.caseId}; a decision needs one`, 'not_found');
  }
  if (!Object.hasOwn(state.decisions, command.defendantId)) {
    throw new DomainError('unknown_defendant', `defendant ${command.defendantId} was not referred on case ${command.caseId}`, 'not_found');
  }
  const previous = state.decisions[command.defendantId];
  if (previous) {
    throw new DomainError('decision_already_made', `a pre-charge decision (${previous}) was already made for defendant ${command.defendantId}`, 'conflict');
  }
  if (command.decision === 'charge' && command.charges.length === 0) {
    throw new DomainError('charge_needs_offence', 'a decision to charge must name at least one offence charged');
  }
  if (command.decision !== 'charge' && command.charges.length > 0) {
    throw new DomainError('charges_only_with_charge_decision', `charges cannot be given with a ${command.decision} decision`);
  }
  checkAggravatedOffences(command.charges, state.hateCrime);
  return [
    {
      type: 'PreChargeDecisionMade',
      data: {
        caseId: command.caseId,
        urn: state.urn,
        defendantId: command.defendantId,
        decision: command.decision,
        decidedAt: command.decidedAt,
        charges: command.charges,
        ...(state.hateCrime ? { hateCrime: state.hateCrime } : {}),
        cpsArea: state.cpsArea,
      },
    },
  ];
}

export const cpsCaseDecider: Decider<CpsCommand, CpsEvent, CpsCase> = { initialState, evolve, decide };
