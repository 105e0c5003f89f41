import type { HateCrimeFlag } from './hate-crime';

/** Events published by police services on the police topic. Published shapes are never edited: add a version. */

export interface Offence {
  readonly offenceId: string;
  /** Home Office offence code or a local code the force uses. */
  readonly code: string;
  readonly description: string;
  /** Crime and Disorder Act 1998 s.29-32 racially or religiously aggravated offence, when charged as such. */
  readonly aggravatedUnder?: AggravatedOffenceSection;
}

export const AGGRAVATED_OFFENCE_SECTIONS = ['CDA1998_s29', 'CDA1998_s30', 'CDA1998_s31', 'CDA1998_s32'] as const;
export type AggravatedOffenceSection = (typeof AGGRAVATED_OFFENCE_SECTIONS)[number];

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

export type PoliceEvent = CrimeRecorded | SuspectIdentified | CaseReferredToCps;
export type PoliceEventType = PoliceEvent['type'];
export const POLICE_EVENT_TYPES: readonly PoliceEventType[] = ['CrimeRecorded', 'SuspectIdentified', 'CaseReferredToCps'];
