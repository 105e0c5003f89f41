import type { DashboardSession } from './dashboard-sessions';
import { formatCount } from './funnel';
import {
  COURT_TYPE_OPTIONS, CPS_AREA_OPTIONS, describeFilters, FORCE_OPTIONS, sliceQuery, STRAND_OPTIONS, yearOptions, type FilterProblem, type SliceFilters,
} from './slice-filters';

/** What every statistics page shows around its chart: the filters, the slice, freshness, the published legend. Pure. */
export interface SlicePageInput {
  readonly filters: SliceFilters;
  readonly problems: readonly FilterProblem[];
  readonly years: readonly string[];
  /** Published figures: the release's threshold. */
  readonly threshold: number | undefined;
  readonly refreshedAt: string | null;
  readonly throughEvents: number;
  readonly session: DashboardSession;
}

export const WITHHELD_HTML = '<span class="app-withheld">[c]</span><span class="govuk-visually-hidden"> withheld</span>';

/** The pages, in the service navigation. */
const PAGES = [
  { href: '/dashboard', text: 'Attrition funnel' },
  { href: '/dashboard/outcome-rates', text: 'Outcome rates' },
];

/** The service navigation: each page with the filters of this one, so that moving between pages keeps the view. */
function navigation(current: string, filters: SliceFilters) {
  const query = sliceQuery(filters);
  return PAGES.map((page) => ({ href: `${page.href}${query}`, text: page.text, active: page.href === current }));
}

export function slicePage(input: SlicePageInput, current: string, cases: { readonly count: number | null; readonly what: string }) {
  const { filters } = input;
  const threshold = input.threshold ?? 10;
  const refreshed = input.refreshedAt
    ? `${new Date(input.refreshedAt).toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'long', timeStyle: 'short' })} (UK time), through ${formatCount(input.throughEvents)} events`
    : 'Not yet computed';
  return {
    formAction: current,
    navigation: navigation(current, filters),
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
    sliceText: describeFilters(filters),
    published: filters.published,
    publishedLegend:
      `Published figures: disclosure-controlled, as released to the public. Counts from 1 to ${threshold - 1} ` +
      `(under the threshold of ${threshold}) are withheld, with any figure that would reveal one. ` +
      `Each withheld figure reads ${WITHHELD_HTML}.`,
    summaryRows: [
      { key: { text: 'Cases behind these figures' }, value: cases.count === null ? { html: WITHHELD_HTML } : { text: `${formatCount(cases.count)} ${cases.what}` } },
      { key: { text: 'Statistics last refreshed' }, value: { text: refreshed } },
      { key: { text: 'Figures' }, value: { text: filters.published ? `Published (disclosure-controlled, threshold ${threshold})` : 'All figures (not for publication)' } },
    ],
  };
}
