import { dropDatabase, ensureDatabase, environment, splitDatabaseUrl } from '@hc/config';

/**
 * Prepares PostgreSQL: creates the database named in DATABASE_URL when it is missing
 * (`--fresh` drops it first). Each service creates its own schema and applies its migrations
 * when it starts.
 */
async function main(): Promise<void> {
  const url = environment().DATABASE_URL;
  const { database } = splitDatabaseUrl(url);
  if (process.argv.includes('--fresh')) await dropDatabase(url);
  const created = await ensureDatabase(url);
  console.log(`postgres: database ${database} ${created ? 'created' : 'already exists'}`);
}

main().catch((error: unknown) => {
  console.error(`postgres: ${(error as Error).message}`);
  process.exit(1);
});
