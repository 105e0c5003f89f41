import { DataSource, type Logger as TypeOrmLogger, type MigrationInterface } from 'typeorm';

export interface DatabaseOptions {
  readonly url: string;
  /** The service's own schema; its migrations table lives there too. */
  readonly schema: string;
  readonly migrations: ReadonlyArray<new () => MigrationInterface>;
  readonly poolSize?: number;
}

/** Opens the service's connection pool and brings its schema up to date with its migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    migrations: [...options.migrations],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Failed statements are logged without their parameters, which may hold personal details.
    logger: new StatementErrorLogger(),
    extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 10000 },
  });
  await dataSource.initialize();
  try {
    // The migrations table lives in the service's schema, so the schema must exist before they run.
    // Where the service connects as its own role, the schema was made for it (db:setup --roles) and
    // the role may not create schemas, so only create one that is missing.
    const existing: unknown[] = await dataSource.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [options.schema]);
    if (existing.length === 0) await dataSource.query(`CREATE SCHEMA "${options.schema}"`);
    await dataSource.runMigrations();
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/**
 * TypeORM's own logger prints a failed statement with its parameters (a name, an address, a free
 * text). This one logs the statement and the database's reason, never the parameters.
 */
class StatementErrorLogger implements TypeOrmLogger {
  logQueryError(error: string | Error, query: string): void {
    const message = typeof error === 'string' ? error : error.message;
    const code = typeof error === 'string' ? undefined : (error as { code?: string }).code;
    // PostgreSQL quotes the value it refused in its message ('invalid input syntax for type integer: "…"').
    const reason = `${message.replace(/"[^"]*"/g, '"…"')}${code ? ` (SQLSTATE ${code})` : ''}`;
    console.error(`query failed: ${reason}; statement: ${query.replace(/\s+/g, ' ').trim().slice(0, 500)}`);
  }
  logQuery(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') console.warn(String(message));
  }
}
