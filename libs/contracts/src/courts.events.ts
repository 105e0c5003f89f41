import type { HateCrimeFlag, HateCrimeStrand } from './hate-crime';
import type { Offence } from './police.events';

/** Events published by HMCTS on the courts topic. */

export const COURT_TYPES = ['magistrates', 'crown'] as const;
export type CourtType = (typeof COURT_TYPES)[number];

export const CONVICTION_BASES = ['guilty_plea', 'after_trial', 'proof_in_absence'] as const;
export type ConvictionBasis = (typeof CONVICTION_BASES)[number];

/**
 * Sentencing Act 2020 s.66; Criminal Justice Act 2003 s.145 (race, religion) and s.146 (disability,
 * sexual orientation, transgender identity) for offences committed before 1 December 2020.
 */
export const UPLIFT_PROVISIONS = ['SA2020_s66', 'CJA2003_s145', 'CJA2003_s146'] as const;
export type UpliftProvision = (typeof UPLIFT_PROVISIONS)[number];

export interface UpliftDecision {
  readonly applied: boolean;
  readonly provision: UpliftProvision;
  /** The uplift only counts when the court states it in open court. */
  readonly statedInOpenCourt: boolean;
  readonly strandsRecognised: readonly HateCrimeStrand[];
  readonly reasonNotApplied?: string;
}

export type CaseReceivedFromCps = {
  readonly type: 'CaseReceivedFromCps';
  readonly data: {
    readonly caseId: string;
    readonly urn: string;
    readonly defendantId: string;
    readonly receivedAt: string;
    /** Id of the CPS `PreChargeDecisionMade` (charge) event the court case was opened from. */
    readonly chargeEventId: string;
    readonly charges: readonly Offence[];
    /** Carried from the CPS charge, never re-keyed. */
    readonly hateCrime?: HateCrimeFlag;
    readonly cpsArea: string;
  };
};

export type DefendantConvicted = {
  readonly type: 'DefendantConvicted';
  readonly data: {
    readonly caseId: string;
    readonly defendantId: string;
    readonly convictedAt: string;
    readonly basis: ConvictionBasis;
    readonly courtType: CourtType;
  };
};

export type DefendantSentenced = {
  readonly type: 'DefendantSentenced';
  readonly data: {
    readonly caseId: string;
    readonly defendantId: string;
    readonly sentencedAt: string;
    readonly courtType: CourtType;
    readonly sentence: string;
    /** Absent only when the case reached sentence without a flag. */
    readonly uplift?: UpliftDecision;
  };
};

export type CourtsEvent = CaseReceivedFromCps | DefendantConvicted | DefendantSentenced;
export type CourtsEventType = CourtsEvent['type'];
export const COURTS_EVENT_TYPES: readonly CourtsEventType[] = ['CaseReceivedFromCps', 'DefendantConvicted', 'DefendantSentenced'];
