/**
 * Statistical disclosure control by cell suppression, for tables whose cells are tied by additive
 * equations (a total equals the sum of its members: a national figure and its forces, a count and
 * the counts it splits into).
 *
 * - Primary suppression: every cell with 0 < value < threshold (zeros are shown: they identify no one).
 * - Hidden cells take part in equations but are never published (e.g. the number who dropped out
 *   between two stages of a funnel, which anyone can compute from the two published stages). A
 *   hidden cell under the threshold is sensitive, so at least one of its stages must be suppressed.
 * - Secondary suppression: until no suppressed cell and no sensitive hidden cell can be worked out
 *   by solving the equations one at a time (the way a reader subtracts published figures from a
 *   published total, repeatedly), one more cell of the equation that gives it away is suppressed:
 *   the smallest non-zero published member, else a zero member, else the total.
 *
 * This is the usual sequential approach. It does not defend against a reader who combines many
 * equations at once by linear programming to bound a cell; a bound is not a count.
 */
const HANDLED = Symbol('handled');

export interface AdditiveConstraint {
  /** Index of the cell that is the total. */
  readonly total: number;
  /** Indexes of the cells that add up to it. */
  readonly members: readonly number[];
}

export interface SuppressionOptions {
  /** Counts from 1 up to threshold - 1 are sensitive. */
  readonly threshold: number;
  /** Cells that are never published. */
  readonly hidden?: ReadonlySet<number>;
}

export interface SuppressionResult {
  /** Published cells to withhold (primary and secondary). */
  readonly suppressed: ReadonlySet<number>;
  readonly primary: ReadonlySet<number>;
  /** Sensitive cells that could not be protected (should not happen with well-formed constraints). */
  readonly unprotected: ReadonlySet<number>;
}

export function suppressCells(values: readonly number[], constraints: readonly AdditiveConstraint[], options: SuppressionOptions): SuppressionResult {
  const { threshold } = options;
  const hidden = options.hidden ?? new Set<number>();
  const cells = values.length;
  const sensitive = values.map((value) => value > 0 && value < threshold);
  const suppressed = values.map((_, i) => sensitive[i]! && !hidden.has(i));
  const primary = new Set<number>(suppressed.flatMap((on, i) => (on ? [i] : [])));
  const unprotected = new Set<number>();

  const cellsOf = constraints.map((constraint) => [...new Set([constraint.total, ...constraint.members])]);
  const constraintsOf: number[][] = Array.from({ length: cells }, () => []);
  cellsOf.forEach((list, c) => list.forEach((cell) => constraintsOf[cell]!.push(c)));
  const isMember = (c: number, cell: number) => constraints[c]!.total !== cell;

  const unknown = (i: number) => suppressed[i]! || hidden.has(i);
  const mustStayUnknown = (i: number) => suppressed[i]! || (hidden.has(i) && sensitive[i]!);

  for (let pass = 0; pass < cells + 1; pass++) {
    // Which unknown cells can be worked out, and from which equation.
    const derivedBy = new Int32Array(cells).fill(-1);
    const derivedAt = new Int32Array(cells).fill(-1);
    let step = 0;
    const unknownIn = cellsOf.map((list) => list.filter(unknown).length);
    const work: number[] = [];
    unknownIn.forEach((count, c) => count === 1 && work.push(c));
    while (work.length > 0) {
      const c = work.pop()!;
      if (unknownIn[c] !== 1) continue;
      const cell = cellsOf[c]!.find((i) => unknown(i) && derivedBy[i] === -1);
      if (cell === undefined) continue;
      derivedBy[cell] = c;
      derivedAt[cell] = step++;
      for (const other of constraintsOf[cell]!) {
        unknownIn[other]! -= 1;
        if (unknownIn[other] === 1) work.push(other);
      }
    }

    const exposed: number[] = [];
    for (let i = 0; i < cells; i++) if (derivedBy[i] !== -1 && mustStayUnknown(i) && !unprotected.has(i)) exposed.push(i);
    if (exposed.length === 0) break;
    // Fix first the cells given away directly by published figures; the ones worked out from
    // them usually fall with them (fixing those too would suppress more than needed).
    const direct = exposed.filter((cell) => cellsOf[derivedBy[cell]!]!.every((i) => i === cell || !unknown(i) || !mustStayUnknown(i)));
    const toFix = direct.length > 0 ? direct : [exposed.reduce((first, cell) => (derivedAt[cell]! < derivedAt[first]! ? cell : first))];

    // One new suppression per equation that gives a cell away; an exposure whose chain of equations
    // already lost a cell in this pass is looked at again in the next one.
    const broken = new Set<number>();
    const added = new Set<number>();
    const stuck: number[] = [];
    for (const cell of toFix) {
      const candidate = pickCandidate(derivedBy[cell]!, cell, derivedBy, broken, added, new Set());
      if (candidate === HANDLED) continue;
      if (candidate === undefined) stuck.push(cell);
      else {
        suppressed[candidate] = true;
        added.add(candidate);
        broken.add(derivedBy[cell]!);
      }
    }
    if (added.size === 0) {
      for (const cell of stuck) unprotected.add(cell);
    }
  }

  /**
   * A published, not yet suppressed cell whose suppression stops equation c giving `cell` away;
   * HANDLED when a suppression made in this pass already does.
   */
  function pickCandidate(
    c: number,
    cell: number,
    derivedBy: Int32Array,
    broken: ReadonlySet<number>,
    added: ReadonlySet<number>,
    visited: Set<number>,
  ): number | typeof HANDLED | undefined {
    if (broken.has(c)) return HANDLED;
    if (visited.has(c)) return undefined;
    visited.add(c);
    const others = cellsOf[c]!.filter((i) => i !== cell);
    if (others.some((i) => added.has(i))) return HANDLED;
    const open = others.filter((i) => !unknown(i));
    if (open.length > 0) {
      return open.sort((a, b) => rank(c, a) - rank(c, b) || a - b)[0];
    }
    // Every other cell is unknown but was itself worked out elsewhere: break that derivation instead.
    for (const other of others) {
      const source = derivedBy[other]!;
      if (source === -1 || source === c) continue;
      const found = pickCandidate(source, other, derivedBy, broken, added, visited);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  function rank(c: number, i: number): number {
    const value = values[i]!;
    // Smallest non-zero member first, then zero members, then the total.
    return (isMember(c, i) ? 0 : 2 * Number.MAX_SAFE_INTEGER / 4) + (value === 0 ? Number.MAX_SAFE_INTEGER / 4 : value);
  }

  return {
    suppressed: new Set(suppressed.flatMap((on, i) => (on ? [i] : []))),
    primary,
    unprotected,
  };
}
