/**
 * Codes in place of the text a person would type. Free text (an offence description, the reason a
 * flag came off, the words of a sentence) can hold anything, a name included, and erasure cannot
 * reach it once it is on a topic; so it stays in the agency's own system and the pipeline carries
 * one of these codes. `unclassified` is never sent: it is what an upcaster gives an event of an
 * older version whose text it dropped, when the text was not itself one of the codes.
 */

/** The code an upcaster gives where an old event held text that is not one of the codes. */
export const UNCLASSIFIED = 'unclassified' as const;

/** Why a flag was put on a case recorded without one. */
export const FLAG_APPLIED_REASONS = [
  /** The victim perceived the hostility (disclosed after the crime was recorded). */
  'perceived_by_victim',
  /** A witness, an officer or another person perceived the hostility. */
  'perceived_by_other',
  /** The evidence shows hostility (words used, a targeted pattern), whoever perceived it. */
  'hostility_evidenced',
  /** Another reason, kept in the agency's own system. */
  'other',
  UNCLASSIFIED,
] as const;
export type FlagAppliedReason = (typeof FLAG_APPLIED_REASONS)[number];

/** Why the strands, perceivers or religion targeted group of a flag changed. */
export const FLAG_CHANGED_REASONS = [
  /** The investigation showed hostility on other or further strands. */
  'strands_reassessed',
  /** Someone else perceived the hostility, or a perception was withdrawn, and the flag stays. */
  'perception_updated',
  /** The flag was keyed wrongly (a strand or targeted group chosen in error). */
  'recorded_in_error',
  /** Another reason, kept in the agency's own system. */
  'other',
  UNCLASSIFIED,
] as const;
export type FlagChangedReason = (typeof FLAG_CHANGED_REASONS)[number];

/** Why a flag came off, or why an agency's record says the case is not a hate crime. */
export const NOT_HATE_CRIME_REASONS = [
  /** The evidence shows no hostility based on a monitored characteristic. */
  'no_hostility_on_evidence',
  /** Whoever perceived the hostility no longer does, and nobody else perceives it. */
  'perception_withdrawn',
  /** The flag was put on the wrong case or keyed by mistake. */
  'recorded_in_error',
  /** The case is a duplicate of another record, which keeps the flag. */
  'duplicate_record',
  /** Another reason, kept in the agency's own system. */
  'other',
  UNCLASSIFIED,
] as const;
export type NotHateCrimeReason = (typeof NOT_HATE_CRIME_REASONS)[number];

/** The disposal passed for one offence, in the Ministry of Justice's sentence categories. */
export const SENTENCE_TYPES = [
  /** Immediate custody (prison, or detention in a young offender institution). */
  'immediate_custody',
  /** A suspended sentence order. */
  'suspended_sentence',
  /** A community order (or a youth rehabilitation order). */
  'community_order',
  /** A fine. */
  'fine',
  /** A conditional discharge. */
  'conditional_discharge',
  /** An absolute discharge. */
  'absolute_discharge',
  /** A hospital or guardianship order (Mental Health Act 1983). */
  'hospital_order',
  /** Any other disposal (compensation alone, a referral order, a deferred sentence...). */
  'other',
  UNCLASSIFIED,
] as const;
export type SentenceType = (typeof SENTENCE_TYPES)[number];

/** Why the court did not increase the sentence for hostility. */
export const UPLIFT_NOT_APPLIED_REASONS = [
  /** The hostility was not proved to the criminal standard. */
  'hostility_not_proved',
  /** The offence is racially or religiously aggravated in itself (CDA 1998 ss.29-32), so s.66 does not add to it. */
  'aggravated_offence_already',
  /** The hostility was towards a characteristic the uplift provisions do not cover. */
  'characteristic_not_covered',
  /** Another reason, kept in the court's own system. */
  'other',
  UNCLASSIFIED,
] as const;
export type UpliftNotAppliedReason = (typeof UPLIFT_NOT_APPLIED_REASONS)[number];

/** The codes of a list an agency may send: all but `unclassified`, which only an upcaster gives. */
export function codesAnAgencySends<T extends string>(codes: readonly T[]): Array<Exclude<T, typeof UNCLASSIFIED>> {
  return codes.filter((code): code is Exclude<T, typeof UNCLASSIFIED> => code !== UNCLASSIFIED);
}

/**
 * The code for the text of an old event: the text itself when it already is one of the codes (a
 * producer that sent codes in the text field), `unclassified` otherwise. The text goes no further.
 */
export function classify<T extends string>(text: unknown, codes: readonly T[]): T {
  return typeof text === 'string' && (codes as readonly string[]).includes(text) ? (text as T) : (UNCLASSIFIED as T);
}
