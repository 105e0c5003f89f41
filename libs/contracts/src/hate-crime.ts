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
