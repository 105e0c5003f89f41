import type { Row } from '../disclosure/public-table';
import { barChart } from './bar-chart';
import type { DashboardSession } from './dashboard-sessions';
import { formatCount, formatRate, funnelOf, type FunnelStage } from './funnel';
import {
  COURT_TYPE_OPTIONS, CPS_AREA_OPTIONS, describeFilters, FORCE_OPTIONS, STRAND_OPTIONS, yearOptions, type FilterProblem, type FunnelFilters,
} from './funnel-filters';

/** What the funnel counts and who is in it, in short (from docs/analytics.md, Definitions). */
const METHODOLOGY = [
  'Hate crimes only: a case counts when some agency (police, CPS or court) flags it as a hate crime now, or the court decided an uplift on it. A flag lost between agencies does not take a case out; a flag every agency removed with a reason does.',
  'Recorded counts cases; every later stage counts defendants (a case can have several), so the rate from recorded to suspect identified can pass 100%. A defendant counts at every stage up to the furthest it reached, so each stage is part of the one before.',
  'Uplift announced: the sentence applied the hate crime uplift and the judge stated it in open court on at least one offence (Sentencing Act 2020 s.66).',
  'Cases are counted in the financial year (April to March) the crime was recorded, so later stages of recent years rise as cases progress. A case with several strands counts once in all strands and once in each of its own.',
];

const WITHHELD_HTML = '<span class="app-withheld">[c]</span><span class="govuk-visually-hidden"> withheld</span>';

/** The table's rate cell: the rate, or why there is none. */
function rateText(stages: readonly FunnelStage[], i: number): string {
  const stage = stages[i]!;
  if (stage.rateFromPrevious !== null) return formatRate(stage.rateFromPrevious);
  if (i === 0) return 'not applicable';
  if (stage.count === null || stages[i - 1]!.count === null) return 'withheld';
  return 'none at the stage before';
}

export interface FunnelPageInput {
  readonly filters: FunnelFilters;
  readonly problems: readonly FilterProblem[];
  readonly years: readonly string[];
  /** The slice's row; undefined when the view has none (a slice no case falls in). */
  readonly row: Row | undefined;
  /** Published figures: the release's threshold. */
  readonly threshold: number | undefined;
  readonly refreshedAt: string | null;
  readonly throughEvents: number;
  readonly session: DashboardSession;
}

/** The funnel page's template context. Pure. */
export function funnelPage(input: FunnelPageInput) {
  const { filters } = input;
  const stages = funnelOf(input.row ?? {});
  const sliceText = describeFilters(filters);
  const recorded = stages[0]!.count;
  const chart = barChart({
    id: 'funnel-chart',
    title: `Attrition funnel, ${sliceText}`,
    description: stages
      .map((stage) => `${stage.label}: ${stage.count === null ? 'withheld' : `${formatCount(stage.count)} ${stage.unit}`}${stage.rateFromPrevious === null ? '' : `, ${formatRate(stage.rateFromPrevious)} of the stage before`}`)
      .join('; '),
    bars: stages.map((stage) => ({
      label: stage.label,
      value: stage.count,
      text: stage.count === null ? '[c] withheld' : `${formatCount(stage.count)}${stage.rateFromPrevious === null ? '' : ` (${formatRate(stage.rateFromPrevious)})`}`,
    })),
  });
  const tableRows = stages.map((stage, i) => [
    { text: stage.label },
    stage.count === null ? { html: WITHHELD_HTML, format: 'numeric' } : { text: formatCount(stage.count), format: 'numeric' },
    { text: stage.unit },
    { text: rateText(stages, i), format: 'numeric' },
  ]);
  const refreshed = input.refreshedAt
    ? `${new Date(input.refreshedAt).toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'long', timeStyle: 'short' })} (UK time), through ${formatCount(input.throughEvents)} events`
    : 'Not yet computed';
  return {
    title: 'Attrition funnel',
    navigation: [{ href: '/dashboard', text: 'Attrition funnel', active: true }],
    principal: input.session.principal,
    csrfToken: input.session.csrfToken,
    filters,
    errors: Object.fromEntries(input.problems.map((problem) => [problem.field, problem.message])),
    errorList: input.problems.map((problem) => ({ text: problem.message, href: `#${problem.field}` })),
    yearOptions: yearOptions(input.years),
    strandOptions: STRAND_OPTIONS,
    cpsAreaOptions: CPS_AREA_OPTIONS,
    forceOptions: FORCE_OPTIONS,
    courtTypeOptions: COURT_TYPE_OPTIONS,
    sliceText,
    published: filters.published,
    publishedLegend:
      `Published figures: disclosure-controlled, as released to the public. Counts from 1 to ${(input.threshold ?? 10) - 1} ` +
      `(under the threshold of ${input.threshold ?? 10}) are withheld, with any figure that would reveal one. ` +
      `Each withheld figure reads ${WITHHELD_HTML}.`,
    empty: recorded === 0 || input.row === undefined,
    chart,
    tableRows,
    summaryRows: [
      { key: { text: 'Cases behind these figures' }, value: recorded === null ? { html: WITHHELD_HTML } : { text: `${formatCount(recorded ?? 0)} recorded hate crimes` } },
      { key: { text: 'Statistics last refreshed' }, value: { text: refreshed } },
      { key: { text: 'Figures' }, value: { text: filters.published ? `Published (disclosure-controlled, threshold ${input.threshold ?? 10})` : 'All figures (not for publication)' } },
    ],
    methodology: METHODOLOGY,
  };
}
