import { suppressCells, type AdditiveConstraint } from './cell-suppression';
import { pauses, type Pause } from './pause';
import { additiveGroups, TOTAL, type PublicRow, type Row, type TableSpec } from './public-table';

/**
 * Disclosure control of every public table together, as one release: one suppression pattern over
 * all their cells, with the equalities that tie one table's cells to another's (the funnel's
 * `charged` is the outcome rates' `charges`; a funnel stage is the count behind a timeliness
 * interval). A count withheld in one table is then withheld wherever else it appears, and no chain
 * of subtractions across slices, years or tables gives it back.
 */
export interface ReleaseTable {
  readonly name: string;
  readonly rows: readonly Row[];
  readonly spec: TableSpec;
}

/** A column of one table. */
export interface TableColumn {
  readonly table: string;
  readonly column: string;
}

/**
 * Two columns, of two tables or of one, that hold the same count for the same slice: rows are
 * matched on the slice columns the two tables share, and a table's own extra slice columns must be
 * at their total (`all`). A link that holds only most of the time costs extra suppression, never
 * a disclosure, so a count that usually equals another is linked to it.
 */
export interface ReleaseLink {
  readonly same: readonly [TableColumn, TableColumn];
}

/** Every slice column of a table (the columns whose values name a row). */
export function sliceColumns(spec: TableSpec): string[] {
  return [...(spec.fixed ?? []), ...spec.dimensions, ...(spec.hierarchy ?? [])];
}

/** A release's cells: one number per (table, row, count column), plus the hidden differences. */
export class ReleaseCells {
  readonly values: number[] = [];
  readonly hidden = new Set<number>();
  readonly constraints: AdditiveConstraint[] = [];
  private readonly index = new Map<string, number>();

  constructor(readonly tables: readonly ReleaseTable[]) {
    for (const table of tables) {
      table.rows.forEach((row, r) => {
        for (const column of table.spec.counts) {
          this.index.set(key(table.name, r, column), this.values.length);
          this.values.push(Number(row[column] ?? 0));
        }
      });
    }
  }

  at(table: string, row: number, column: string): number {
    const cell = this.index.get(key(table, row, column));
    if (cell === undefined) throw new Error(`no cell ${table}[${row}].${column}`);
    return cell;
  }

  /** A cell that is never published (a difference between two published counts). */
  addHidden(value: number): number {
    const cell = this.values.length;
    this.values.push(value);
    this.hidden.add(cell);
    return cell;
  }

  private readonly matched = new Map<string, Array<readonly [number, number]>>();

  /** The pairs of row indexes (one in each table) that a link matches. */
  matchedRows(a: ReleaseTable, b: ReleaseTable): Array<readonly [number, number]> {
    const pair = `${a.name}\u0000${b.name}`;
    let pairs = this.matched.get(pair);
    if (!pairs) this.matched.set(pair, (pairs = this.match(a, b)));
    return pairs;
  }

  private match(a: ReleaseTable, b: ReleaseTable): Array<readonly [number, number]> {
    const shared = sliceColumns(a.spec).filter((column) => sliceColumns(b.spec).includes(column));
    const atTotal = (table: ReleaseTable) => sliceColumns(table.spec).filter((column) => !shared.includes(column));
    const sliceOf = (row: Row) => shared.map((column) => String(row[column] ?? '')).join('\u0000');
    const rowsOf = (table: ReleaseTable) => {
      const extra = atTotal(table);
      const bySlice = new Map<string, number[]>();
      table.rows.forEach((row, r) => {
        if (extra.some((column) => row[column] !== TOTAL)) return;
        const slice = sliceOf(row);
        bySlice.set(slice, [...(bySlice.get(slice) ?? []), r]);
      });
      return bySlice;
    };
    const fromB = rowsOf(b);
    const pairs: Array<readonly [number, number]> = [];
    for (const [slice, rows] of rowsOf(a)) {
      for (const r of rows) for (const s of fromB.get(slice) ?? []) if (a !== b || r !== s) pairs.push([r, s]);
    }
    return pairs;
  }
}

const key = (table: string, row: number, column: string) => `${table}\u0000${row}\u0000${column}`;

/** The equations of one table: its slices' totals, the counts nested in others, equal and partitioned counts. */
export function tableConstraints(cells: ReleaseCells, table: ReleaseTable): void {
  const { name, rows, spec } = table;
  const groups = additiveGroups(rows, spec);
  for (const column of spec.counts) {
    for (const group of groups) {
      cells.constraints.push({ total: cells.at(name, group.total, column), members: group.members.map((member) => cells.at(name, member, column)) });
    }
  }
  rows.forEach((row, r) => {
    for (const [outer, inner] of spec.nested ?? []) {
      const difference = cells.addHidden(Number(row[outer] ?? 0) - Number(row[inner] ?? 0));
      cells.constraints.push({ total: cells.at(name, r, outer), members: [cells.at(name, r, inner), difference] });
    }
    for (const [a, b] of spec.equal ?? []) cells.constraints.push({ total: cells.at(name, r, a), members: [cells.at(name, r, b)] });
    for (const { total, parts } of spec.partitions ?? []) {
      cells.constraints.push({ total: cells.at(name, r, total), members: parts.map((part) => cells.at(name, r, part)) });
    }
  });
}

/**
 * The cells and equations of a release: each table's own, the links between tables, and every
 * equation a reader could guess because it holds in every slice of these figures (a count equal
 * to another, a count the sum of two others of its row: every crime of a closed year may have its
 * police outcome, every case its suspect). Protecting against those too costs little and leaves a
 * reader nothing to learn from a relation that happens to hold.
 */
export async function releaseCells(tables: readonly ReleaseTable[], links: readonly ReleaseLink[], pause: Pause = pauses()): Promise<ReleaseCells> {
  const cells = new ReleaseCells(tables);
  for (const table of tables) {
    tableConstraints(cells, table);
    await pause();
    await rowSums(cells, table, pause);
  }
  const byName = new Map(tables.map((table) => [table.name, table]));
  for (const { same: [a, b] } of [...links, ...(await equalColumns(cells, tables, pause))]) {
    const first = byName.get(a.table);
    const second = byName.get(b.table);
    if (!first || !second) continue; // a link to a table the release does not hold
    for (const [r, s] of cells.matchedRows(first, second)) {
      cells.constraints.push({ total: cells.at(a.table, r, a.column), members: [cells.at(b.table, s, b.column)] });
    }
  }
  return cells;
}

/** Every pair of count columns (of one table or two) equal in every slice the two share, and not all zero. */
async function equalColumns(cells: ReleaseCells, tables: readonly ReleaseTable[], pause: Pause): Promise<ReleaseLink[]> {
  const columns = tables.flatMap((table) => table.spec.counts.map((column) => ({ table, column })));
  const links: ReleaseLink[] = [];
  for (const [i, a] of columns.entries()) {
    for (const b of columns.slice(i + 1)) {
      await pause();
      const pairs = cells.matchedRows(a.table, b.table);
      const value = (table: ReleaseTable, row: number, column: string) => cells.values[cells.at(table.name, row, column)]!;
      if (pairs.length === 0 || pairs.every(([r]) => value(a.table, r, a.column) === 0)) continue;
      if (pairs.every(([r, s]) => value(a.table, r, a.column) === value(b.table, s, b.column))) {
        links.push({ same: [{ table: a.table.name, column: a.column }, { table: b.table.name, column: b.column }] });
      }
    }
  }
  return links;
}

/** Every count of a table that is the sum of two others of its row in every row (two of them not all zero). */
async function rowSums(cells: ReleaseCells, table: ReleaseTable, pause: Pause): Promise<void> {
  const { name, rows, spec } = table;
  const value = (row: number, column: string) => cells.values[cells.at(name, row, column)]!;
  for (const total of spec.counts) {
    for (const [i, first] of spec.counts.entries()) {
      for (const second of spec.counts.slice(i + 1)) {
        await pause();
        if (first === total || second === total) continue;
        if (!rows.every((_, r) => value(r, total) === value(r, first) + value(r, second))) continue;
        if (rows.every((_, r) => value(r, first) === 0 || value(r, second) === 0)) continue; // a copy of one of them: an equal column
        rows.forEach((_, r) => cells.constraints.push({ total: cells.at(name, r, total), members: [cells.at(name, r, first), cells.at(name, r, second)] }));
      }
    }
  }
}

/** Every table of the release with its withheld cells set to null and named in `suppressed`. */
export async function publicRelease(
  tables: readonly ReleaseTable[],
  links: readonly ReleaseLink[],
  threshold: number,
  pause: Pause = pauses(),
): Promise<Map<string, PublicRow[]>> {
  const cells = await releaseCells(tables, links, pause);
  const { suppressed, unprotected } = await suppressCells(cells.values, cells.constraints, { threshold, hidden: cells.hidden }, pause);
  if (unprotected.size > 0) {
    // Never the case with the equations tables make; if it were, publishing nothing is the safe answer.
    throw new Error(`disclosure control could not protect ${unprotected.size} cells of the release: nothing is published`);
  }
  return new Map(
    tables.map((table) => [
      table.name,
      table.rows.map((row, r) => withheldRow(row, table.spec, threshold, (column) => suppressed.has(cells.at(table.name, r, column)))),
    ]),
  );
}

/** A row with its withheld counts, and every figure computed from them or from a small group, set to null. */
function withheldRow(row: Row, spec: TableSpec, threshold: number, isSuppressed: (column: string) => boolean): PublicRow {
  const withheld = new Set(spec.counts.filter(isSuppressed));
  for (const { column, from } of spec.derived ?? []) if (from.some((source) => withheld.has(source))) withheld.add(column);
  for (const { columns, count } of spec.perGroup ?? []) {
    const n = Number(row[count] ?? 0);
    if (withheld.has(count) || (n > 0 && n < threshold)) for (const column of columns) withheld.add(column);
  }
  const copy: Row = { ...row };
  for (const column of withheld) copy[column] = null;
  return { ...copy, suppressed: [...withheld] };
}

/** One table released on its own (a release of one table, with no links). */
export async function publicTable(rows: readonly Row[], spec: TableSpec, threshold: number): Promise<PublicRow[]> {
  return (await publicRelease([{ name: 'table', rows, spec }], [], threshold)).get('table')!;
}
