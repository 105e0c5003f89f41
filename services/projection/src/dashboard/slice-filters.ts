import { FORCES, HATE_CRIME_STRANDS } from '@hc/contracts';
import { TOTAL } from '../disclosure/public-table';

/**
 * The statistics pages' filters, read from the URL (a GET form, so that a link reproduces the view).
 * Pure: query in, the slice of `analytics.attrition_funnel` to show (or the problems) out.
 */
export interface SliceFilters {
  readonly year: string;
  readonly strand: string;
  readonly cpsArea: string;
  readonly force: string;
  readonly courtType: string;
  readonly published: boolean;
}

export interface FilterProblem {
  readonly field: keyof SliceFilters;
  readonly message: string;
}

export interface Option {
  readonly value: string;
  readonly text: string;
}

export const STRAND_OPTIONS: readonly Option[] = [
  { value: TOTAL, text: 'All strands' },
  ...HATE_CRIME_STRANDS.map((strand) => ({
    value: strand,
    text: { race: 'Race or ethnicity', religion: 'Religion or belief', sexual_orientation: 'Sexual orientation', disability: 'Disability', transgender: 'Transgender identity' }[strand],
  })),
];

export const COURT_TYPE_OPTIONS: readonly Option[] = [
  { value: TOTAL, text: 'All (any or no court)' },
  { value: 'magistrates', text: "Magistrates' court" },
  { value: 'crown', text: 'Crown Court' },
  { value: 'none', text: 'No court reached' },
];

export const FORCE_OPTIONS: readonly Option[] = [
  { value: TOTAL, text: 'All forces' },
  ...[...FORCES.values()].sort((a, b) => a.name.localeCompare(b.name)).map((force) => ({ value: force.code, text: force.name })),
];

export const CPS_AREA_OPTIONS: readonly Option[] = [
  { value: TOTAL, text: 'England and Wales (all areas)' },
  ...[...new Set([...FORCES.values()].map((force) => force.cpsArea))].sort().map((area) => ({ value: area, text: area })),
];

export function yearOptions(years: readonly string[]): Option[] {
  return [{ value: TOTAL, text: 'All years' }, ...years.map((year) => ({ value: year, text: year === 'unknown' ? 'Year unknown' : `${year} (April to March)` }))];
}

const textOf = (options: readonly Option[], value: string) => options.find((option) => option.value === value)?.text ?? value;

export function parseSliceFilters(query: Record<string, unknown>, years: readonly string[]): { filters: SliceFilters; problems: FilterProblem[] } {
  const problems: FilterProblem[] = [];
  const pick = (field: keyof SliceFilters, options: readonly Option[], what: string): string => {
    const value = query[field];
    if (value === undefined || value === '') return TOTAL;
    if (typeof value === 'string' && options.some((option) => option.value === value)) return value;
    problems.push({ field, message: `Select ${what} from the list` });
    return TOTAL;
  };
  const year = pick('year', yearOptions(years), 'a financial year');
  const strand = pick('strand', STRAND_OPTIONS, 'a strand');
  const cpsArea = pick('cpsArea', CPS_AREA_OPTIONS, 'a CPS area');
  const force = pick('force', FORCE_OPTIONS, 'a police force');
  const courtType = pick('courtType', COURT_TYPE_OPTIONS, 'a court type');
  const published = query.published === 'true';
  if (query.published !== undefined && query.published !== 'true' && query.published !== 'false') {
    problems.push({ field: 'published', message: 'Select all figures or published figures' });
  }
  const forceArea = FORCES.get(force)?.cpsArea;
  if (forceArea && cpsArea !== TOTAL && cpsArea !== forceArea) {
    problems.push({ field: 'force', message: `${textOf(FORCE_OPTIONS, force)} is in CPS ${forceArea}, not ${cpsArea}: select that area, or all areas` });
  }
  return { filters: { year, strand, cpsArea: forceArea ?? cpsArea, force, courtType, published }, problems };
}

/** The filters as a page's query string (`?year=...`), so that a link reproduces the view. */
export function sliceQuery(filters: SliceFilters, change: Partial<SliceFilters> = {}): string {
  const merged = { ...filters, ...change };
  const query = new URLSearchParams({
    year: merged.year,
    strand: merged.strand,
    cpsArea: merged.cpsArea,
    force: merged.force,
    courtType: merged.courtType,
    published: String(merged.published),
  });
  return `?${query.toString()}`;
}

/** "2018/19, race or ethnicity, Greater Manchester, Crown Court": the slice in words, for headings and the chart's title. */
export function describeFilters(filters: SliceFilters): string {
  const place = filters.force !== TOTAL ? textOf(FORCE_OPTIONS, filters.force) : filters.cpsArea !== TOTAL ? `CPS ${filters.cpsArea}` : 'England and Wales';
  return [
    filters.year === TOTAL ? 'all years' : filters.year,
    textOf(STRAND_OPTIONS, filters.strand).toLowerCase(),
    place,
    filters.courtType === TOTAL ? 'any court type' : filters.courtType === 'none' ? 'no court reached' : textOf(COURT_TYPE_OPTIONS, filters.courtType),
  ].join(', ');
}
