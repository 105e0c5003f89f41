import type { Row } from '../disclosure/public-table';
import { barChart } from './bar-chart';
import { formatCount, formatRate, funnelOf, type FunnelStage } from './funnel';
import { slicePage, WITHHELD_HTML, type SlicePageInput } from './slice-page';

/** What the funnel counts and who is in it, in short (from docs/analytics.md, Definitions). */
const METHODOLOGY = [
  'Hate crimes only: a case counts when some agency (police, CPS or court) flags it as a hate crime now, or the court decided an uplift on it. A flag lost between agencies does not take a case out; a flag every agency removed with a reason does.',
  'Recorded counts cases; every later stage counts defendants (a case can have several), so the rate from recorded to suspect identified can pass 100%. A defendant counts at every stage up to the furthest it reached, so each stage is part of the one before.',
  'Uplift announced: the sentence applied the hate crime uplift and the judge stated it in open court on at least one offence (Sentencing Act 2020 s.66).',
  'Cases are counted in the financial year (April to March) the crime was recorded, so later stages of recent years rise as cases progress. A case with several strands counts once in all strands and once in each of its own.',
];

/** The table's rate cell: the rate, or why there is none. */
function rateText(stages: readonly FunnelStage[], i: number): string {
  const stage = stages[i]!;
  if (stage.rateFromPrevious !== null) return formatRate(stage.rateFromPrevious);
  if (i === 0) return 'not applicable';
  if (stage.count === null || stages[i - 1]!.count === null) return 'withheld';
  return 'none at the stage before';
}

/** The funnel page's template context. Pure. */
export function funnelPage(input: SlicePageInput & { readonly row: Row | undefined }) {
  const stages = funnelOf(input.row ?? {});
  const recorded = stages[0]!.count;
  const common = slicePage(input, '/dashboard', { count: recorded, what: 'recorded hate crimes' });
  const chart = barChart({
    id: 'funnel-chart',
    title: `Attrition funnel, ${common.sliceText}`,
    description: stages
      .map((stage) => `${stage.label}: ${stage.count === null ? 'withheld' : `${formatCount(stage.count)} ${stage.unit}`}${stage.rateFromPrevious === null ? '' : `, ${formatRate(stage.rateFromPrevious)} of the stage before`}`)
      .join('; '),
    bars: stages.map((stage) => ({
      label: stage.label,
      value: stage.count,
      text: stage.count === null ? '[c] withheld' : `${formatCount(stage.count)}${stage.rateFromPrevious === null ? '' : ` (${formatRate(stage.rateFromPrevious)})`}`,
    })),
  });
  return {
    ...common,
    title: 'Attrition funnel',
    lead: 'How many hate crimes recorded by the police reach each stage, from a suspect identified to a sentence uplift announced in court.',
    chartHeading: 'Recorded to uplift announced',
    empty: recorded === 0 || input.row === undefined,
    emptyText: 'No hate crimes recorded match these filters. Choose another year, strand, place or court type.',
    chart,
    tableCaption: 'Attrition funnel as a table',
    tableHead: [{ text: 'Stage' }, { text: 'Count', format: 'numeric' }, { text: 'Counted in' }, { text: '% of the stage before', format: 'numeric' }],
    tableRows: stages.map((stage, i) => [
      { text: stage.label },
      stage.count === null ? { html: WITHHELD_HTML, format: 'numeric' } : { text: formatCount(stage.count), format: 'numeric' },
      { text: stage.unit },
      { text: rateText(stages, i), format: 'numeric' },
    ]),
    methodology: METHODOLOGY,
  };
}
