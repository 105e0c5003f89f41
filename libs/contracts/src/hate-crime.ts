import type { NotHateCrimeReason } from './codes';

/**
 * The hate crime flag as every agency holds it. One offence can carry several of the five
 * centrally monitored strands; the flag is perception-based, so we record who perceived it.
 */
export const HATE_CRIME_STRANDS = [
  'race',
  'religion',
  'sexual_orientation',
  'disability',
  'transgender',
] as const;
export type HateCrimeStrand = (typeof HATE_CRIME_STRANDS)[number];

export const PERCEIVERS = ['victim', 'witness', 'officer', 'other'] as const;
export type Perceiver = (typeof PERCEIVERS)[number];

/** Targeted group within the religion strand; community data sharing (CST, Tell MAMA) needs it. */
export const RELIGION_TARGETED_GROUPS = [
  'antisemitic',
  'anti_muslim',
  'anti_christian',
  'anti_sikh',
  'anti_hindu',
  'anti_buddhist',
  'other_religion',
  'no_religion',
  'unknown',
] as const;
export type ReligionTargetedGroup = (typeof RELIGION_TARGETED_GROUPS)[number];

export interface HateCrimeFlag {
  readonly strands: readonly HateCrimeStrand[];
  readonly perceivedBy: readonly Perceiver[];
  readonly religionTargetedGroup?: ReligionTargetedGroup;
}

/** Strands in their canonical order, without duplicates, so two flags compare by value. */
export function normaliseStrands(strands: readonly HateCrimeStrand[]): HateCrimeStrand[] {
  return HATE_CRIME_STRANDS.filter((strand) => strands.includes(strand));
}

export function sameStrands(a: readonly HateCrimeStrand[], b: readonly HateCrimeStrand[]): boolean {
  const left = normaliseStrands(a);
  const right = normaliseStrands(b);
  return left.length === right.length && left.every((strand, i) => strand === right[i]);
}

/**
 * What an agency's own system holds of the flag: a flag with its strands, no flag at all (it was
 * never keyed in, or was dropped), or a statement that the case is not a hate crime (with or
 * without a reason). It is the agency's fact even when it is wrong; the flag audit judges it.
 */
export const FLAG_HOLDINGS = ['flagged', 'no_flag', 'not_hate_crime'] as const;
export type FlagHolding = (typeof FLAG_HOLDINGS)[number];

export interface FlagRecord {
  readonly holds: FlagHolding;
  /** Present exactly when `holds` is `flagged`. */
  readonly hateCrime?: HateCrimeFlag;
  /** Only with `not_hate_crime`: why the agency says so, as a code. Without it, the audit counts a lost flag. */
  readonly reason?: NotHateCrimeReason;
}

/** The data of a `HateCrimeFlagRecorded` event: an agency's record of the flag on a case, and when it was taken. */
export type FlagRecordedData = FlagRecord & { readonly caseId: string; readonly recordedAt: string };

/** Version 1 of `HateCrimeFlagRecorded`: the reason was free text. Superseded by version 2 (a code). */
export type FlagRecordedDataV1 = Omit<FlagRecordedData, 'reason'> & { readonly reason?: string };

/** The flag a record holds, if any. */
export function flagOfRecord(record: FlagRecord): HateCrimeFlag | undefined {
  return record.holds === 'flagged' ? record.hateCrime : undefined;
}

/** Two flags are the same when their strands, perceivers and religion targeted group are, whatever the order. */
export function sameFlag(a: HateCrimeFlag | undefined, b: HateCrimeFlag | undefined): boolean {
  if (!a || !b) return a === b;
  const samePerceivers = a.perceivedBy.length === b.perceivedBy.length && a.perceivedBy.every((p) => b.perceivedBy.includes(p));
  return sameStrands(a.strands, b.strands) && samePerceivers && a.religionTargetedGroup === b.religionTargetedGroup;
}
