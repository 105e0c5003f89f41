import { suppressCells, type AdditiveConstraint } from './cell-suppression';
import { publicTable } from './public-release';
import { additiveGroups, type Row, type TableSpec } from './public-table';

/**
 * Every unknown cell whose value the equations fix, found independently of the code under test:
 * Gaussian elimination in floating point on these small systems (a cell is fixed when adding the
 * equation "this cell = ?" does not raise the rank).
 */
function fixedCells(constraints: readonly AdditiveConstraint[], unknown: ReadonlySet<number>): Set<number> {
  const columns = [...unknown];
  const rows = constraints.map(({ total, members }) => columns.map((cell) => (cell === total ? 1 : 0) - members.filter((member) => member === cell).length));
  const rank = (matrix: number[][]) => {
    const m = matrix.map((row) => [...row]);
    let r = 0;
    for (let c = 0; c < columns.length && r < m.length; c++) {
      const pivot = m.findIndex((row, i) => i >= r && Math.abs(row[c]!) > 1e-9);
      if (pivot === -1) continue;
      [m[r], m[pivot]] = [m[pivot]!, m[r]!];
      for (let i = 0; i < m.length; i++) {
        if (i === r) continue;
        const factor = m[i]![c]! / m[r]![c]!;
        if (factor !== 0) m[i] = m[i]!.map((value, j) => value - factor * m[r]![j]!);
      }
      r++;
    }
    return r;
  };
  const base = rank(rows);
  return new Set(columns.filter((_, c) => rank([...rows, columns.map((_, j) => (j === c ? 1 : 0))]) === base));
}

/** The sensitive cells (1 to 9) a reader can work out when `withheld` are not published. */
function recovered(values: readonly number[], constraints: readonly AdditiveConstraint[], withheld: ReadonlySet<number>): number[] {
  return [...fixedCells(constraints, withheld)].filter((cell) => values[cell]! > 0 && values[cell]! < 10);
}

describe('cell suppression', () => {
  it('withholds counts from 1 to threshold - 1 and shows zeros and counts at the threshold', async () => {
    const { primary } = await suppressCells([0, 1, 9, 10, 250], [], { threshold: 10 });
    expect([...primary]).toEqual([1, 2]);
  });

  it('withholds a second member when a total would give the one small member away', async () => {
    // total 100 = 4 + 40 + 56: 4 is withheld; the next smallest member (40) goes with it
    const values = [100, 4, 40, 56];
    const { suppressed } = await suppressCells(values, [{ total: 0, members: [1, 2, 3] }], { threshold: 10 });
    expect([...suppressed].sort()).toEqual([1, 2]);
  });

  it('withholds the total when every other member is zero', async () => {
    const values = [7, 7, 0];
    const { suppressed } = await suppressCells(values, [{ total: 0, members: [1, 2] }], { threshold: 10 });
    // 7 is primary; the zero is the only member left, then the total would still give 7 + 0 away... the zero is enough
    expect(suppressed.has(1)).toBe(true);
    expect(recovered(values, [{ total: 0, members: [1, 2] }], suppressed)).toEqual([]);
  });

  it('protects a two-way table: no row or column total gives a withheld cell away', async () => {
    //           a    b    c  | total
    // r1        3   20   30  |   53
    // r2       25   40   12  |   77
    // total    28   60   42  |  130
    const grid = [
      [3, 20, 30, 53],
      [25, 40, 12, 77],
      [28, 60, 42, 130],
    ];
    const values = grid.flat();
    const id = (r: number, c: number) => r * 4 + c;
    const constraints: AdditiveConstraint[] = [
      ...[0, 1, 2].map((r) => ({ total: id(r, 3), members: [id(r, 0), id(r, 1), id(r, 2)] })),
      ...[0, 1, 2, 3].map((c) => ({ total: id(2, c), members: [id(0, c), id(1, c)] })),
    ];
    const { suppressed, primary } = await suppressCells(values, constraints, { threshold: 10 });
    expect([...primary]).toEqual([id(0, 0)]);
    expect(suppressed.size).toBeGreaterThanOrEqual(4); // the classic rectangle
    expect(recovered(values, constraints, suppressed)).toEqual([]);
  });

  it('protects a small difference between two nested counts (a funnel stage and the next)', async () => {
    // convicted 50, sentenced 47: 3 convicted and not sentenced is a small count anyone could compute
    const values = [50, 47, 3];
    const hidden = new Set([2]);
    const constraints = [{ total: 0, members: [1, 2] }];
    const { suppressed } = await suppressCells(values, constraints, { threshold: 10, hidden });
    expect(suppressed.size).toBe(1);
    expect(fixedCells(constraints, new Set([...suppressed, ...hidden])).has(2)).toBe(false);
  });

  it('follows a chain: a cell tied to two totals stays protected in both', async () => {
    // row total 60 = 5 + 25 + 30 ; column total of the 25 is 25 + 35 = 60
    const values = [60, 5, 25, 30, 60, 35];
    const constraints: AdditiveConstraint[] = [
      { total: 0, members: [1, 2, 3] },
      { total: 4, members: [2, 5] },
    ];
    const { suppressed } = await suppressCells(values, constraints, { threshold: 10 });
    expect(suppressed.has(1)).toBe(true);
    expect(recovered(values, constraints, suppressed)).toEqual([]);
  });

  it('protects against a reader who solves the equations together, not one at a time', async () => {
    // a = 3, b = 20, c = 30 and three published sums: a + b = 23, a + c = 33, b + c = 50. With a, b
    // and c withheld every equation has two unknowns, yet a = (23 + 33 - 50) / 2.
    const values = [3, 20, 30, 23, 33, 50];
    const constraints: AdditiveConstraint[] = [
      { total: 3, members: [0, 1] },
      { total: 4, members: [0, 2] },
      { total: 5, members: [1, 2] },
    ];
    expect(recovered(values, constraints, new Set([0, 1, 2]))).toEqual([0]); // the trap is real
    const { suppressed } = await suppressCells(values, constraints, { threshold: 10 });
    expect(recovered(values, constraints, suppressed)).toEqual([]);
    expect(suppressed.size).toBeLessThan(values.length); // and it does not withhold everything
  });

  it('leaves a table with nothing small untouched', async () => {
    const { suppressed } = await suppressCells([100, 50, 50], [{ total: 0, members: [1, 2] }], { threshold: 10 });
    expect(suppressed.size).toBe(0);
  });

  it('protects random tables: whatever the values, nothing withheld can be worked out', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const rows = 2 + Math.floor(random() * 4);
      const columns = 2 + Math.floor(random() * 4);
      const inner = Array.from({ length: rows }, () => Array.from({ length: columns }, () => Math.floor(random() * 30)));
      const grid = [...inner.map((row) => [...row, row.reduce((a, b) => a + b, 0)])];
      grid.push(grid[0]!.map((_, c) => grid.reduce((sum, row) => sum + row[c]!, 0)));
      const width = columns + 1;
      const values = grid.flat();
      const id = (r: number, c: number) => r * width + c;
      const constraints: AdditiveConstraint[] = [
        ...grid.map((_, r) => ({ total: id(r, columns), members: Array.from({ length: columns }, (__, c) => id(r, c)) })),
        ...Array.from({ length: width }, (_, c) => ({ total: id(rows, c), members: Array.from({ length: rows }, (__, r) => id(r, c)) })),
      ];
      const { suppressed, primary, unprotected } = await suppressCells(values, constraints, { threshold: 10 });
      for (const cell of primary) expect(suppressed.has(cell)).toBe(true);
      expect(unprotected.size).toBe(0);
      expect(recovered(values, constraints, suppressed)).toEqual([]);
    }
  });
});

describe('public tables', () => {
  const spec: TableSpec = {
    dimensions: ['strand'],
    hierarchy: ['cps_area', 'force_code'],
    counts: ['referred', 'charged'],
    nested: [['referred', 'charged']],
    derived: [{ column: 'charge_rate_pct', from: ['referred', 'charged'] }],
  };
  const row = (strand: string, cps_area: string, force_code: string, referred: number, charged: number): Row => ({
    strand, cps_area, force_code, referred, charged, charge_rate_pct: Math.round((1000 * charged) / referred) / 10,
  });
  const rows: Row[] = [
    row('all', 'all', 'all', 130, 100),
    row('all', 'North', 'all', 60, 45),
    row('all', 'North', '01', 52, 43),
    row('all', 'North', '02', 8, 2),
    row('all', 'South', 'all', 70, 55),
    row('all', 'South', '03', 70, 55),
    row('race', 'all', 'all', 130, 100),
    row('race', 'North', 'all', 60, 45),
    row('race', 'North', '01', 52, 43),
    row('race', 'North', '02', 8, 2),
    row('race', 'South', 'all', 70, 55),
    row('race', 'South', '03', 70, 55),
  ];

  it('finds the totals implied by the slices and the force hierarchy', async () => {
    const groups = additiveGroups(rows, spec).map((group) => [group.total, [...group.members].sort((a, b) => a - b)]);
    expect(groups).toEqual(
      expect.arrayContaining([
        [0, [6]], // all strands = race (one strand here)
        [0, [1, 4]], // England & Wales = North + South
        [1, [2, 3]], // North = 01 + 02
        [4, [5]], // South = 03
      ]),
    );
  });

  it('withholds small counts, what would reveal them, and the rates computed from them', async () => {
    const published = await publicTable(rows, spec, 10);
    const force02 = published.find((r) => r.strand === 'all' && r.force_code === '02')!;
    expect(force02.referred).toBeNull();
    expect(force02.charged).toBeNull();
    expect(force02.charge_rate_pct).toBeNull();
    expect(force02.suppressed).toEqual(expect.arrayContaining(['referred', 'charged', 'charge_rate_pct']));
    const force01 = published.find((r) => r.strand === 'all' && r.force_code === '01')!;
    // North = 01 + 02, so 01 must go too, or 02 = North - 01
    expect(force01.referred === null || published.find((r) => r.strand === 'all' && r.cps_area === 'North' && r.force_code === 'all')!.referred === null).toBe(true);
    const national = published.find((r) => r.strand === 'all' && r.cps_area === 'all')!;
    expect(national).toMatchObject({ referred: 130, charged: 100, suppressed: [] });
  });

  it('withholds a median whose group is under the threshold', async () => {
    const table = await publicTable(
      [{ strand: 'all', n: 4, median: 12.5 }, { strand: 'race', n: 4, median: 12.5 }],
      { dimensions: ['strand'], counts: ['n'], perGroup: [{ columns: ['median'], count: 'n' }] },
      10,
    );
    expect(table.map((r) => [r.n, r.median])).toEqual([[null, null], [null, null]]);
  });
});
