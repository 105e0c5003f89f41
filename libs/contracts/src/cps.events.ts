import type { FlagAppliedReason, NotHateCrimeReason } from './codes';
import type { FlagRecordedData, FlagRecordedDataV1, HateCrimeFlag } from './hate-crime';
import type { Offence, OffenceV1, SpecialMeasure } from './police.events';

/** Events published by the CPS on the CPS topic. */

export const PRE_CHARGE_DECISIONS = [
  'charge',
  'no_further_action_evidential',
  'no_further_action_public_interest',
  'out_of_court_disposal',
  'administratively_finalised',
] as const;
export type PreChargeDecision = (typeof PRE_CHARGE_DECISIONS)[number];

export type CaseReceivedFromPolice = {
  readonly type: 'CaseReceivedFromPolice';
  readonly data: {
    readonly caseId: string;
    readonly urn: string;
    readonly forceCode: string;
    readonly cpsArea: string;
    readonly receivedAt: string;
    /** Id of the police `CaseReferredToCps` event this case was opened from. */
    readonly referralEventId: string;
    readonly defendantIds: readonly string[];
    readonly offences: readonly Offence[];
    /** Carried from the referral, never re-keyed. */
    readonly hateCrime?: HateCrimeFlag;
    readonly victimNeedsReceived: boolean;
  };
};

/** Version 1: offences with their descriptions. Superseded by version 2 (codes only). */
export type CaseReceivedFromPoliceV1 = {
  readonly type: 'CaseReceivedFromPolice';
  readonly data: Omit<CaseReceivedFromPolice['data'], 'offences'> & { readonly offences: readonly OffenceV1[] };
};

export type PreChargeDecisionMade = {
  readonly type: 'PreChargeDecisionMade';
  readonly data: {
    readonly caseId: string;
    readonly urn: string;
    readonly defendantId: string;
    readonly decision: PreChargeDecision;
    readonly decidedAt: string;
    /** Only for `charge`: the offences charged. */
    readonly charges: readonly Offence[];
    /** The flag as the CPS holds it when it decides; the courts open their case with it. */
    readonly hateCrime?: HateCrimeFlag;
    readonly cpsArea: string;
  };
};

/** Version 1: charges with their descriptions. Superseded by version 2 (codes only). */
export type PreChargeDecisionMadeV1 = {
  readonly type: 'PreChargeDecisionMade';
  readonly data: Omit<PreChargeDecisionMade['data'], 'charges'> & { readonly charges: readonly OffenceV1[] };
};

/** The CPS reviewed the police flag and keeps it; strands may differ from the police's (a change). */
export type HateCrimeFlagConfirmed = {
  readonly type: 'HateCrimeFlagConfirmed';
  readonly data: {
    readonly caseId: string;
    readonly hateCrime: HateCrimeFlag;
    readonly confirmedAt: string;
  };
};

/** The CPS first applied a flag the police had not. Version 2: the reason is a code. */
export type CpsHateCrimeFlagApplied = {
  readonly type: 'HateCrimeFlagApplied';
  readonly data: {
    readonly caseId: string;
    readonly hateCrime: HateCrimeFlag;
    readonly appliedAt: string;
    readonly reason: FlagAppliedReason;
  };
};

/** The CPS removed the flag, with its reason (e.g. recorded in error). Version 2: the reason is a code. */
export type CpsHateCrimeFlagRemoved = {
  readonly type: 'HateCrimeFlagRemoved';
  readonly data: {
    readonly caseId: string;
    readonly removedAt: string;
    readonly reason: NotHateCrimeReason;
  };
};

/**
 * The flag as CPS case management holds it, when it differs from what the CPS case holds: a flag
 * with the given strands, no flag (nobody re-keyed it), or not a hate crime with or without a
 * reason. Without a flag and without a reason, the audit counts the flag as lost.
 */
export type CpsHateCrimeFlagRecorded = {
  readonly type: 'HateCrimeFlagRecorded';
  readonly data: FlagRecordedData;
};

/** Version 1: the reason of not_hate_crime was free text. Superseded by version 2 (a code). */
export type CpsHateCrimeFlagRecordedV1 = {
  readonly type: 'HateCrimeFlagRecorded';
  readonly data: FlagRecordedDataV1;
};

export type SpecialMeasuresAppliedFor = {
  readonly type: 'SpecialMeasuresAppliedFor';
  readonly data: {
    readonly caseId: string;
    readonly victimId: string;
    readonly measures: readonly SpecialMeasure[];
    readonly appliedAt: string;
  };
};

/** CPS completed prosecution outcomes, per defendant, as the CPS publishes them. */
export const PROSECUTION_OUTCOMES = [
  'guilty_plea',
  'conviction_after_trial',
  'proof_in_absence',
  'discontinued',
  'dismissed',
  'acquitted',
  'administratively_finalised',
] as const;
export type ProsecutionOutcome = (typeof PROSECUTION_OUTCOMES)[number];
export const CONVICTION_OUTCOMES: readonly ProsecutionOutcome[] = ['guilty_plea', 'conviction_after_trial', 'proof_in_absence'];

export type ProsecutionCompleted = {
  readonly type: 'ProsecutionCompleted';
  readonly data: {
    readonly caseId: string;
    readonly defendantId: string;
    readonly outcome: ProsecutionOutcome;
    readonly completedAt: string;
    /** Set when the outcome was recorded from a court result event; absent for CPS decisions such as a discontinuance. */
    readonly courtEventId?: string;
  };
};

export type CpsEvent =
  | CaseReceivedFromPolice
  | HateCrimeFlagConfirmed
  | CpsHateCrimeFlagApplied
  | CpsHateCrimeFlagRemoved
  | CpsHateCrimeFlagRecorded
  | PreChargeDecisionMade
  | SpecialMeasuresAppliedFor
  | ProsecutionCompleted;
export type CpsEventType = CpsEvent['type'];
export const CPS_EVENT_TYPES: readonly CpsEventType[] = [
  'CaseReceivedFromPolice',
  'HateCrimeFlagConfirmed',
  'HateCrimeFlagApplied',
  'HateCrimeFlagRemoved',
  'HateCrimeFlagRecorded',
  'PreChargeDecisionMade',
  'SpecialMeasuresAppliedFor',
  'ProsecutionCompleted',
];
