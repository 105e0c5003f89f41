import {
  normaliseStrands,
  type CaseReceivedFromCps,
  type ConvictionBasis,
  type CourtsEvent,
  type CourtType,
  type DefendantConvicted,
  type DefendantSentenced,
  type HateCrimeFlag,
  type HateCrimeStrand,
  type Offence,
  type UpliftDecision,
  type UpliftProvision,
} from '@hc/contracts';
import { assertNever, DomainError, type Decider } from '@hc/domain';

// ---- events ---------------------------------------------------------------------------------
export type { CaseReceivedFromCps, CourtsEvent, DefendantConvicted, DefendantSentenced };

// ---- state ----------------------------------------------------------------------------------
export interface CourtDefendant {
  readonly chargeEventId: string;
  readonly charges: readonly Offence[];
  readonly convicted?: { readonly basis: ConvictionBasis; readonly courtType: CourtType };
  readonly sentenced: boolean;
}

export interface CourtCase {
  readonly urn?: string;
  readonly hateCrime?: HateCrimeFlag;
  readonly defendants: Readonly<Record<string, CourtDefendant>>;
}

export const initialState = (): CourtCase => ({ defendants: {} });

// ---- evolve ---------------------------------------------------------------------------------
export function evolve(state: CourtCase, event: CourtsEvent): CourtCase {
  switch (event.type) {
    case 'CaseReceivedFromCps':
      return {
        urn: event.data.urn,
        hateCrime: event.data.hateCrime ?? state.hateCrime,
        defendants: {
          ...state.defendants,
          [event.data.defendantId]: { chargeEventId: event.data.chargeEventId, charges: event.data.charges, sentenced: false },
        },
      };
    case 'DefendantConvicted':
      return updateDefendant(state, event.data.defendantId, (defendant) => ({
        ...defendant,
        convicted: { basis: event.data.basis, courtType: event.data.courtType },
      }));
    case 'DefendantSentenced':
      return updateDefendant(state, event.data.defendantId, (defendant) => ({ ...defendant, sentenced: true }));
    default:
      return assertNever(event, 'courts event');
  }
}

function updateDefendant(state: CourtCase, defendantId: string, change: (defendant: CourtDefendant) => CourtDefendant): CourtCase {
  const defendant = state.defendants[defendantId];
  if (!defendant) return state;
  return { ...state, defendants: { ...state.defendants, [defendantId]: change(defendant) } };
}

// ---- commands -------------------------------------------------------------------------------
/** Sent by the consumer of the CPS topic, from a `PreChargeDecisionMade` charge: nothing is re-keyed. */
export type ReceiveCaseFromCps = {
  readonly type: 'ReceiveCaseFromCps';
  readonly chargeEventId: string;
  readonly receivedAt: string;
  readonly charge: {
    readonly caseId: string;
    readonly urn: string;
    readonly defendantId: string;
    readonly charges: readonly Offence[];
    readonly hateCrime?: HateCrimeFlag;
    readonly cpsArea: string;
  };
};

export type ConvictDefendant = {
  readonly type: 'ConvictDefendant';
  readonly caseId: string;
  readonly defendantId: string;
  readonly convictedAt: string;
  readonly basis: ConvictionBasis;
  readonly courtType: CourtType;
};

export type SentenceDefendant = {
  readonly type: 'SentenceDefendant';
  readonly caseId: string;
  readonly defendantId: string;
  readonly sentencedAt: string;
  readonly courtType: CourtType;
  readonly sentence: string;
  readonly uplift?: UpliftDecision;
};

export type CourtCommand = ReceiveCaseFromCps | ConvictDefendant | SentenceDefendant;

// ---- decide ---------------------------------------------------------------------------------
export function decide(command: CourtCommand, state: CourtCase): CourtsEvent[] {
  switch (command.type) {
    case 'ReceiveCaseFromCps':
      return receiveCaseFromCps(command, state);
    case 'ConvictDefendant':
      return convictDefendant(command, state);
    case 'SentenceDefendant':
      return sentenceDefendant(command, state);
    default:
      return assertNever(command, 'court command');
  }
}

function receiveCaseFromCps(command: ReceiveCaseFromCps, state: CourtCase): CourtsEvent[] {
  const { charge } = command;
  const existing = state.defendants[charge.defendantId];
  if (existing) {
    if (existing.chargeEventId === command.chargeEventId) return [];
    throw new DomainError('defendant_already_before_court', `defendant ${charge.defendantId} is already before the court on case ${charge.caseId}`, 'conflict');
  }
  if (state.urn && state.urn !== charge.urn) {
    throw new DomainError('urn_changed', `case ${charge.caseId} is held under URN ${state.urn}, not ${charge.urn}`, 'conflict');
  }
  return [
    {
      type: 'CaseReceivedFromCps',
      data: {
        caseId: charge.caseId,
        urn: charge.urn,
        defendantId: charge.defendantId,
        receivedAt: command.receivedAt,
        chargeEventId: command.chargeEventId,
        charges: charge.charges,
        ...(charge.hateCrime ? { hateCrime: charge.hateCrime } : {}),
        cpsArea: charge.cpsArea,
      },
    },
  ];
}

function convictDefendant(command: ConvictDefendant, state: CourtCase): CourtsEvent[] {
  const defendant = requireDefendant(state, command.caseId, command.defendantId);
  if (defendant.convicted) {
    throw new DomainError('already_convicted', `defendant ${command.defendantId} was already convicted on case ${command.caseId}`, 'conflict');
  }
  const { type: _type, ...data } = command;
  return [{ type: 'DefendantConvicted', data }];
}

const PROVISION_STRANDS: Record<UpliftProvision, readonly HateCrimeStrand[]> = {
  SA2020_s66: ['race', 'religion', 'sexual_orientation', 'disability', 'transgender'],
  CJA2003_s145: ['race', 'religion'],
  CJA2003_s146: ['sexual_orientation', 'disability', 'transgender'],
};

function sentenceDefendant(command: SentenceDefendant, state: CourtCase): CourtsEvent[] {
  const defendant = requireDefendant(state, command.caseId, command.defendantId);
  if (!defendant.convicted) {
    throw new DomainError('no_sentence_before_conviction', `defendant ${command.defendantId} has not been convicted on case ${command.caseId}`);
  }
  if (defendant.sentenced) {
    throw new DomainError('already_sentenced', `defendant ${command.defendantId} was already sentenced on case ${command.caseId}`, 'conflict');
  }
  const { uplift } = command;
  if (!state.hateCrime && uplift) {
    throw new DomainError('uplift_only_in_flagged_case', `case ${command.caseId} carries no hate crime flag, so no uplift decision can be recorded`);
  }
  if (state.hateCrime && !uplift) {
    throw new DomainError('flagged_case_needs_uplift_decision', `case ${command.caseId} is flagged as a hate crime: record whether the sentence uplift was applied`);
  }
  if (uplift) checkUplift(uplift);
  const { type: _type, uplift: _uplift, ...data } = command;
  return [
    {
      type: 'DefendantSentenced',
      data: { ...data, ...(uplift ? { uplift: { ...uplift, strandsRecognised: normaliseStrands(uplift.strandsRecognised) } } : {}) },
    },
  ];
}

function checkUplift(uplift: UpliftDecision): void {
  if (uplift.applied && uplift.strandsRecognised.length === 0) {
    throw new DomainError('uplift_needs_strand', 'an applied uplift must name the strands of hostility the court recognised');
  }
  if (!uplift.applied && !uplift.reasonNotApplied) {
    throw new DomainError('uplift_not_applied_needs_reason', 'an uplift that was not applied needs reasonNotApplied');
  }
  const allowed = PROVISION_STRANDS[uplift.provision];
  const outside = uplift.strandsRecognised.filter((strand) => !allowed.includes(strand));
  if (outside.length > 0) {
    throw new DomainError('provision_does_not_cover_strand', `${uplift.provision} does not cover ${outside.join(', ')}`);
  }
}

function requireDefendant(state: CourtCase, caseId: string, defendantId: string): CourtDefendant {
  const defendant = state.defendants[defendantId];
  if (!defendant) {
    throw new DomainError('defendant_not_before_court', `defendant ${defendantId} has not been sent to court by the CPS on case ${caseId}`, 'not_found');
  }
  return defendant;
}

export const courtCaseDecider: Decider<CourtCommand, CourtsEvent, CourtCase> = { initialState, evolve, decide };
