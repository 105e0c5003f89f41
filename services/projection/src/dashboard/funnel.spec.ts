import { barChart } from './bar-chart';
import { funnelOf } from './funnel';
import { sliceQuery, parseSliceFilters } from './slice-filters';

describe('the dashboard funnel', () => {
  const row = { recorded: 200, suspect_identified: 120, referred_to_cps: 60, charged: 0, prosecution_completed: 0, convicted: 0, sentenced: 0, uplift_announced: 0 };

  it('gives each stage its count and the rate from the stage before', () => {
    const stages = funnelOf(row);
    expect(stages.map((stage) => [stage.count, stage.rateFromPrevious])).toEqual([
      [200, null], [120, 60], [60, 50], [0, 0], [0, null], [0, null], [0, null], [0, null],
    ]);
  });

  it('marks withheld counts and gives no rate next to them', () => {
    const stages = funnelOf({ ...row, referred_to_cps: null, suppressed: ['referred_to_cps'] });
    expect(stages[2]).toMatchObject({ count: null, rateFromPrevious: null });
    expect(stages[3]).toMatchObject({ count: 0, rateFromPrevious: null });
  });

  it('draws an image with a text alternative, one bar per non-zero count, no bar for a withheld one', () => {
    const svg = barChart({ id: 'c', title: 'A <title>', description: 'Recorded: 5', bars: [{ label: 'A', value: 5, text: '5' }, { label: 'B', value: null, text: '[c] withheld' }] });
    expect(svg).toMatch(/role="img" aria-labelledby="c-title c-desc"/);
    expect(svg).toContain('<title id="c-title">A &#60;title&#62;</title>');
    expect(svg.match(/<rect/g)).toHaveLength(1);
    expect(svg).toContain('[c] withheld');
  });

  it('reads the filters from the URL, puts a force in its CPS area, and refuses values not offered', () => {
    const { filters, problems } = parseSliceFilters({ year: '2018/19', force: '06', strand: 'race' }, ['2018/19']);
    expect(problems).toEqual([]);
    expect(filters).toEqual({ year: '2018/19', strand: 'race', cpsArea: 'North West', force: '06', courtType: 'all', published: false });
    expect(sliceQuery(filters, { published: true })).toBe('?year=2018%2F19&strand=race&cpsArea=North+West&force=06&courtType=all&published=true');
    const bad = parseSliceFilters({ year: '1999/00', cpsArea: 'London North', force: '06', published: 'yes' }, ['2018/19']);
    expect(bad.problems.map((problem) => problem.field)).toEqual(['year', 'published', 'force']);
  });
});
