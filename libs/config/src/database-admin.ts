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

export const SERVICE_SCHEMAS = ['police', 'cps', 'courts', 'projection'] as const;
export type ServiceSchema = (typeof SERVICE_SCHEMAS)[number];

/** The login role each service connects as; it owns its schema and nothing else. */
export function serviceRole(service: ServiceSchema): string {
  return `hatecrime_${service}`;
}

/** The same database URL, connecting as another role (trust or peer auth locally; a password in production). */
export function urlAsRole(url: string, role: string, password?: string): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = password ?? '';
  return parsed.toString();
}

/**
 * One role per service, owning its schema: a service cannot read or write another agency's store.
 * `analytics` belongs to the projection; the `analyst` group role may read it and nothing else,
 * including views created later (default privileges). The `inspector` group role is a member of
 * `analyst` and may also call the projection's `inspection` functions, which log every read of
 * case-level data (the projection grants them when it publishes them); it reads no table or view
 * of `inspection` directly. Roles are cluster-wide, so this is idempotent and may run for several
 * databases. Run as a superuser or a role with CREATEROLE.
 */
export function setUpServiceRoles(url: string): Promise<void> {
  return withDatabaseClient(url, async (client, database) => {
    const createRole = async (role: string, login: boolean) => {
      const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (!exists.rowCount) await client.query(`CREATE ROLE "${role}" ${login ? 'LOGIN' : 'NOLOGIN'}`);
    };
    for (const service of SERVICE_SCHEMAS) {
      const role = serviceRole(service);
      await createRole(role, true);
      await client.query(`GRANT CONNECT ON DATABASE "${database}" TO "${role}"`);
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${service}" AUTHORIZATION "${role}"`);
      await client.query(`ALTER SCHEMA "${service}" OWNER TO "${role}"`);
    }
    const projection = serviceRole('projection');
    // The projection rebuilds a new version of its read models into a schema of its own (projection_vN).
    await client.query(`GRANT CREATE ON DATABASE "${database}" TO "${projection}"`);
    await client.query(`CREATE SCHEMA IF NOT EXISTS analytics AUTHORIZATION "${projection}"`);
    await client.query(`ALTER SCHEMA analytics OWNER TO "${projection}"`);
    await createRole('analyst', false);
    await client.query(`REVOKE ALL ON SCHEMA public FROM PUBLIC`);
    await client.query(`GRANT CONNECT ON DATABASE "${database}" TO analyst`);
    await client.query(`GRANT USAGE ON SCHEMA analytics TO analyst`);
    await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO analyst`);
    await client.query(`ALTER DEFAULT PRIVILEGES FOR ROLE "${projection}" IN SCHEMA analytics GRANT SELECT ON TABLES TO analyst`);
    await createRole('inspector', false);
    await client.query(`GRANT CONNECT ON DATABASE "${database}" TO inspector`);
    // Only when missing: several databases set up side by side would update the same catalog row.
    const comment = 'Inspectors: the analytics views, and case-level data through the inspection functions, each read logged. Grant it to a login role.';
    const inspector = await client.query(
      `SELECT pg_has_role('inspector', 'analyst', 'MEMBER') AS member, obj_description(oid, 'pg_authid') AS comment FROM pg_roles WHERE rolname = 'inspector'`,
    );
    if (!inspector.rows[0].member) await client.query(`GRANT analyst TO inspector`);
    if (inspector.rows[0].comment !== comment) await client.query(`COMMENT ON ROLE inspector IS '${comment}'`);
  });
}

async function withDatabaseClient<T>(url: string, work: (client: Client, database: string) => Promise<T>): Promise<T> {
  const { database } = splitDatabaseUrl(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client, database);
  } finally {
    await client.end();
  }
}
