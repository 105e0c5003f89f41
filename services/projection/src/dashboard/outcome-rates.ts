import type { PublicRow, Row } from '../disclosure/public-table';

/**
 * The outcome rates of one slice, as the CPS defines them (docs/analytics.md, Rates): each rate
 * with its numerator and denominator. Pure: a row of `analytics.outcome_rates` (or of its public
 * release) in.
 */
export const RATES = [
  { column: 'charge_rate_pct', label: 'Charge rate', numerator: 'charges', denominator: 'pre_charge_decisions', counts: 'defendants charged, of defendants with a pre-charge decision' },
  { column: 'conviction_rate_pct', label: 'Conviction rate', numerator: 'convictions', denominator: 'completed_prosecutions', counts: 'defendants convicted, of completed prosecutions' },
  { column: 'guilty_plea_rate_pct', label: 'Guilty plea rate', numerator: 'guilty_pleas', denominator: 'completed_prosecutions', counts: 'guilty pleas, of completed prosecutions' },
  { column: 'uplift_rate_pct', label: 'Uplift rate', numerator: 'uplifts_announced', denominator: 'hate_crime_convictions', counts: 'convictions whose sentence announced the uplift, of hate crime convictions' },
  { column: 'police_charge_rate_pct', label: 'Police charge rate', numerator: 'police_charges', denominator: 'police_outcomes_assigned', counts: 'cases with police outcome 1 (charge or summons), of cases with a police outcome' },
] as const;

export interface OutcomeRate {
  readonly column: string;
  readonly label: string;
  readonly counts: string;
  /** null when withheld by disclosure control. */
  readonly numerator: number | null;
  readonly denominator: number | null;
  /** Percentage to one decimal; null when withheld or when the denominator is 0. */
  readonly rate: number | null;
  readonly withheld: boolean;
}

export function outcomeRatesOf(row: Row | PublicRow): OutcomeRate[] {
  const withheld = new Set((row as Partial<PublicRow>).suppressed ?? []);
  const value = (column: string) => (withheld.has(column) || row[column] === null || row[column] === undefined ? null : Number(row[column]));
  return RATES.map((rate) => {
    const numerator = value(rate.numerator);
    const denominator = value(rate.denominator);
    const isWithheld = withheld.has(rate.column) || numerator === null || denominator === null;
    const percentage = isWithheld ? null : value(rate.column);
    return {
      column: rate.column,
      label: rate.label,
      counts: rate.counts,
      numerator,
      denominator,
      rate: percentage === null ? null : Math.round(percentage * 10) / 10,
      withheld: isWithheld,
    };
  });
}
