import { determined, type Combination } from './linear-audit';
import { pauses, type Pause } from './pause';

/**
 * Statistical disclosure control by cell suppression, for tables whose cells are tied by additive
 * equations (a total equals the sum of its members: a national figure and its forces, a count and
 * the counts it splits into, a count of one table and the same count in another).
 *
 * - Primary suppression: every cell with 0 < value < threshold (zeros are shown: they identify no one).
 * - Hidden cells take part in equations but are never published (e.g. the number who dropped out
 *   between two stages of a funnel, which anyone can compute from the two published stages). A
 *   hidden cell under the threshold is sensitive, so the equations must not fix it either.
 * - Secondary suppression, first sequential: until no sensitive cell can be worked out by solving
 *   the equations one at a time (as a reader subtracting published figures would), one more cell
 *   of the equation that gives it away is withheld: its smallest non-zero published member, else
 *   a zero member, else the total.
 * - Then by audit: the equations are solved all together, as a reader with linear algebra would,
 *   and each sensitive cell they still fix gets one more published cell withheld: among those
 *   nearest to it through the equations, a member before a total, the smallest non-zero first; a
 *   cell still fixed after that takes the next candidate. The audit runs again until it finds
 *   nothing. (The audit alone, without the sequential pass, chose partners far worse: at a
 *   national year it withheld 70% more of the funnel, national stages included.)
 *
 * The audit proves that no withheld count can be worked out exactly. It does not stop a reader
 * who combines the equations with the fact that counts are not negative to *bound* a cell (by
 * linear programming); a bound is not a count.
 */
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
  /** Sensitive cells the equations still fix and no published cell is tied to (should not happen with well-formed constraints). */
  readonly unprotected: ReadonlySet<number>;
}

export async function suppressCells(
  values: readonly number[],
  constraints: readonly AdditiveConstraint[],
  options: SuppressionOptions,
  pause: Pause = pauses(),
): Promise<SuppressionResult> {
  const { threshold } = options;
  const hidden = options.hidden ?? new Set<number>();
  const sensitive = (cell: number) => values[cell]! > 0 && values[cell]! < threshold;
  const primary = new Set([...values.keys()].filter((cell) => sensitive(cell) && !hidden.has(cell)));
  // First the sequential pattern: what subtracting one equation at a time would give away, fixed
  // with a partner from that very equation (the smallest member). Then the audit.
  const suppressed = new Set(sequentialSuppression(values, constraints, options).suppressed);
  const constraintsOf: number[][] = values.map(() => []);
  constraints.forEach(({ total, members }, c) => [total, ...members].forEach((cell) => constraintsOf[cell]!.push(c)));
  // A hidden cell in one equation only is that equation's other cells combined (a difference of
  // two stages): the audit asks whether that combination is fixed, with one unknown fewer.
  const combinationOf = new Map<number, Combination>();
  const eliminated = new Set<number>();
  for (const cell of hidden) {
    if (constraintsOf[cell]!.length !== 1) continue;
    const c = constraintsOf[cell]![0]!;
    if (eliminated.has(c)) continue;
    const { total, members } = constraints[c]!;
    const sign = total === cell ? -1 : 1; // cell = total - others, or cell = sum of the members
    combinationOf.set(cell, [...(total === cell ? [] : [[total, 1] as const]), ...members.filter((member) => member !== cell).map((member) => [member, sign] as const)]);
    eliminated.add(c);
  }
  const audited = constraints.filter((_, c) => !eliminated.has(c));
  const secrets = [...values.keys()].filter((cell) => sensitive(cell));
  const attempts = new Map<number, number>();
  const unprotected = new Set<number>();

  for (;;) {
    const unknown = new Set([...suppressed, ...[...hidden].filter((cell) => !combinationOf.has(cell))]);
    const fixed = await determined(audited, unknown, secrets.map((cell) => combinationOf.get(cell) ?? [[cell, 1]]), pause);
    const exposed = secrets.filter((cell, i) => fixed[i] && !unprotected.has(cell));
    if (exposed.length === 0) break;
    let added = 0;
    const withheld = new Set([...suppressed, ...hidden]);
    for (const cell of exposed) {
      const nearest = nearestPublished(cell, values, constraints, constraintsOf, withheld);
      if (nearest.length === 0) unprotected.add(cell);
      // One partner a round: the best candidate first; a cell still fixed after that takes the next one.
      const attempt = attempts.get(cell) ?? 0;
      const partner = nearest[Math.min(attempt, nearest.length - 1)];
      if (partner !== undefined && !suppressed.has(partner)) {
        suppressed.add(partner);
        added += 1;
      }
      attempts.set(cell, attempt + 1);
      await pause();
    }
    if (added === 0) for (const cell of exposed) unprotected.add(cell);
  }
  return { suppressed, primary, unprotected };
}

/**
 * The published cells nearest to `cell` through the equations (those of its own equations, else
 * those of the equations of the withheld cells in them, and so on), smallest non-zero first,
 * zeros last.
 */
function nearestPublished(
  cell: number,
  values: readonly number[],
  constraints: readonly AdditiveConstraint[],
  constraintsOf: readonly number[][],
  unknown: ReadonlySet<number>,
): number[] {
  const seen = new Set([cell]);
  for (let level = [cell]; level.length > 0; ) {
    const next: number[] = [];
    const published: number[] = [];
    const isTotal = new Set<number>();
    for (const from of level) {
      for (const c of constraintsOf[from]!) {
        for (const other of [constraints[c]!.total, ...constraints[c]!.members]) {
          if (other === constraints[c]!.total && !unknown.has(other)) isTotal.add(other);
          if (seen.has(other)) continue;
          seen.add(other);
          (unknown.has(other) ? next : published).push(other);
        }
      }
    }
    if (published.length > 0) {
      // Members before totals (a total is a larger, more useful figure), then the smallest non-zero, zeros last.
      return published.sort((a, b) => Number(isTotal.has(a)) - Number(isTotal.has(b)) || Number(values[a] === 0) - Number(values[b] === 0) || values[a]! - values[b]! || a - b);
    }
    level = next;
  }
  return [];
}

const HANDLED = Symbol('handled');

/**
 * The sequential method: until no suppressed cell and no sensitive hidden cell can be worked out
 * by solving the equations one at a time, one more cell of the equation that gives it away is
 * withheld: the smallest non-zero published member, else a zero member, else the total.
 */
function sequentialSuppression(values: readonly number[], constraints: readonly AdditiveConstraint[], options: SuppressionOptions): SuppressionResult {
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
