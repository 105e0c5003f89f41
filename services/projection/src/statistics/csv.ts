/** Marks a withheld cell in CSV output, as the ONS does. */
export const SUPPRESSED_MARK = '[c]';

/**
 * RFC 4180 CSV of flat rows: one header line, CRLF line ends, fields quoted when they hold a comma,
 * quote or line break. Arrays are joined with `;`, times are ISO 8601, and a text field that a
 * spreadsheet would run as a formula (=, +, -, @) is prefixed with `'`.
 */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>, columns?: readonly string[]): string {
  const header = columns ?? (rows.length > 0 ? Object.keys(rows[0]!).filter((key) => key !== 'suppressed') : []);
  const lines = [header.map(field).join(',')];
  for (const row of rows) {
    const suppressed = new Set(Array.isArray(row.suppressed) ? (row.suppressed as string[]) : []);
    lines.push(header.map((column) => (suppressed.has(column) ? SUPPRESSED_MARK : field(row[column]))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return field(value.map((item) => (typeof item === 'object' ? JSON.stringify(item) : String(item))).join(';'));
  if (typeof value === 'object') return field(JSON.stringify(value));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
