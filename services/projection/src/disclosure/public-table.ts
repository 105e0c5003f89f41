/**
 * How disclosure control sees a statistics table: its slices, its counts and the equations between
 * them. The pattern is decided on the full tables (public-release.ts) and filters are applied
 * afterwards, so that any filtered part agrees with any other.
 */

/** Value of a slice column in the row that totals it. */
export const TOTAL = 'all';

export type Row = Record<string, unknown>;
export type PublicRow = Row & { readonly suppressed: readonly string[] };

export interface TableSpec {
  /** Columns that split the table into separate tables with no total across them (e.g. the stage boundary). */
  readonly fixed?: readonly string[];
  /** Slice columns whose `all` row is the sum of the others (a multi-strand case is in several strands, so treating strands as additive over-protects, never under-protects). */
  readonly dimensions: readonly string[];
  /** Nested slice columns, outermost first (CPS area, then force): an area's `all` row sums its forces. */
  readonly hierarchy?: readonly string[];
  /** Count columns. */
  readonly counts: readonly string[];
  /** [outer, inner]: the inner count is a subset of the outer one, so their difference is published implicitly. */
  readonly nested?: ReadonlyArray<readonly [string, string]>;
  /** [a, b]: the two columns always hold the same count. */
  readonly equal?: ReadonlyArray<readonly [string, string]>;
  /** A count that is the sum of others in the same row. */
  readonly partitions?: ReadonlyArray<{ readonly total: string; readonly parts: readonly string[] }>;
  /** Derived columns withheld when any count they are computed from is withheld. */
  readonly derived?: ReadonlyArray<{ readonly column: string; readonly from: readonly string[] }>;
  /** Statistics of a small group (a median of 4 values is a person's value): withheld when `count` is under the threshold. */
  readonly perGroup?: ReadonlyArray<{ readonly columns: readonly string[]; readonly count: string }>;
}

interface AdditiveGroup {
  readonly total: number;
  readonly members: number[];
}

/** Every (total row, member rows) group the table's slices imply. */
export function additiveGroups(rows: readonly Row[], spec: Pick<TableSpec, 'dimensions' | 'hierarchy' | 'fixed'>): AdditiveGroup[] {
  const hierarchy = spec.hierarchy ?? [];
  const fixed = spec.fixed ?? [];
  const slices = [...fixed, ...spec.dimensions, ...hierarchy];
  const value = (row: Row, column: string) => String(row[column] ?? '');
  const groups: AdditiveGroup[] = [];

  const collect = (keyOf: (row: Row) => string | undefined, isTotal: (row: Row) => boolean) => {
    const byKey = new Map<string, { total?: number; members: number[] }>();
    rows.forEach((row, r) => {
      const key = keyOf(row);
      if (key === undefined) return;
      let group = byKey.get(key);
      if (!group) byKey.set(key, (group = { members: [] }));
      if (isTotal(row)) group.total = r;
      else group.members.push(r);
    });
    for (const group of byKey.values()) {
      if (group.total !== undefined && group.members.length > 0) groups.push({ total: group.total, members: group.members });
    }
  };

  for (const dimension of spec.dimensions) {
    const others = slices.filter((column) => column !== dimension);
    collect((row) => others.map((column) => value(row, column)).join('\u0000'), (row) => value(row, dimension) === TOTAL);
  }
  hierarchy.forEach((level, depth) => {
    const above = hierarchy.slice(0, depth);
    const below = hierarchy.slice(depth + 1);
    collect(
      (row) => {
        // Rows at this level or its total: everything above fixed (not totals), everything below totalled.
        if (above.some((column) => value(row, column) === TOTAL)) return undefined;
        if (below.some((column) => value(row, column) !== TOTAL)) return undefined;
        return [...fixed, ...spec.dimensions, ...above].map((column) => value(row, column)).join('\u0000');
      },
      (row) => value(row, level) === TOTAL,
    );
  });
  return groups;
}
