import { basename } from 'node:path';
import type { EnvironmentContext, JestEnvironmentConfig } from '@jest/environment';
import { TestEnvironment } from 'jest-environment-node';
import { dropDatabase, ensureDatabase, serviceRole, SERVICE_SCHEMAS, setUpServiceRoles, urlAsRole } from '../../libs/config/src/database-admin';
import { topicNames } from '../../libs/contracts/src/topics';
import { deleteTopics, parseBrokers } from '../../libs/kafka/src';

const UNLIMITED = { RATE_LIMIT_REQUESTS: '1000000000', RATE_LIMIT_BULK_REQUESTS: '1000000000', RATE_LIMIT_VERIFICATION_REQUESTS: '1000000000' };

/** The docblock `@environment NAME=value NAME=value` (repeatable) of a file that needs its own settings. */
function settingsOf(pragma: string | string[] | undefined): Record<string, string> {
  const words = [pragma ?? []].flat().flatMap((line) => line.split(/\s+/)).filter(Boolean);
  return Object.fromEntries(
    words.map((word) => {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(word);
      if (!match) throw new Error(`@environment takes NAME=value settings, not ${word}`);
      return [match[1]!, match[2]!];
    }),
  );
}

/**
 * Each integration test file gets its own database and topic prefix, derived from the run's (set
 * by global setup) and the file name, so files running in parallel never count each other's cases.
 * The environment is set before the test file is loaded, because Nest binds topic names when the
 * consumer classes are declared.
 */
export default class IsolatedEnvironment extends TestEnvironment {
  private readonly databaseUrl: string;
  private readonly topicPrefix: string;
  private readonly perServiceRoles: boolean;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    const slug = basename(context.testPath).replace(/\.e2e-spec\.ts$/, '').replace(/[^A-Za-z0-9]+/g, '_').toLowerCase();
    const runUrl = new URL(process.env.DATABASE_URL!);
    runUrl.pathname = `${runUrl.pathname}_${slug}`.slice(0, 63);
    this.databaseUrl = runUrl.toString();
    this.topicPrefix = `${process.env.KAFKA_TOPIC_PREFIX}${slug}.`;
    // Access control is tested by the files that ask for it (docblock `@api-auth required`);
    // the others are about other behaviour and call the services without keys.
    this.perServiceRoles = context.docblockPragmas['database-roles'] === 'per-service';
    const apiAuth = context.docblockPragmas['api-auth'] === 'required' ? 'required' : 'disabled';
    this.global.process.env = {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      API_AUTH: apiAuth,
      // Tests send commands as fast as they can: only the files about rate limits set limits that bite.
      ...UNLIMITED,
      ...settingsOf(context.docblockPragmas['environment']),
    };
  }

  override async setup(): Promise<void> {
    await super.setup();
    await ensureDatabase(this.databaseUrl);
    // Files with the docblock `@database-roles per-service` run each service as its own role.
    if (this.perServiceRoles) {
      await setUpServiceRoles(this.databaseUrl);
      for (const service of SERVICE_SCHEMAS) {
        this.global.process.env[`${service.toUpperCase()}_DATABASE_URL`] = urlAsRole(this.databaseUrl, serviceRole(service));
      }
    }
  }

  override async teardown(): Promise<void> {
    const brokers = parseBrokers(process.env.KAFKA_BROKERS!);
    await deleteTopics({ brokers, clientId: 'hatecrime-tests' }, Object.values(topicNames(this.topicPrefix))).catch(() => undefined);
    await dropDatabase(this.databaseUrl).catch(() => undefined);
    await super.teardown();
  }
}
