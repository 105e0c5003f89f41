import type { PhaseFigures } from './reconcile';

export interface FaultRow {
  readonly fault: string;
  /** Undefined for the row of the steady load without a fault. */
  readonly injected: number | undefined;
  readonly figures: PhaseFigures;
  /** Longest time, in seconds, from the end of an injection to the pipeline serving and publishing again. */
  readonly recoverySeconds: number | undefined;
}

/** The table the run ends with: one row per fault, then the total. */
export function faultTable(rows: readonly FaultRow[]): string {
  const total = rows.reduce(
    (sum, row) => ({
      sent: sum.sent + row.figures.sent,
      reconciled: sum.reconciled + row.figures.reconciled,
      lost: sum.lost + row.figures.lost,
      duplicated: sum.duplicated + row.figures.duplicated,
      redelivered: sum.redelivered + row.figures.redelivered,
    }),
    { sent: 0, reconciled: 0, lost: 0, duplicated: 0, redelivered: 0 },
  );
  const header = ['fault', 'injected', 'events sent (accepted)', 'reconciled', 'lost', 'duplicated', 'Kafka redeliveries', 'recovery s'];
  const cells = [
    ...rows.map((row) => [
      row.fault,
      row.injected === undefined ? '-' : String(row.injected),
      String(row.figures.sent),
      String(row.figures.reconciled),
      String(row.figures.lost),
      String(row.figures.duplicated),
      String(row.figures.redelivered),
      row.recoverySeconds === undefined ? '-' : row.recoverySeconds.toFixed(1),
    ]),
    ['all', String(rows.reduce((sum, row) => sum + (row.injected ?? 0), 0)), String(total.sent), String(total.reconciled), String(total.lost), String(total.duplicated), String(total.redelivered), '-'],
  ];
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i]!.length)));
  const line = (values: readonly string[]) =>
    values.map((value, i) => (i === 0 ? value.padEnd(widths[i]!) : value.padStart(widths[i]!))).join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...cells.slice(0, -1).map(line), rule, line(cells[cells.length - 1]!)].join('\n');
}
