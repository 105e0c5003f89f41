/**
 * The relationship scorecard after the Facing all the Facts self-assessment grid
 * (`../shared/seeds/003_…`): each relationship of the recording system that the pipeline's data
 * can speak to, the evidence of action it gives (a share of cases or defendants), and the
 * thresholds that turn that evidence into an action score of 0 to 3 (docs/scorecard.md). The
 * framework score (0 to 3) is a person's judgement of the policy frameworks, entered with who,
 * when and why; the two add up to the relationship's colour, as the grid sets it.
 */
export const RELATIONSHIPS = ['police_cps', 'cps_courts', 'police_courts', 'courts_victim', 'police_victim'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

export interface Evidence {
  readonly key: string;
  /** What the figure is, in words. */
  readonly label: string;
  /** SQL over `inspection.case_journey` rows of hate crimes (j): the rows the figure is a share of. */
  readonly of: string;
  /** SQL: those of them that show the action. */
  readonly showing: string;
}

const FLAGGED = `('kept', 'strands_changed', 'removed_with_reason', 'lost')`;

export const EVIDENCE: Readonly<Record<Relationship, { readonly label: string; readonly evidence: readonly Evidence[] }>> = {
  police_cps: {
    label: 'Police and CPS',
    evidence: [
      {
        key: 'flag_kept_at_referral',
        label: 'Crimes the police flagged whose flag reached the CPS (kept, or removed with a reason)',
        of: `j.first_row AND j.police_to_cps IN ${FLAGGED}`,
        showing: `j.police_to_cps <> 'lost'`,
      },
      {
        key: 'victim_needs_passed_on',
        label: "Referred cases with assessed victims whose needs the police passed on to the CPS",
        of: `j.first_row AND j.referred_at IS NOT NULL AND j.victims_assessed > 0`,
        showing: `j.victim_needs_passed_on`,
      },
    ],
  },
  cps_courts: {
    label: 'CPS and courts',
    evidence: [
      {
        key: 'flag_kept_at_court',
        label: 'Defendants the CPS charged as hate crime whose flag reached the court (kept, or removed with a reason)',
        of: `j.cps_to_court IN ${FLAGGED}`,
        showing: `j.cps_to_court <> 'lost'`,
      },
      {
        key: 'uplift_decision_recorded',
        label: 'Convicted and sentenced defendants with the court\'s uplift decision recorded (applied or not, with its reason)',
        of: `j.convicted AND j.sentenced_at IS NOT NULL`,
        showing: `j.uplift_decided`,
      },
    ],
  },
  police_courts: {
    label: 'Police and courts',
    evidence: [
      {
        key: 'sentence_traceable_to_recording',
        label: 'Sentenced defendants whose case is traced back to the crime the police recorded',
        of: `j.sentenced_at IS NOT NULL`,
        showing: `j.recorded_at IS NOT NULL`,
      },
      {
        key: 'flag_kept_to_sentence',
        label: 'Defendants convicted of a flagged hate crime whose flag reached the sentence (kept, or removed with a reason)',
        of: `j.conviction_to_sentence IN ${FLAGGED}`,
        showing: `j.conviction_to_sentence <> 'lost'`,
      },
    ],
  },
  courts_victim: {
    label: 'Courts and victims',
    evidence: [
      {
        key: 'victim_told_in_time',
        label: "Outcomes the victim was told of within the Victims' Code limit (1 day enhanced service, 5 otherwise)",
        of: `j.outcome_at IS NOT NULL`,
        showing: `j.victim_informed_at <= j.outcome_at + CASE WHEN j.enhanced_service THEN interval '1 day' ELSE interval '5 days' END`,
      },
      {
        key: 'uplift_explained_to_victim',
        label: 'Uplifted sentences whose uplift was explained to the victim when told of the outcome',
        of: `j.uplift_applied AND j.victim_informed_at IS NOT NULL`,
        showing: `j.uplift_explained_to_victim`,
      },
    ],
  },
  police_victim: {
    label: 'Police and victims',
    evidence: [
      {
        key: 'enhanced_service_offered',
        label: "Hate crimes whose assessed victims were offered the Victims' Code enhanced service",
        of: `j.first_row AND j.victims_assessed > 0`,
        showing: `j.enhanced_service`,
      },
    ],
  },
};

/** The action score from the mean share of the relationship's evidence (docs/scorecard.md). */
export const ACTION_THRESHOLDS: ReadonlyArray<{ readonly score: 0 | 1 | 2 | 3; readonly from: number }> = [
  { score: 3, from: 90 },
  { score: 2, from: 75 },
  { score: 1, from: 50 },
  { score: 0, from: 0 },
];

export function actionScore(shares: ReadonlyArray<number | null>): number | null {
  const known = shares.filter((share): share is number => share !== null);
  if (known.length === 0) return null;
  const mean = known.reduce((sum, share) => sum + share, 0) / known.length;
  return ACTION_THRESHOLDS.find((threshold) => mean >= threshold.from)!.score;
}

export type Colour = 'green' | 'amber' | 'red';

/** The grid's colour: 5-6 green, 3-4 amber, 0-2 red; none until both scores exist. */
export function colour(action: number | null, framework: number | null): Colour | null {
  if (action === null || framework === null) return null;
  const total = action + framework;
  return total >= 5 ? 'green' : total >= 3 ? 'amber' : 'red';
}
