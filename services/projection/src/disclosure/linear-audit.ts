/**
 * Linear algebra for the disclosure audit: whether a set of additive equations between published
 * and withheld cells fixes the value of a withheld cell (or of a difference between two), when a
 * reader solves them all together rather than one at a time.
 */
import type { AdditiveConstraint } from './cell-suppression';
import { pauses, type Pause } from './pause';

/** Arithmetic modulo a prime under 2^26.5, so that a product of two residues is an exact double. */
const P = largestPrimeBelow(94_906_265);
function largestPrimeBelow(limit: number): number {
  for (let n = limit - 1; ; n--) {
    let prime = n % 2 === 1;
    for (let d = 3; prime && d * d <= n; d += 2) if (n % d === 0) prime = false;
    if (prime) return n;
  }
}
export function mod(value: number): number {
  const r = value % P;
  return r < 0 ? r + P : r;
}
function inverse(value: number): number {
  // Fermat: value^(P-2)
  let result = 1;
  let base = value % P;
  for (let exponent = P - 2; exponent > 0; exponent = Math.floor(exponent / 2)) {
    if (exponent % 2 === 1) result = (result * base) % P;
    base = (base * base) % P;
  }
  return result;
}

/**
 * Linear equations over the withheld cells, in echelon form (each kept row starts at its own
 * pivot, with coefficient 1). Over the integers modulo a large prime: a set of small-integer
 * equations has the same rank there as over the rationals but for a vanishing chance.
 */
export class EchelonSystem {
  private readonly rows = new Map<number, Map<number, number>>();

  add(row: Map<number, number>): void {
    const reduced = this.reduce(row);
    if (reduced.size === 0) return;
    const pivot = Math.min(...reduced.keys());
    const scale = inverse(reduced.get(pivot)!);
    for (const [column, coefficient] of reduced) reduced.set(column, (coefficient * scale) % P);
    this.rows.set(pivot, reduced);
  }

  /**
   * A random solution of the equations with every constant 0 (a vector of their null space):
   * random values for the columns no row starts at, then each row's pivot from the columns after
   * it, last row first. A column the equations fix is 0 in every such vector; any other is 0 in
   * a random one only by a chance of 1 in P, which withholds one cell more, never one less.
   */
  nullVector(columns: number, seed = 1): Float64Array {
    const vector = new Float64Array(columns);
    let state = seed >>> 0 || 1;
    const random = () => {
      // xorshift32, then into 1..P-1
      state ^= state << 13;
      state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5;
      state >>>= 0;
      return 1 + (state % (P - 1));
    };
    for (let column = 0; column < columns; column++) if (!this.rows.has(column)) vector[column] = random();
    for (const pivot of [...this.rows.keys()].sort((a, b) => b - a)) {
      let sum = 0;
      for (const [column, coefficient] of this.rows.get(pivot)!) if (column !== pivot) sum = (sum + coefficient * vector[column]!) % P;
      vector[pivot] = mod(-sum);
    }
    return vector;
  }

  /** Whether the equations fix the value of sum(coefficient * unknown). */
  determines(vector: Map<number, number>): boolean {
    return this.reduce(vector).size === 0;
  }

  private reduce(input: Map<number, number>): Map<number, number> {
    const row = new Map([...input].filter(([, coefficient]) => coefficient !== 0));
    const done = new Set<number>();
    for (;;) {
      let pivot = Infinity;
      for (const column of row.keys()) if (column < pivot && !done.has(column)) pivot = column;
      if (pivot === Infinity) return row;
      const basis = this.rows.get(pivot);
      if (!basis) {
        done.add(pivot);
        continue;
      }
      const factor = row.get(pivot)!;
      for (const [column, coefficient] of basis) {
        const next = mod((row.get(column) ?? 0) - factor * coefficient);
        if (next === 0) row.delete(column);
        else row.set(column, next);
      }
    }
  }
}

/** A sum of cells with coefficients: sum(coefficient * cell). */
export type Combination = ReadonlyArray<readonly [cell: number, coefficient: number]>;

/**
 * Which of the `secrets` (combinations of cells: a cell, or a difference of two) the equations fix
 * when the cells of `unknown` are withheld and every other cell is published. Each constraint is
 * total - sum(members) = 0.
 */
export async function determined(
  constraints: readonly AdditiveConstraint[],
  unknown: ReadonlySet<number>,
  secrets: readonly Combination[],
  pause: Pause = pauses(),
): Promise<boolean[]> {
  const index = new Map<number, number>();
  for (const cell of unknown) index.set(cell, index.size);
  const restrict = (combination: Combination) => {
    const row = new Map<number, number>();
    for (const [cell, coefficient] of combination) {
      const column = index.get(cell);
      if (column !== undefined) row.set(column, mod((row.get(column) ?? 0) + coefficient));
    }
    return row;
  };
  const system = new EchelonSystem();
  for (const { total, members } of constraints) {
    const row = restrict([[total, 1], ...members.map((member) => [member, -1] as const)]);
    if (row.size > 0) system.add(row);
    await pause();
  }
  const vector = system.nullVector(index.size);
  return secrets.map((secret) => [...restrict(secret)].reduce((sum, [column, coefficient]) => (sum + coefficient * vector[column]!) % P, 0) === 0);
}
