import { BOUNDARIES } from '../journey/flag-audit';
import { ATTRITION_BY_STRAND, ATTRITION_FUNNEL, FLAG_RETENTION, OUTCOME_RATES, TIMELINESS, type StatisticsTable } from '../statistics/statistics-tables';

/**
 * The case rows behind each count of each statistic: the same rows the statistics refresh counts
 * (migration 1763770000003 and the attrition by strand of 1763770000002), as predicates over a row
 * `j` of `inspection.case_journey`. An inspector who opens a number sees exactly that many rows;
 * test/projection-analytics.e2e-spec.ts checks it cell by cell, so a rule that drifts from the
 * statistics fails there.
 */
export interface CellRows {
  /** Which rows the table counts at all. */
  readonly rows: string;
  /** The strands a row counts under (besides `all`). */
  readonly strands: string;
  /** The row counted in this column, for a boundary of flag retention given as `boundary`. */
  readonly column: (column: string, boundary?: string) => string | undefined;
}

const CONVICTED = `j.prosecution_outcome IN ('guilty_plea', 'conviction_after_trial', 'proof_in_absence')`;
const FUNNEL_STAGES = ['recorded', 'suspect_identified', 'referred_to_cps', 'charged', 'prosecution_completed', 'convicted', 'sentenced', 'uplift_announced'];
const INTERVALS: Record<string, readonly [string, string]> = {
  recorded_to_suspect: ['recorded_at', 'suspect_identified_at'],
  recorded_to_referral: ['recorded_at', 'referred_at'],
  referral_to_decision: ['referred_at', 'decided_at'],
  charge_to_completion: ['charged_at', 'prosecution_completed_at'],
  conviction_to_sentence: ['convicted_at', 'sentenced_at'],
  recorded_to_outcome: ['recorded_at', 'outcome_at'],
};
const TOLD_IN_TIME = `coalesce(j.victim_informed_at <= j.outcome_at + CASE WHEN j.enhanced_service THEN interval '1 day' ELSE interval '5 days' END, false)`;
const HATE_CRIMES: Pick<CellRows, 'rows' | 'strands'> = { rows: 'j.hate_crime', strands: 'j.strands' };

const BY_TABLE: ReadonlyMap<StatisticsTable, CellRows> = new Map<StatisticsTable, CellRows>([
  [
    ATTRITION_FUNNEL,
    {
      ...HATE_CRIMES,
      column: (column) => {
        const stage = FUNNEL_STAGES.indexOf(column);
        return stage === -1 ? undefined : stage === 0 ? 'j.first_row' : `j.stage_index >= ${stage}`;
      },
    },
  ],
  [
    OUTCOME_RATES,
    {
      ...HATE_CRIMES,
      column: (column) =>
        ({
          pre_charge_decisions: 'j.pre_charge_decision IS NOT NULL',
          charges: `j.pre_charge_decision = 'charge'`,
          completed_prosecutions: 'j.prosecution_outcome IS NOT NULL',
          convictions: CONVICTED,
          hate_crime_convictions: CONVICTED,
          guilty_pleas: `j.prosecution_outcome = 'guilty_plea'`,
          uplifts_announced: `${CONVICTED} AND j.uplift_announced`,
          police_outcomes_assigned: 'j.first_row AND j.police_outcome_code IS NOT NULL',
          police_charges: 'j.first_row AND j.police_outcome_code = 1',
        })[column],
    },
  ],
  [
    TIMELINESS,
    {
      ...HATE_CRIMES,
      column: (column) => {
        const interval = column.endsWith('_n') ? INTERVALS[column.slice(0, -2)] : undefined;
        if (interval) return `j.${interval[0]} IS NOT NULL AND j.${interval[1]} IS NOT NULL`;
        return {
          enhanced_victim_outcomes: 'j.outcome_at IS NOT NULL AND j.enhanced_service',
          enhanced_victims_told_in_time: `j.outcome_at IS NOT NULL AND j.enhanced_service AND ${TOLD_IN_TIME}`,
          other_victim_outcomes: 'j.outcome_at IS NOT NULL AND NOT j.enhanced_service',
          other_victims_told_in_time: `j.outcome_at IS NOT NULL AND NOT j.enhanced_service AND ${TOLD_IN_TIME}`,
        }[column];
      },
    },
  ],
  [
    FLAG_RETENTION,
    {
      ...HATE_CRIMES,
      column: (column, boundary) => {
        if (!boundary || !(BOUNDARIES as readonly string[]).includes(boundary)) return undefined;
        const results = {
          flagged_upstream: ['kept', 'strands_changed', 'removed_with_reason', 'lost'],
          kept: ['kept', 'strands_changed'],
          strands_changed: ['strands_changed'],
          removed_with_reason: ['removed_with_reason'],
          lost: ['lost'],
          first_applied_downstream: ['first_applied_downstream'],
        }[column];
        if (!results) return undefined;
        // The referral is a case's, not a defendant's: counted on the case's first row.
        return `${boundary === 'police_to_cps' ? 'j.first_row AND ' : ''}j.${boundary} IN (${results.map((result) => `'${result}'`).join(', ')})`;
      },
    },
  ],
  [
    ATTRITION_BY_STRAND,
    {
      rows: 'j.police_flagged_at_recording',
      strands: 'j.police_strands_at_recording',
      column: (column) =>
        ({
          recorded: 'j.first_row',
          suspects_identified: 'j.suspect_identified_at IS NOT NULL',
          referred_to_cps: 'j.referred_at IS NOT NULL',
          pre_charge_decisions: 'j.pre_charge_decision IS NOT NULL',
          charged: 'j.charged_at IS NOT NULL',
          convicted: 'j.conviction_basis IS NOT NULL',
          sentenced: 'j.sentenced_at IS NOT NULL',
          uplift_announced: 'j.uplift_announced',
        })[column],
    },
  ],
]);

export function cellRows(table: StatisticsTable): CellRows {
  return BY_TABLE.get(table)!;
}
