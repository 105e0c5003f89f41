import { dropDatabase, ensureDatabase, environment, serviceRole, SERVICE_SCHEMAS, setUpServiceRoles, splitDatabaseUrl, urlAsRole } from '@hc/config';

/**
 * Prepares PostgreSQL: creates the database named in DATABASE_URL when it is missing
 * (`--fresh` drops it first; `--roles` gives each service its own login role owning its schema,
 * the analyst role read access to analytics only, and the inspector role the analytics views and
 * the logged inspection functions). Each service applies its own migrations
 * when it starts.
 */
async function main(): Promise<void> {
  const url = environment().DATABASE_URL;
  const { database } = splitDatabaseUrl(url);
  if (process.argv.includes('--fresh')) await dropDatabase(url);
  const created = await ensureDatabase(url);
  console.error(`postgres: database ${database} ${created ? 'created' : 'already exists'}`);
  if (process.argv.includes('--roles')) {
    await setUpServiceRoles(url);
    console.error(`postgres: roles ${SERVICE_SCHEMAS.map(serviceRole).join(', ')} own their schemas; analyst reads analytics only; inspector also calls the logged inspection functions`);
    // For `eval "$(... --roles --export-urls)"`: each service's connection as its own role.
    if (process.argv.includes('--export-urls')) {
      for (const service of SERVICE_SCHEMAS) console.log(`export ${service.toUpperCase()}_DATABASE_URL='${urlAsRole(url, serviceRole(service))}'`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(`postgres: ${(error as Error).message}`);
  process.exit(1);
});
