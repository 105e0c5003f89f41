import type { TableSpec } from '../disclosure/public-table';

/**
 * The statistics the projection publishes: the analytics view each one reads, the slice columns a
 * query may filter on, and how disclosure control sees the table (which columns are counts, which
 * totals they add up to, which figures are computed from which counts).
 */
export interface StatisticsTable {
  readonly view: string;
  /** Counted live by its view rather than kept with the statistics refresh. */
  readonly live?: boolean;
  readonly filters: readonly FilterColumn[];
  readonly spec: TableSpec;
}

export type FilterColumn = 'financial_year' | 'strand' | 'cps_area' | 'force_code' | 'court_type' | 'boundary';

const SLICES = { dimensions: ['financial_year', 'strand', 'court_type'], hierarchy: ['cps_area', 'force_code'] } as const;
const chain = (columns: readonly string[]) => columns.slice(1).map((column, i) => [columns[i]!, column] as const);

const FUNNEL_STAGES = ['suspect_identified', 'referred_to_cps', 'charged', 'prosecution_completed', 'convicted', 'sentenced', 'uplift_announced'];
const INTERVALS = ['recorded_to_suspect', 'recorded_to_referral', 'referral_to_decision', 'charge_to_completion', 'conviction_to_sentence', 'recorded_to_outcome'];

export const ATTRITION_FUNNEL: StatisticsTable = {
  view: 'attrition_funnel',
  filters: ['financial_year', 'strand', 'cps_area', 'force_code', 'court_type'],
  spec: { ...SLICES, counts: ['recorded', ...FUNNEL_STAGES], nested: chain(FUNNEL_STAGES) },
};

export const OUTCOME_RATES: StatisticsTable = {
  view: 'outcome_rates',
  filters: ['financial_year', 'strand', 'cps_area', 'force_code', 'court_type'],
  spec: {
    ...SLICES,
    counts: [
      'pre_charge_decisions', 'charges', 'completed_prosecutions', 'convictions', 'guilty_pleas',
      'hate_crime_convictions', 'uplifts_announced', 'police_outcomes_assigned', 'police_charges',
    ],
    nested: [
      ['pre_charge_decisions', 'charges'],
      ['completed_prosecutions', 'convictions'],
      ['convictions', 'guilty_pleas'],
      ['hate_crime_convictions', 'uplifts_announced'],
      ['police_outcomes_assigned', 'police_charges'],
    ],
    equal: [['convictions', 'hate_crime_convictions']],
    derived: [
      { column: 'charge_rate_pct', from: ['charges', 'pre_charge_decisions'] },
      { column: 'conviction_rate_pct', from: ['convictions', 'completed_prosecutions'] },
      { column: 'guilty_plea_rate_pct', from: ['guilty_pleas', 'completed_prosecutions'] },
      { column: 'uplift_rate_pct', from: ['uplifts_announced', 'hate_crime_convictions'] },
      { column: 'police_charge_rate_pct', from: ['police_charges', 'police_outcomes_assigned'] },
    ],
  },
};

export const FLAG_RETENTION: StatisticsTable = {
  view: 'flag_retention',
  filters: ['boundary', 'financial_year', 'strand', 'cps_area', 'force_code'],
  spec: {
    fixed: ['boundary'],
    dimensions: ['financial_year', 'strand'],
    hierarchy: ['cps_area', 'force_code'],
    counts: ['flagged_upstream', 'kept', 'strands_changed', 'removed_with_reason', 'lost', 'first_applied_downstream'],
    partitions: [{ total: 'flagged_upstream', parts: ['kept', 'removed_with_reason', 'lost'] }],
    nested: [['kept', 'strands_changed']],
    derived: [{ column: 'kept_pct', from: ['kept', 'flagged_upstream'] }],
  },
};

export const TIMELINESS: StatisticsTable = {
  view: 'timeliness',
  filters: ['financial_year', 'strand', 'cps_area', 'force_code', 'court_type'],
  spec: {
    ...SLICES,
    counts: [
      ...INTERVALS.map((interval) => `${interval}_n`),
      'enhanced_victim_outcomes', 'enhanced_victims_told_in_time', 'other_victim_outcomes', 'other_victims_told_in_time',
    ],
    nested: [
      ['enhanced_victim_outcomes', 'enhanced_victims_told_in_time'],
      ['other_victim_outcomes', 'other_victims_told_in_time'],
    ],
    perGroup: INTERVALS.map((interval) => ({ columns: [`${interval}_median_days`, `${interval}_p90_days`], count: `${interval}_n` })),
    derived: [
      { column: 'enhanced_told_in_time_pct', from: ['enhanced_victims_told_in_time', 'enhanced_victim_outcomes'] },
      { column: 'other_told_in_time_pct', from: ['other_victims_told_in_time', 'other_victim_outcomes'] },
    ],
  },
};

const LEGACY_STAGES = ['suspects_identified', 'referred_to_cps', 'pre_charge_decisions', 'charged', 'convicted', 'sentenced', 'uplift_announced'];
export const ATTRITION_BY_STRAND: StatisticsTable = {
  view: 'attrition_by_strand',
  live: true,
  filters: ['strand'],
  spec: {
    dimensions: ['strand'],
    counts: ['recorded', ...LEGACY_STAGES],
    nested: chain(LEGACY_STAGES),
    derived: [
      { column: 'charge_rate_pct', from: ['charged', 'pre_charge_decisions'] },
      { column: 'uplift_rate_pct', from: ['uplift_announced', 'convicted'] },
    ],
  },
};

/** Every column of a table that holds a number (PostgreSQL sends bigint and numeric as text). */
export function numericColumns(spec: TableSpec): Set<string> {
  return new Set([
    ...spec.counts,
    ...(spec.derived ?? []).map((derived) => derived.column),
    ...(spec.perGroup ?? []).flatMap((group) => group.columns),
  ]);
}
