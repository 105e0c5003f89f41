import type { ReleaseLink } from '../disclosure/public-release';
import type { TableSpec } from '../disclosure/public-table';

/**
 * The statistics the projection publishes: the analytics view each one reads, the slice columns a
 * query may filter on, and how disclosure control sees the table (which columns are counts, which
 * totals they add up to, which figures are computed from which counts).
 */
export interface StatisticsTable {
  readonly view: string;
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
    // A defendant with an outcome is a victim outcome of one service or the other (unless the
    // victims were never assessed): as an equation, it over-protects at worst.
    partitions: [{ total: 'recorded_to_outcome_n', parts: ['enhanced_victim_outcomes', 'other_victim_outcomes'] }],
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

/** The tables published with `public=true`, disclosure-controlled together as one release. */
export const PUBLIC_TABLES: readonly StatisticsTable[] = [ATTRITION_FUNNEL, OUTCOME_RATES, FLAG_RETENTION, TIMELINESS, ATTRITION_BY_STRAND];

const same = (a: string, b: string): ReleaseLink => {
  const [tableA, columnA] = a.split('.') as [string, string];
  const [tableB, columnB] = b.split('.') as [string, string];
  return { same: [{ table: tableA, column: columnA }, { table: tableB, column: columnB }] };
};

/**
 * Counts of one table that are (or usually are) the count of another for the same slice, from the
 * definitions in docs/analytics.md: a funnel stage and the rate or interval counted over the same
 * defendants; the attrition by strand (police-flagged crimes) and the funnel's national rows,
 * which agree wherever every hate crime was flagged by the police. Without these, a count withheld
 * in one table could be read in another.
 */
export const RELEASE_LINKS: readonly ReleaseLink[] = [
  same('attrition_funnel.charged', 'outcome_rates.charges'),
  same('attrition_funnel.prosecution_completed', 'outcome_rates.completed_prosecutions'),
  same('attrition_funnel.convicted', 'outcome_rates.convictions'),
  same('attrition_funnel.uplift_announced', 'outcome_rates.uplifts_announced'),
  same('attrition_funnel.suspect_identified', 'timeliness.recorded_to_suspect_n'),
  same('attrition_funnel.referred_to_cps', 'timeliness.recorded_to_referral_n'),
  same('outcome_rates.pre_charge_decisions', 'timeliness.referral_to_decision_n'),
  same('attrition_funnel.prosecution_completed', 'timeliness.charge_to_completion_n'),
  same('attrition_funnel.sentenced', 'timeliness.conviction_to_sentence_n'),
  same('attrition_by_strand.recorded', 'attrition_funnel.recorded'),
  same('attrition_by_strand.suspects_identified', 'attrition_funnel.suspect_identified'),
  same('attrition_by_strand.referred_to_cps', 'attrition_funnel.referred_to_cps'),
  same('attrition_by_strand.pre_charge_decisions', 'outcome_rates.pre_charge_decisions'),
  same('attrition_by_strand.charged', 'attrition_funnel.charged'),
  same('attrition_by_strand.convicted', 'attrition_funnel.convicted'),
  same('attrition_by_strand.sentenced', 'attrition_funnel.sentenced'),
  same('attrition_by_strand.uplift_announced', 'attrition_funnel.uplift_announced'),
];

/** Every column of a table that holds a number (PostgreSQL sends bigint and numeric as text). */
export function numericColumns(spec: TableSpec): Set<string> {
  return new Set([
    ...spec.counts,
    ...(spec.derived ?? []).map((derived) => derived.column),
    ...(spec.perGroup ?? []).flatMap((group) => group.columns),
  ]);
}
