import type { PublicRow, Row } from '../disclosure/public-table';

/**
 * The attrition funnel of one slice, as the dashboard shows it: each stage's count and the rate
 * from the stage before. Pure: a row of `analytics.attrition_funnel` (or of its public release) in.
 */
export const FUNNEL_STAGES = [
  { column: 'recorded', label: 'Recorded', unit: 'cases' },
  { column: 'suspect_identified', label: 'Suspect identified', unit: 'defendants' },
  { column: 'referred_to_cps', label: 'Referred to the CPS', unit: 'defendants' },
  { column: 'charged', label: 'Charged', unit: 'defendants' },
  { column: 'prosecution_completed', label: 'Prosecution completed', unit: 'defendants' },
  { column: 'convicted', label: 'Convicted', unit: 'defendants' },
  { column: 'sentenced', label: 'Sentenced', unit: 'defendants' },
  { column: 'uplift_announced', label: 'Uplift announced', unit: 'defendants' },
] as const;

export interface FunnelStage {
  readonly column: string;
  readonly label: string;
  readonly unit: string;
  /** null when withheld by disclosure control. */
  readonly count: number | null;
  /** Percentage of the stage before, to one decimal; null for the first stage, a withheld count or a stage before of 0. */
  readonly rateFromPrevious: number | null;
}

export function funnelOf(row: Row | PublicRow): FunnelStage[] {
  const withheld = new Set((row as Partial<PublicRow>).suppressed ?? []);
  const counts = FUNNEL_STAGES.map((stage) => {
    const value = row[stage.column];
    return withheld.has(stage.column) || value === null || value === undefined ? null : Number(value);
  });
  return FUNNEL_STAGES.map((stage, i) => {
    const count = counts[i]!;
    const previous = i === 0 ? null : counts[i - 1]!;
    const rateFromPrevious = count === null || previous === null || previous === 0 ? null : Math.round((count / previous) * 1000) / 10;
    return { column: stage.column, label: stage.label, unit: stage.unit, count, rateFromPrevious };
  });
}

const NUMBER = new Intl.NumberFormat('en-GB');

export function formatCount(count: number | null): string {
  return count === null ? '[c]' : NUMBER.format(count);
}

export function formatRate(rate: number | null): string {
  return rate === null ? '' : `${rate.toFixed(1)}%`;
}
