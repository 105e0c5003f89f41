import { Client } from 'pg';

/** The database name in a postgres:// URL, and the same URL pointed at the `postgres` maintenance database. */
export function splitDatabaseUrl(url: string): { database: string; maintenanceUrl: string } {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error(`database name "${database}" in DATABASE_URL must be letters, digits and _`);
  parsed.pathname = '/postgres';
  return { database, maintenanceUrl: parsed.toString() };
}

async function withMaintenanceClient<T>(url: string, work: (client: Client, database: string) => Promise<T>): Promise<T> {
  const { database, maintenanceUrl } = splitDatabaseUrl(url);
  const client = new Client({ connectionString: maintenanceUrl });
  await client.connect();
  try {
    return await work(client, database);
  } finally {
    await client.end();
  }
}

/** Creates the database named in the URL if it does not exist. Services then apply their own migrations. */
export function ensureDatabase(url: string): Promise<boolean> {
  return withMaintenanceClient(url, async (client, database) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount) return false;
    await client.query(`CREATE DATABASE "${database}"`);
    return true;
  });
}

export function dropDatabase(url: string): Promise<void> {
  return withMaintenanceClient(url, async (client, database) => {
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });
}
