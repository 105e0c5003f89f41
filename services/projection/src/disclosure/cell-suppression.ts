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
 * - Secondary suppression, by audit: the equations are solved all together, as a reader with
 *   linear algebra would (not only one at a time, as a reader subtracting published figures
 *   would), and each sensitive cell they fix gets one more published cell withheld: the smallest
 *   non-zero one nearest to it through the equations (a zero if none); a cell still fixed after
 *   that takes the next two, then four. Then the audit runs again, until it finds nothing.
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
  const suppressed = new Set(primary);
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
      // Once is usually enough; a cell still fixed after that takes two more, then four...
      const attempt = attempts.get(cell) ?? 0;
      for (const partner of nearest.slice(0, 2 ** attempt)) {
        if (!suppressed.has(partner)) {
          suppressed.add(partner);
          added += 1;
        }
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
    for (const from of level) {
      for (const c of constraintsOf[from]!) {
        for (const other of [constraints[c]!.total, ...constraints[c]!.members]) {
          if (seen.has(other)) continue;
          seen.add(other);
          (unknown.has(other) ? next : published).push(other);
        }
      }
    }
    if (published.length > 0) {
      return published.sort((a, b) => Number(values[a] === 0) - Number(values[b] === 0) || values[a]! - values[b]! || a - b);
    }
    level = next;
  }
  return [];
}
