import { outcomeRatesOf } from './outcome-rates';

describe('the dashboard outcome rates', () => {
  const row = {
    pre_charge_decisions: 8, charges: 6, charge_rate_pct: 75,
    completed_prosecutions: 5, convictions: 5, conviction_rate_pct: 100, guilty_pleas: 4, guilty_plea_rate_pct: 80,
    hate_crime_convictions: 5, uplifts_announced: 3, uplift_rate_pct: 60,
    police_outcomes_assigned: 0, police_charges: 0, police_charge_rate_pct: null,
  };

  it('gives each rate with its numerator and denominator; no rate over a denominator of 0', () => {
    expect(outcomeRatesOf(row).map((rate) => [rate.numerator, rate.denominator, rate.rate, rate.withheld])).toEqual([
      [6, 8, 75, false], [5, 5, 100, false], [4, 5, 80, false], [3, 5, 60, false], [0, 0, null, false],
    ]);
  });

  it('withholds a rate with either of its counts', () => {
    const [charge, conviction] = outcomeRatesOf({ ...row, charges: null, charge_rate_pct: null, suppressed: ['charges', 'charge_rate_pct'] });
    expect(charge).toMatchObject({ numerator: null, denominator: 8, rate: null, withheld: true });
    expect(conviction).toMatchObject({ withheld: false, rate: 100 });
  });
});
