import { determined } from './linear-audit';

describe('the linear audit', () => {
  it('finds a cell that three equations fix together', async () => {
    // x + y = 23, x + z = 33, y + z = 50: x, y and z are each fixed
    const constraints = [
      { total: 3, members: [0, 1] },
      { total: 4, members: [0, 2] },
      { total: 5, members: [1, 2] },
    ];
    expect(await determined(constraints, new Set([0, 1, 2]), [[[0, 1]], [[1, 1]], [[2, 1]]])).toEqual([true, true, true]);
  });

  it('finds no cell fixed in the rectangle of a two-way table, but the sums along it', async () => {
    //  a b | 4
    //  c d | 5
    //  6 7 | (cells 0..3 withheld, totals 4..7 published)
    const constraints = [
      { total: 4, members: [0, 1] },
      { total: 5, members: [2, 3] },
      { total: 6, members: [0, 2] },
      { total: 7, members: [1, 3] },
    ];
    const cells = [[[0, 1]], [[1, 1]], [[2, 1]], [[3, 1]]] as const;
    expect(await determined(constraints, new Set([0, 1, 2, 3]), cells)).toEqual([false, false, false, false]);
    // a + b is the row total; a - d is too (a row total less a column total); a + d is not (a and d move together)
    expect(await determined(constraints, new Set([0, 1, 2, 3]), [[[0, 1], [1, 1]], [[0, 1], [3, -1]], [[0, 1], [3, 1]]])).toEqual([true, true, false]);
  });

  it('treats a cell it is not told is withheld as published', async () => {
    expect(await determined([{ total: 1, members: [0] }], new Set([0]), [[[0, 1]]])).toEqual([true]);
    expect(await determined([{ total: 1, members: [0, 2] }], new Set([0, 2]), [[[0, 1]]])).toEqual([false]);
  });
});
