import { suppressCells, type AdditiveConstraint } from './cell-suppression';

/**
 * Disclosure control of a whole statistics table (every slice, totals included), so that any
 * filtered part of it is consistent with any other: the pattern is decided on the full table and
 * filters are applied afterwards.
 */
export const DEFAULT_DISCLOSURE_THRESHOLD = 10;
export const MINIMUM_DISCLOSURE_THRESHOLD = 3;
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

export function publicTable(rows: readonly Row[], spec: TableSpec, threshold: number): PublicRow[] {
  const values: number[] = [];
  const hidden = new Set<number>();
  const cell = new Map<string, number>();
  const at = (row: number, column: string) => cell.get(`${row}\u0000${column}`)!;
  rows.forEach((row, r) => {
    for (const column of spec.counts) {
      cell.set(`${r}\u0000${column}`, values.length);
      values.push(Number(row[column] ?? 0));
    }
  });

  const constraints: AdditiveConstraint[] = [];
  for (const column of spec.counts) {
    for (const group of additiveGroups(rows, spec)) {
      constraints.push({ total: at(group.total, column), members: group.members.map((member) => at(member, column)) });
    }
  }
  rows.forEach((row, r) => {
    for (const [outer, inner] of spec.nested ?? []) {
      const difference = values.length;
      values.push(Number(row[outer] ?? 0) - Number(row[inner] ?? 0));
      hidden.add(difference);
      constraints.push({ total: at(r, outer), members: [at(r, inner), difference] });
    }
    for (const [a, b] of spec.equal ?? []) constraints.push({ total: at(r, a), members: [at(r, b)] });
    for (const { total, parts } of spec.partitions ?? []) constraints.push({ total: at(r, total), members: parts.map((part) => at(r, part)) });
  });

  const { suppressed } = suppressCells(values, constraints, { threshold, hidden });
  return rows.map((row, r) => {
    const withheld = new Set(spec.counts.filter((column) => suppressed.has(at(r, column))));
    for (const { column, from } of spec.derived ?? []) if (from.some((source) => withheld.has(source))) withheld.add(column);
    for (const { columns, count } of spec.perGroup ?? []) {
      const n = Number(row[count] ?? 0);
      if (withheld.has(count) || (n > 0 && n < threshold)) for (const column of columns) withheld.add(column);
    }
    const copy: Row = { ...row };
    for (const column of withheld) copy[column] = null;
    return { ...copy, suppressed: [...withheld] };
  });
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
