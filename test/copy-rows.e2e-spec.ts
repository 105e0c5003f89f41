import { DataSource } from 'typeorm';
import { openDatabase } from '@hc/event-store';
import { copyRows, type CopyColumn } from '../services/projection/src/consumer/copy-rows';

/**
 * COPY inside a transaction, on the real PostgreSQL: a value the database refuses fails the copy
 * (and so the transaction) with the database's reason instead of leaving the promise unsettled
 * and the session idle in an aborted transaction holding its locks.
 */
describe('copyRows', () => {
  let database: DataSource;
  interface Row { readonly id: number; readonly at: string; readonly note: string }
  const columns: CopyColumn<Row>[] = [
    { name: 'id', value: (row) => row.id },
    { name: 'at', value: (row) => row.at },
    { name: 'note', value: (row) => row.note },
  ];

  beforeAll(async () => {
    database = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, extra: { max: 2 } });
    await database.initialize();
    await database.query(`CREATE TABLE IF NOT EXISTS copied (id integer PRIMARY KEY, at timestamptz NOT NULL, note text NOT NULL)`);
  });

  afterAll(async () => {
    await database?.destroy();
  });

  it('copies rows, escaping the separators of the text format', async () => {
    await database.transaction((manager) => copyRows(manager, 'copied', columns, [{ id: 1, at: '2024-05-01T10:00:00Z', note: 'tab\there\nand \\ a line' }]));
    expect(await database.query(`SELECT id, note FROM copied WHERE id = 1`)).toEqual([{ id: 1, note: 'tab\there\nand \\ a line' }]);
  });

  it.each([
    ['a time offset PostgreSQL cannot store', { id: 2, at: '2024-05-01T10:00:00+23:59', note: 'x' }, /time zone displacement out of range/],
    ['a NUL in text', { id: 3, at: '2024-05-01T10:00:00Z', note: 'a\u0000b' }, /0x00|null character/i],
    ['a duplicate key', { id: 1, at: '2024-05-01T10:00:00Z', note: 'again' }, /duplicate key/],
  ])('fails the transaction with the database reason for %s, and the connection serves the next query', async (_what, row, reason) => {
    const attempt = database.transaction((manager) => copyRows(manager, 'copied', columns, [row]));
    const outcome = await Promise.race([
      attempt.then(() => 'committed', (error: Error) => error.message),
      new Promise<string>((resolve) => setTimeout(() => resolve('never settled'), 5000)),
    ]);
    expect(outcome).toMatch(reason);
    expect(await database.query(`SELECT count(*)::int AS n FROM copied`)).toEqual([{ n: 1 }]);
    const [{ idle }] = await database.query(`SELECT count(*)::int AS idle FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction (aborted)'`);
    expect(idle).toBe(0);
  });
});

describe('a failed statement in the log', () => {
  it('names the statement and the reason, never its parameters nor the value the database quotes', async () => {
    const database = await openDatabase({ url: process.env.DATABASE_URL!, schema: 'logged', migrations: [], poolSize: 1 });
    const logged: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    try {
      await expect(database.query(`SELECT $1::integer AS n`, ['Amira Haddad, 4 Canal Street'])).rejects.toThrow();
    } finally {
      spy.mockRestore();
      await database.destroy();
    }
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^query failed: invalid input syntax for type integer: "…" \(SQLSTATE 22P02\); statement: SELECT \$1::integer AS n$/);
    expect(logged.join()).not.toMatch(/Amira|Canal/);
  });
});
