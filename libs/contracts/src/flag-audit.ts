/**
 * The vocabulary of the flag audit, shared by the agencies (whose warnings name the finding a fact
 * will raise) and the projection (which raises it). docs/analytics.md defines each term.
 */
export const BOUNDARIES = ['police_to_cps', 'cps_to_court', 'conviction_to_sentence'] as const;
export type Boundary = (typeof BOUNDARIES)[number];

export const FINDING_TYPES = [
  'lost',
  'strands_changed',
  'removed_with_reason',
  'first_applied_downstream',
  'no_uplift_decision',
  'victim_needs_not_passed_on',
  'victim_not_told_of_uplift',
] as const;
export type FindingType = (typeof FINDING_TYPES)[number];
