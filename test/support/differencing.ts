import { ReleaseCells, type ReleaseTable } from '../../services/projection/src/disclosure/public-release';
import { additiveGroups, type Row } from '../../services/projection/src/disclosure/public-table';
import { EchelonSystem, mod } from '../../services/projection/src/disclosure/linear-audit';

/**
 * A reader who tries to recover withheld counts from published ones, as strongly as linear algebra
 * allows: every equation between published and withheld cells that holds in the data (slice
 * totals, a count equal to another count of any table for the same slice, a count that is the sum
 * of two others in its row) is solved together, not one at a time. The reader is given more than a
 * real one has: the equations are found by looking at the exact figures, so an equation that holds
 * by coincidence is used too.
 *
 * A withheld count is recovered when the equations fix its value; so is a small difference between
 * two nested counts (3 people charged and not convicted) when they fix the difference.
 */
export interface AttackedTable {
  readonly table: ReleaseTable;
  /** The published rows: a withheld cell is null. */
  readonly published: readonly Row[];
}

export interface Recovery {
  readonly table: string;
  readonly row: Row;
  readonly column: string;
  readonly value: number;
}

export const EQUATIONS: Array<{ terms: ReadonlyArray<readonly [number, number]>; row: Map<number, number> }> = [];
export let WHERE: Array<{ table: string; row: number; column: string }> = [];
export function recoverWithheld(tables: readonly AttackedTable[], threshold: number): Recovery[] {
  const cells = new ReleaseCells(tables.map(({ table }) => table));
  const unknown = new Map<number, number>(); // cell -> unknown's index
  const where: Array<{ table: string; row: number; column: string }> = [];
  for (const { table, published } of tables) {
    published.forEach((row, r) => {
      for (const column of table.spec.counts) {
        if (row[column] === null) {
          unknown.set(cells.at(table.name, r, column), unknown.size);
          where.push({ table: table.name, row: r, column });
        }
      }
    });
  }

  const system = new EchelonSystem();
  /** Adds sum(coefficient * cell) = constant when it holds in the exact figures and involves a withheld cell. */
  const equation = (terms: ReadonlyArray<readonly [number, number]>) => {
    if (terms.reduce((sum, [cell, coefficient]) => sum + coefficient * cells.values[cell]!, 0) !== 0) return false;
    const row = new Map<number, number>();
    for (const [cell, coefficient] of terms) {
      const index = unknown.get(cell);
      if (index !== undefined) row.set(index, mod((row.get(index) ?? 0) + coefficient));
    }
    system.add(row);
    EQUATIONS.push({ terms, row });
    return true;
  };

  // Slice totals (where the slice really adds up: strands do not when a case has two).
  for (const { table } of tables) {
    const groups = additiveGroups(table.rows, table.spec);
    for (const column of table.spec.counts) {
      for (const group of groups) {
        equation([[cells.at(table.name, group.total, column), 1], ...group.members.map((member) => [cells.at(table.name, member, column), -1] as const)]);
      }
    }
  }
  // A column equal to another for the same slice, in every slice (of one table or two).
  const columns = tables.flatMap(({ table }) => table.spec.counts.map((column) => ({ table, column })));
  for (const a of columns) {
    for (const b of columns) {
      if (a.table.name > b.table.name || (a.table === b.table && a.column >= b.column)) continue;
      const pairs = cells.matchedRows(a.table, b.table);
      const holds = pairs.length > 0 && pairs.every(([r, s]) => cells.values[cells.at(a.table.name, r, a.column)] === cells.values[cells.at(b.table.name, s, b.column)]);
      const nonZero = pairs.some(([r]) => cells.values[cells.at(a.table.name, r, a.column)] !== 0);
      if (!holds || !nonZero) continue;
      for (const [r, s] of pairs) equation([[cells.at(a.table.name, r, a.column), 1], [cells.at(b.table.name, s, b.column), -1]]);
    }
  }
  // A column that is the sum of two others of its row, in every row.
  for (const { table } of tables) {
    const counts = table.spec.counts;
    for (const total of counts) {
      for (const first of counts) {
        for (const second of counts) {
          if (first >= second || first === total || second === total) continue;
          const value = (r: number, column: string) => cells.values[cells.at(table.name, r, column)]!;
          const rows = table.rows.map((_, r) => r);
          if (!rows.every((r) => value(r, total) === value(r, first) + value(r, second))) continue;
          if (rows.every((r) => value(r, first) === 0 || value(r, second) === 0)) continue; // a copy of one column, found above
          for (const r of rows) equation([[cells.at(table.name, r, total), 1], [cells.at(table.name, r, first), -1], [cells.at(table.name, r, second), -1]]);
        }
      }
    }
  }

  WHERE = where;
  const sensitive = (value: number) => value > 0 && value < threshold;
  const recovered: Recovery[] = [];
  unknown.forEach((index, cell) => {
    const value = cells.values[cell]!;
    if (sensitive(value) && system.determines(new Map([[index, 1]]))) {
      const { table, row, column } = where[index]!;
      recovered.push({ table, row: sliceOf(tables, table, row), column, value });
    }
  });
  for (const { table, published } of tables) {
    published.forEach((row, r) => {
      for (const [outer, inner] of table.spec.nested ?? []) {
        const difference = Number(table.rows[r]![outer]) - Number(table.rows[r]![inner]);
        if (!sensitive(difference)) continue;
        const vector = new Map<number, number>();
        const known = (column: string) => row[column] !== null;
        if (!known(outer)) vector.set(unknown.get(cells.at(table.name, r, outer))!, 1);
        if (!known(inner)) vector.set(unknown.get(cells.at(table.name, r, inner))!, mod(-1));
        if (vector.size === 0 || system.determines(vector)) {
          recovered.push({ table: table.name, row: sliceOf(tables, table.name, r), column: `${outer} - ${inner}`, value: difference });
        }
      }
    });
  }
  return recovered;
}

function sliceOf(tables: readonly AttackedTable[], name: string, r: number): Row {
  const { table } = tables.find((item) => item.table.name === name)!;
  const row = table.rows[r]!;
  return Object.fromEntries(Object.keys(row).filter((column) => !table.spec.counts.includes(column) && typeof row[column] === 'string').map((column) => [column, row[column]]));
}

