import type { EntityManager } from 'typeorm';

/**
 * Bulk insert with PostgreSQL's COPY FROM STDIN (text format), inside the caller's transaction.
 * COPY parses wide rows several times faster than json_populate_recordset, which matters when a
 * rebuild writes a row of ninety columns per defendant. It goes through node-postgres's
 * "submittable" query interface (the one pg-cursor and pg-copy-streams use), so no extra package.
 */
export interface CopyColumn<Row> {
  readonly name: string;
  readonly value: (row: Row) => unknown;
  /** jsonb columns take JSON; arrays otherwise become PostgreSQL array literals. */
  readonly json?: boolean;
}

interface PgConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * node-postgres drops a submittable as soon as the server reports an error (it never sees the
 * ReadyForQuery that follows), so an error settles the copy at once; otherwise it settles when the
 * server is ready for the next query. Either way exactly once.
 */
class CopyFromText {
  callback?: (error: Error | null) => void;
  private settled = false;

  constructor(
    private readonly text: string,
    private readonly data: string,
  ) {}

  submit(connection: PgConnection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: PgConnection): void {
    const buffer = Buffer.from(this.data, 'utf8');
    for (let start = 0; start < buffer.length; start += 1 << 16) connection.sendCopyFromChunk(buffer.subarray(start, start + (1 << 16)));
    connection.endCopyFrom();
  }

  handleError(error: Error): void {
    this.settle(error);
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  handleReadyForQuery(): void {
    this.settle(null);
  }

  private settle(error: Error | null): void {
    if (this.settled) return;
    this.settled = true;
    this.callback?.(error);
  }
}

export async function copyRows<Row>(manager: EntityManager, table: string, columns: readonly CopyColumn<Row>[], rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const lines: string[] = [];
  for (const row of rows) lines.push(columns.map((column) => field(column.value(row), column.json === true)).join('\t'));
  const client = (await manager.queryRunner!.connect()) as { query(submittable: CopyFromText): void };
  const copy = new CopyFromText(`COPY ${table} (${columns.map((column) => column.name).join(', ')}) FROM STDIN`, `${lines.join('\n')}\n`);
  await new Promise<void>((resolve, reject) => {
    copy.callback = (error) => (error ? reject(error) : resolve());
    client.query(copy);
  });
}

/** One field of COPY's text format: \N for null, backslash escapes for the separators. */
function field(value: unknown, json: boolean): string {
  if (value === null || value === undefined) return '\\N';
  let text: string;
  if (json) text = JSON.stringify(value);
  else if (Array.isArray(value)) text = `{${value.map((item) => `"${String(item).replace(/(["\\])/g, '\\$1')}"`).join(',')}}`;
  else if (typeof value === 'boolean') return value ? 't' : 'f';
  else if (typeof value === 'number') return String(value);
  else text = String(value);
  return /[\\\t\n\r]/.test(text) ? text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : text;
}
