import type { HateCrimeStrand, PreChargeDecision, ProsecutionOutcome } from '@hc/contracts';

/**
 * The published figures the generator is calibrated to (../shared/DESIGN.md section 3), and the
 * assumptions that fill the gaps between them. CPS figures are per defendant; police figures per
 * crime.
 */
export const PUBLISHED = {
  year: '2018/19',
  /** Police-recorded hate crimes by strand (a crime with two strands counts in both). */
  policeRecorded: 103_379,
  strandCounts: { race: 78_991, religion: 8_566, sexual_orientation: 14_491, disability: 8_256, transgender: 2_333 } satisfies Record<HateCrimeStrand, number>,
  multiStrandShare: 0.12,
  /** Hate-flagged offences charged or summonsed (police outcome 1), 2020/21-2021/22. */
  policeChargeShare: 0.095,
  cpsChargeRate: 0.879,
  cpsConvictionRate: 0.843,
  cpsGuiltyPleaRate: 0.761,
  cpsUpliftRate: 0.736,
} as const;

/** Shares of strand mentions, from the 2018/19 counts. */
export const STRAND_MIX: ReadonlyArray<readonly [HateCrimeStrand, number]> = Object.entries(PUBLISHED.strandCounts) as Array<[HateCrimeStrand, number]>;

/** Of crimes with a suspect, how many suspects (assumption). */
export const SUSPECTS_PER_CASE: ReadonlyArray<readonly [number, number]> = [[1, 0.85], [2, 0.12], [3, 0.03]];
/** Crimes with a suspect identified (assumption: outcome 18, no suspect, is about 30% of hate crimes). */
export const SUSPECT_IDENTIFIED = 0.7;
/** Crimes whose police outcome is still to come at the end of the year (assumption). */
export const POLICE_OUTCOME_PENDING = 0.04;
/** Victims whose needs the police assess (assumption; 56 of 180 enhanced risk assessments were done in 2018). */
export const VICTIM_NEEDS_ASSESSED = 0.7;

/** CPS pre-charge decisions per defendant: charge at the published rate, the rest split by assumption. */
export const PRE_CHARGE_DECISIONS: ReadonlyArray<readonly [PreChargeDecision, number]> = [
  ['charge', PUBLISHED.cpsChargeRate],
  ['no_further_action_evidential', 0.07],
  ['no_further_action_public_interest', 0.025],
  ['out_of_court_disposal', 0.016],
  ['administratively_finalised', 1 - PUBLISHED.cpsChargeRate - 0.07 - 0.025 - 0.016],
];

/** Completed prosecutions per defendant: convictions and guilty pleas at the published rates. */
export const PROSECUTION_OUTCOMES: ReadonlyArray<readonly [ProsecutionOutcome, number]> = [
  ['guilty_plea', PUBLISHED.cpsGuiltyPleaRate],
  ['conviction_after_trial', PUBLISHED.cpsConvictionRate - PUBLISHED.cpsGuiltyPleaRate - 0.006],
  ['proof_in_absence', 0.006],
  ['discontinued', 0.102],
  ['dismissed', 0.015],
  ['acquitted', 0.033],
  ['administratively_finalised', 1 - PUBLISHED.cpsConvictionRate - 0.102 - 0.015 - 0.033],
];
/** Charged defendants whose prosecution is still running at the end (assumption). */
export const PROSECUTION_PENDING = 0.03;
/** Convicted defendants not yet sentenced (assumption). */
export const SENTENCE_PENDING = 0.03;
/** Defendants sent to the Crown Court (assumption). */
export const SENT_TO_CROWN_COURT = 0.22;

/** Police outcomes of crimes that were not charged (assumption, after the Home Office hate crime outcomes). */
export const OUTCOMES_WITHOUT_SUSPECT: ReadonlyArray<readonly [number, number]> = [[18, 0.9], [15, 0.05], [16, 0.05]];
export const OUTCOMES_NOT_REFERRED: ReadonlyArray<readonly [number, number]> = [
  [16, 0.45], [15, 0.25], [14, 0.05], [8, 0.08], [3, 0.04], [2, 0.01], [21, 0.05], [20, 0.02], [22, 0.02], [10, 0.03],
];
export const OUTCOME_OF_DECISION: Record<Exclude<PreChargeDecision, 'charge'>, number> = {
  no_further_action_evidential: 15,
  no_further_action_public_interest: 10,
  out_of_court_disposal: 3,
  administratively_finalised: 16,
};

/**
 * Forces by weight (roughly their share of recorded hate crime: the Metropolitan Police about a
 * fifth, the large metropolitan forces next).
 */
export const FORCE_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['01', 20], ['06', 7], ['13', 7], ['20', 6], ['43', 3.5], ['05', 3], ['10', 2.5], ['04', 2.5], ['14', 2.5], ['46', 2.5],
  ['52', 2.5], ['44', 2.5], ['47', 2], ['42', 2], ['31', 2], ['33', 2], ['30', 1.8], ['22', 1.5], ['41', 1.5], ['40', 1.5],
  ['35', 1.3], ['50', 1.5], ['62', 1.5], ['07', 1.3], ['21', 1.3], ['16', 1.2], ['45', 1.2], ['11', 0.9], ['17', 0.9], ['23', 0.8],
  ['34', 1], ['32', 0.8], ['36', 0.9], ['37', 0.8], ['54', 0.8], ['55', 0.8], ['53', 0.7], ['12', 0.9], ['03', 0.5], ['60', 0.8],
  ['61', 0.7], ['63', 0.5], ['48', 0.2],
];

/**
 * The single-strand and two-strand mix that reproduces the strand shares with the multi-strand
 * share: pairs are drawn in proportion to the product of their strands' shares, and the singles
 * take up the rest of each strand's share.
 */
export function strandMix(multiStrandShare: number): {
  singles: Array<readonly [HateCrimeStrand, number]>;
  pairs: Array<readonly [string, number]>;
} {
  const total = STRAND_MIX.reduce((sum, [, count]) => sum + count, 0);
  const share = new Map(STRAND_MIX.map(([strand, count]) => [strand, count / total]));
  const strands = [...share.keys()];
  const pairs: Array<readonly [string, number]> = [];
  let pairTotal = 0;
  for (let i = 0; i < strands.length; i++) {
    for (let j = i + 1; j < strands.length; j++) {
      const weight = share.get(strands[i]!)! * share.get(strands[j]!)!;
      pairs.push([`${strands[i]}+${strands[j]}`, weight]);
      pairTotal += weight;
    }
  }
  const inPairs = new Map(strands.map((strand) => [strand, 0]));
  for (const [pair, weight] of pairs) for (const strand of pair.split('+')) inPairs.set(strand as HateCrimeStrand, inPairs.get(strand as HateCrimeStrand)! + weight / pairTotal);
  // mentions per crime: (1 - m) singles + 2 m in pairs; each strand's mentions proportional to its share
  const mentions = 1 + multiStrandShare;
  const singles = strands.map((strand) => {
    const single = (mentions * share.get(strand)! - multiStrandShare * inPairs.get(strand)!) / (1 - multiStrandShare);
    return [strand, Math.max(single, 0)] as const;
  });
  return { singles, pairs: pairs.map(([pair, weight]) => [pair, weight / pairTotal] as const) };
}
