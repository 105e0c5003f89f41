import type { SentenceType, UpliftNotAppliedReason } from './codes';
import type { FlagRecordedData, FlagRecordedDataV1, HateCrimeFlag, HateCrimeStrand } from './hate-crime';
import type { Offence, OffenceV1 } from './police.events';

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
  /** Why the uplift was not applied, as a code (the court's words stay in its own system). */
  readonly reasonNotApplied?: UpliftNotAppliedReason;
}

/** The uplift decision of versions 1 and 2 of `DefendantSentenced`: the reason not applied was free text. */
export type UpliftDecisionV2 = Omit<UpliftDecision, 'reasonNotApplied'> & { readonly reasonNotApplied?: string };

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

/** Version 1: charges with their descriptions. Superseded by version 2 (codes only). */
export type CaseReceivedFromCpsV1 = {
  readonly type: 'CaseReceivedFromCps';
  readonly data: Omit<CaseReceivedFromCps['data'], 'charges'> & { readonly charges: readonly OffenceV1[] };
};

/**
 * The flag as the court's own system holds it for one defendant, when it differs from the flag the
 * case was opened with: a flag with the given strands, no flag, or not a hate crime with or without
 * a reason. Without a flag and without a reason, the audit counts the flag as lost.
 */
export type CourtHateCrimeFlagRecorded = {
  readonly type: 'HateCrimeFlagRecorded';
  readonly data: FlagRecordedData & { readonly defendantId: string };
};

/** Version 1: the reason of not_hate_crime was free text. Superseded by version 2 (a code). */
export type CourtHateCrimeFlagRecordedV1 = {
  readonly type: 'HateCrimeFlagRecorded';
  readonly data: FlagRecordedDataV1 & { readonly defendantId: string };
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

/** Version 1: one sentence and one uplift decision for the defendant. Superseded by version 2. */
export type DefendantSentencedV1 = {
  readonly type: 'DefendantSentenced';
  readonly data: {
    readonly caseId: string;
    readonly defendantId: string;
    readonly sentencedAt: string;
    readonly courtType: CourtType;
    readonly sentence: string;
    /** Absent only when the case reached sentence without a flag. */
    readonly uplift?: UpliftDecisionV2;
  };
};

/** The sentence and the uplift decision for one offence. */
export interface OffenceSentence {
  /** The offence id from the charge; `all` in events upcast from version 1, which had no per-offence detail. */
  readonly offenceId: string;
  /** The disposal, as a code: the words of the sentence stay in the court's own system. */
  readonly sentenceType: SentenceType;
  /** Absent when the offence is not flagged as a hate crime. */
  readonly uplift?: UpliftDecision;
}

/** An offence's sentence in version 2, as the court typed it. */
export interface OffenceSentenceV2 {
  readonly offenceId: string;
  readonly sentence: string;
  readonly uplift?: UpliftDecisionV2;
}

/** Version 2: the uplift is decided per offence, as the court announces it; the sentence was free text. Superseded by version 3. */
export type DefendantSentencedV2 = {
  readonly type: 'DefendantSentenced';
  readonly data: Omit<DefendantSentenced['data'], 'offences'> & { readonly offences: readonly OffenceSentenceV2[] };
};

/** Version 3: per offence, the sentence type and the uplift decision, codes only. */
export type DefendantSentenced = {
  readonly type: 'DefendantSentenced';
  readonly data: {
    readonly caseId: string;
    readonly defendantId: string;
    readonly sentencedAt: string;
    readonly courtType: CourtType;
    readonly offences: readonly OffenceSentence[];
  };
};

/** First listing at a magistrates' court (every criminal case starts there). */
export type CaseListed = {
  readonly type: 'CaseListed';
  readonly data: {
    readonly caseId: string;
    readonly defendantId: string;
    readonly courtType: 'magistrates';
    readonly courtCode: string;
    readonly hearingDate: string;
    readonly listedAt: string;
  };
};

export type DefendantSentToCrownCourt = {
  readonly type: 'DefendantSentToCrownCourt';
  readonly data: {
    readonly caseId: string;
    readonly defendantId: string;
    readonly crownCourtCode: string;
    readonly sentAt: string;
  };
};

export const PLEAS = ['guilty', 'not_guilty'] as const;
export type Plea = (typeof PLEAS)[number];

export type PleaEntered = {
  readonly type: 'PleaEntered';
  readonly data: {
    readonly caseId: string;
    readonly defendantId: string;
    readonly plea: Plea;
    readonly courtType: CourtType;
    readonly enteredAt: string;
  };
};

export const ACQUITTAL_BASES = ['acquitted_after_trial', 'dismissed'] as const;
export type AcquittalBasis = (typeof ACQUITTAL_BASES)[number];

export type DefendantAcquitted = {
  readonly type: 'DefendantAcquitted';
  readonly data: {
    readonly caseId: string;
    readonly defendantId: string;
    readonly basis: AcquittalBasis;
    readonly courtType: CourtType;
    readonly acquittedAt: string;
  };
};

/** Victims' Code: the victim was told the outcome, and for a hate crime whether the sentence was uplifted. */
export type VictimInformedOfOutcome = {
  readonly type: 'VictimInformedOfOutcome';
  readonly data: {
    readonly caseId: string;
    readonly defendantId: string;
    readonly victimId: string;
    readonly informedAt: string;
    readonly upliftExplained: boolean;
  };
};

export type CourtsEvent =
  | CaseReceivedFromCps
  | CourtHateCrimeFlagRecorded
  | CaseListed
  | DefendantSentToCrownCourt
  | PleaEntered
  | DefendantConvicted
  | DefendantAcquitted
  | DefendantSentenced
  | VictimInformedOfOutcome;
export type CourtsEventType = CourtsEvent['type'];
export const COURTS_EVENT_TYPES: readonly CourtsEventType[] = [
  'CaseReceivedFromCps',
  'HateCrimeFlagRecorded',
  'CaseListed',
  'DefendantSentToCrownCourt',
  'PleaEntered',
  'DefendantConvicted',
  'DefendantAcquitted',
  'DefendantSentenced',
  'VictimInformedOfOutcome',
];
