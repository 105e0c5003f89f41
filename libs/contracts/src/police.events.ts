import type { FlagAppliedReason, FlagChangedReason, NotHateCrimeReason } from './codes';
import type { FlagRecordedData, FlagRecordedDataV1, HateCrimeFlag, HateCrimeStrand } from './hate-crime';

/** Events published by police services on the police topic. Published shapes are never edited: add a version. */

/** An offence as the pipeline carries it: its code, never its description (free text stays with the agency). */
export interface Offence {
  readonly offenceId: string;
  /** Home Office offence code or a local code the force uses. */
  readonly code: string;
  /** Crime and Disorder Act 1998 s.29-32 racially or religiously aggravated offence, when charged as such. */
  readonly aggravatedUnder?: AggravatedOffenceSection;
}

/** An offence in the version 1 events, which also carried the description as typed. */
export interface OffenceV1 extends Offence {
  readonly description: string;
}

export const AGGRAVATED_OFFENCE_SECTIONS = ['CDA1998_s29', 'CDA1998_s30', 'CDA1998_s31', 'CDA1998_s32'] as const;
export type AggravatedOffenceSection = (typeof AGGRAVATED_OFFENCE_SECTIONS)[number];

/** Version 2: the offences carry their codes, not their descriptions. */
export type CrimeRecorded = {
  readonly type: 'CrimeRecorded';
  readonly data: {
    readonly caseId: string;
    readonly crimeReference: string;
    readonly forceCode: string;
    readonly recordedAt: string;
    readonly offences: readonly Offence[];
    /** Absent when the crime was not flagged as a hate crime at recording. */
    readonly hateCrime?: HateCrimeFlag;
  };
};

/** Version 1: offences with their descriptions. Superseded by version 2. */
export type CrimeRecordedV1 = {
  readonly type: 'CrimeRecorded';
  readonly data: Omit<CrimeRecorded['data'], 'offences'> & { readonly offences: readonly OffenceV1[] };
};

export type SuspectIdentified = {
  readonly type: 'SuspectIdentified';
  readonly data: {
    readonly caseId: string;
    /** Pseudonymous id; names and dates of birth never leave the force. */
    readonly suspectId: string;
    readonly identifiedAt: string;
  };
};

export type CaseReferredToCps = {
  readonly type: 'CaseReferredToCps';
  readonly data: {
    readonly caseId: string;
    readonly urn: string;
    readonly forceCode: string;
    readonly referredAt: string;
    readonly suspectIds: readonly string[];
    readonly offences: readonly Offence[];
    /** The flag as the police hold it at the hand-over; the CPS opens its case with it. */
    readonly hateCrime?: HateCrimeFlag;
    readonly victimNeedsPassedOn: boolean;
  };
};

/** Version 1: offences with their descriptions. Superseded by version 2. */
export type CaseReferredToCpsV1 = {
  readonly type: 'CaseReferredToCps';
  readonly data: Omit<CaseReferredToCps['data'], 'offences'> & { readonly offences: readonly OffenceV1[] };
};

/** The flag put on a crime recorded without one (e.g. hostility disclosed later). Version 2: the reason is a code. */
export type HateCrimeFlagApplied = {
  readonly type: 'HateCrimeFlagApplied';
  readonly data: {
    readonly caseId: string;
    readonly hateCrime: HateCrimeFlag;
    readonly appliedAt: string;
    readonly reason: FlagAppliedReason;
  };
};

/** Strands, perceivers or the religion targeted group of an existing flag changed. Version 2: the reason is a code. */
export type HateCrimeFlagChanged = {
  readonly type: 'HateCrimeFlagChanged';
  readonly data: {
    readonly caseId: string;
    readonly hateCrime: HateCrimeFlag;
    readonly previousStrands: readonly HateCrimeStrand[];
    readonly changedAt: string;
    readonly reason: FlagChangedReason;
  };
};

/** A flag taken off; the reason is mandatory, so a removal is never mistaken for a loss. Version 2: the reason is a code. */
export type HateCrimeFlagRemoved = {
  readonly type: 'HateCrimeFlagRemoved';
  readonly data: {
    readonly caseId: string;
    readonly removedAt: string;
    readonly reason: NotHateCrimeReason;
  };
};

/** Version 1 of a flag event with a reason (police and CPS HateCrimeFlagApplied, Changed, Removed): the reason was free text. */
export type HateCrimeFlagReasonedV1<T extends { readonly type: string; readonly data: { readonly reason: string } }> = {
  readonly type: T['type'];
  readonly data: Omit<T['data'], 'reason'> & { readonly reason: string };
};

/**
 * The flag as the force's own system holds it, when that differs from what the pipeline holds and
 * no reasoned command says why: a legacy extract, or a removal with no reason. A record without a
 * flag and without a reason is a flag lost, as the audit counts it.
 */
export type HateCrimeFlagRecorded = {
  readonly type: 'HateCrimeFlagRecorded';
  readonly data: FlagRecordedData;
};

/** Version 1: the reason of not_hate_crime was free text. Superseded by version 2 (a code). */
export type HateCrimeFlagRecordedV1 = {
  readonly type: 'HateCrimeFlagRecorded';
  readonly data: FlagRecordedDataV1;
};

export const RISK_LEVELS = ['standard', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const VICTIM_NEEDS = [
  'communication',
  'mobility',
  'mental_health',
  'learning_disability',
  'language_interpreter',
  'safeguarding',
  'repeat_victim',
  'other',
] as const;
export type VictimNeed = (typeof VICTIM_NEEDS)[number];

/** Youth Justice and Criminal Evidence Act 1999 ss.23-30 special measures. */
export const SPECIAL_MEASURES = [
  'screens',
  'live_link',
  'evidence_in_private',
  'removal_of_wigs_and_gowns',
  'video_recorded_evidence_in_chief',
  'intermediary',
  'communication_aids',
] as const;
export type SpecialMeasure = (typeof SPECIAL_MEASURES)[number];

/** Victims' Code needs assessment. The victim is a pseudonymous id: no name, address or date of birth. */
export type VictimNeedsAssessed = {
  readonly type: 'VictimNeedsAssessed';
  readonly data: {
    readonly caseId: string;
    readonly victimId: string;
    readonly assessedAt: string;
    readonly riskLevel: RiskLevel;
    readonly needs: readonly VictimNeed[];
    /** Hate crime victims are entitled to the enhanced service of the Victims' Code. */
    readonly enhancedService: boolean;
    readonly specialMeasuresWanted: readonly SpecialMeasure[];
  };
};

/**
 * Home Office outcome types: 1 charge/summons, 2-3 caution, 4 TIC, 5 offender died, 6 penalty
 * notice, 7 cannabis/khat warning, 8 community resolution, 9-10 not in public interest, 11-13
 * prosecution prevented, 14-16 evidential difficulties, 17 time limit, 18 no suspect identified,
 * 20 other body, 21 further investigation not in public interest, 22 diversionary activity.
 * (There is no outcome 19; 0 means not yet assigned and is never sent.)
 */
export const POLICE_OUTCOME_CODES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 21, 22] as const;
export type PoliceOutcomeCode = (typeof POLICE_OUTCOME_CODES)[number];

export type PoliceOutcomeAssigned = {
  readonly type: 'PoliceOutcomeAssigned';
  readonly data: {
    readonly caseId: string;
    readonly outcomeCode: PoliceOutcomeCode;
    readonly assignedAt: string;
  };
};

export type PoliceEvent =
  | CrimeRecorded
  | SuspectIdentified
  | CaseReferredToCps
  | HateCrimeFlagApplied
  | HateCrimeFlagChanged
  | HateCrimeFlagRemoved
  | HateCrimeFlagRecorded
  | VictimNeedsAssessed
  | PoliceOutcomeAssigned;
export type PoliceEventType = PoliceEvent['type'];
export const POLICE_EVENT_TYPES: readonly PoliceEventType[] = [
  'CrimeRecorded',
  'SuspectIdentified',
  'CaseReferredToCps',
  'HateCrimeFlagApplied',
  'HateCrimeFlagChanged',
  'HateCrimeFlagRemoved',
  'HateCrimeFlagRecorded',
  'VictimNeedsAssessed',
  'PoliceOutcomeAssigned',
];
