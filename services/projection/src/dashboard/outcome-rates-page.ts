import type { Row } from '../disclosure/public-table';
import { barChart } from './bar-chart';
import { formatCount, formatRate } from './funnel';
import { outcomeRatesOf, type OutcomeRate } from './outcome-rates';
import { slicePage, WITHHELD_HTML, type SlicePageInput } from './slice-page';

/** What the rates count and who is in them, in short (from docs/analytics.md, Rates). */
const METHODOLOGY = [
  'Rates as the CPS defines them, per defendant: the charge rate is of defendants with a pre-charge decision whose last decision is to charge; conviction and guilty plea rates are of defendants with a completed prosecution; the uplift rate is of hate crime convictions whose sentence applied the uplift and stated it in open court.',
  'The police charge rate is per case: cases whose police outcome is 1 (charge or summons), of cases with a police outcome (outcome 0, not yet assigned, is excluded).',
  'A conviction not yet sentenced is in the uplift rate\'s denominator and cannot be in its numerator: the rate for a recent year rises as sentences follow. Cases are counted in the financial year the crime was recorded.',
];

const cell = (count: number | null) => (count === null ? { html: WITHHELD_HTML, format: 'numeric' } : { text: formatCount(count), format: 'numeric' });

function rateText(rate: OutcomeRate): string {
  if (rate.withheld) return '[c] withheld';
  if (rate.rate === null) return 'none to count';
  return `${formatRate(rate.rate)} (${formatCount(rate.numerator)} of ${formatCount(rate.denominator)})`;
}

/** The outcome rates page's template context. Pure. */
export function outcomeRatesPage(input: SlicePageInput & { readonly row: Row | undefined; readonly recorded: number | null }) {
  const rates = outcomeRatesOf(input.row ?? {});
  const common = slicePage(input, '/dashboard/outcome-rates', { count: input.recorded, what: 'recorded hate crimes' });
  const chart = barChart({
    id: 'rates-chart',
    title: `Outcome rates, ${common.sliceText}`,
    description: rates.map((rate) => `${rate.label}: ${rate.withheld ? 'withheld' : rateText(rate)}`).join('; '),
    max: 100,
    bars: rates.map((rate) => ({ label: rate.label, value: rate.withheld ? null : rate.rate ?? 0, text: rateText(rate) })),
  });
  return {
    ...common,
    title: 'Outcome rates',
    lead: 'Charge, conviction, guilty plea, uplift and police charge rates, each with the numbers it is worked out from.',
    chartHeading: 'Outcome rates',
    empty: input.row === undefined || rates.every((rate) => rate.denominator === 0),
    emptyText: 'No defendant or case in these filters has reached a decision or outcome yet. Choose another year, strand, place or court type.',
    chart,
    tableCaption: 'Outcome rates as a table',
    tableHead: [{ text: 'Outcome' }, { text: 'Numerator', format: 'numeric' }, { text: 'Denominator', format: 'numeric' }, { text: 'Rate', format: 'numeric' }, { text: 'What it counts' }],
    tableRows: rates.map((rate) => [
      { text: rate.label },
      cell(rate.numerator),
      cell(rate.denominator),
      rate.withheld ? { html: WITHHELD_HTML, format: 'numeric' } : { text: rate.rate === null ? 'none to count' : formatRate(rate.rate), format: 'numeric' },
      { text: rate.counts },
    ]),
    methodology: METHODOLOGY,
  };
}
