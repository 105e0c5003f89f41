import { DataSource } from 'typeorm';
import { environment } from '@hc/config';
import { issueApiKey, revokeApiKey, ROLES, type Role } from '@hc/service-kit';

/**
 * Issues, lists and revokes API keys in a service's store (the service must have started once, so
 * its schema exists). The secret is printed once and stored only as a hash.
 *
 *   npm run api-keys -- issue --service police --role police --principal "Greater Manchester Police" --scope 06
 *   npm run api-keys -- issue --service cps --role cps --principal "CPS London North" --scope "London North"
 *   npm run api-keys -- issue --service projection --role analyst --principal "Home Office statistician"
 *   npm run api-keys -- list --service police
 *   npm run api-keys -- revoke --service police <keyId>
 */
const SERVICES = ['police', 'cps', 'courts', 'projection'] as const;

function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : undefined;
}

async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  const service = option(rest, 'service') as (typeof SERVICES)[number] | undefined;
  if (!service || !SERVICES.includes(service)) throw new Error(`--service must be one of ${SERVICES.join(', ')}`);
  const dataSource = await new DataSource({ type: 'postgres', url: environment().DATABASE_URL }).initialize();
  try {
    switch (command) {
      case 'issue': {
        const role = option(rest, 'role') as Role | undefined;
        const principal = option(rest, 'principal');
        if (!role || !ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
        if (!principal) throw new Error('--principal names who the key is for');
        const scope = option(rest, 'scope') ?? '*';
        const { keyId, apiKey } = await issueApiKey(dataSource, service, { principal, role, scope });
        console.log(`key ${keyId} for ${principal} (${role}, scope ${scope}) on ${service}:\n${apiKey}\nIt is shown once; store it in the calling system's secrets.`);
        return;
      }
      case 'list': {
        const rows = await dataSource.query(`SELECT key_id, principal, role, scope, created_at, revoked_at FROM "${service}".api_keys ORDER BY created_at`);
        console.table(rows);
        return;
      }
      case 'revoke': {
        const keyId = rest.find((arg, i) => !arg.startsWith('--') && !rest[i - 1]?.startsWith('--'));
        if (!keyId) throw new Error('name the key id to revoke');
        console.log((await revokeApiKey(dataSource, service, keyId)) ? `revoked ${keyId}` : `no active key ${keyId}`);
        return;
      }
      default:
        throw new Error('usage: api-keys issue|list|revoke --service NAME ...');
    }
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`api-keys: ${(error as Error).message}`);
  process.exit(1);
});
