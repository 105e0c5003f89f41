import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { topicNames, type TopicNames } from '@hc/contracts';

/**
 * The only place that reads the environment. Every setting has a default that works on a
 * development machine; a wrong value stops the process at start with a message naming it.
 */
const DEVELOPMENT_PERSONAL_DATA_KEY = 'ZGV2ZWxvcG1lbnQtb25seS1rZXktbm90LWZvci11c2U=';

export class EnvironmentVariables {
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/hatecrime';

  /**
   * Per-service connections, each as the service's own role (see infra db:setup --roles); when
   * unset, the service uses DATABASE_URL.
   */
  @IsOptional() @IsString() @Matches(/^postgres(ql)?:\/\//, { message: 'POLICE_DATABASE_URL must be a postgres:// URL' })
  POLICE_DATABASE_URL?: string;

  @IsOptional() @IsString() @Matches(/^postgres(ql)?:\/\//, { message: 'CPS_DATABASE_URL must be a postgres:// URL' })
  CPS_DATABASE_URL?: string;

  @IsOptional() @IsString() @Matches(/^postgres(ql)?:\/\//, { message: 'COURTS_DATABASE_URL must be a postgres:// URL' })
  COURTS_DATABASE_URL?: string;

  @IsOptional() @IsString() @Matches(/^postgres(ql)?:\/\//, { message: 'PROJECTION_DATABASE_URL must be a postgres:// URL' })
  PROJECTION_DATABASE_URL?: string;

  @IsString()
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, { message: 'KAFKA_BROKERS must be host:port[,host:port...]' })
  KAFKA_BROKERS: string = '127.0.0.1:9092';

  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/, { message: 'KAFKA_TOPIC_PREFIX may hold letters, digits, dot, dash and underscore only' })
  KAFKA_TOPIC_PREFIX: string = '';

  /** `scram-sha-512` where the broker authenticates clients (infra/kafka with KAFKA_SECURITY=sasl); `none` otherwise. */
  @IsIn(['none', 'scram-sha-512'])
  KAFKA_SASL_MECHANISM: 'none' | 'scram-sha-512' = 'none';

  /** This service's Kafka principal; by default the service's own name (police, cps, courts, projection). */
  @IsString()
  KAFKA_SASL_USERNAME: string = '';

  @IsString()
  KAFKA_SASL_PASSWORD: string = '';

  /**
   * Master key (32 bytes, base64) that wraps each person's data key. The default is for development
   * and tests only; the process refuses it when NODE_ENV=production.
   */
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'PERSONAL_DATA_KEY must be 32 bytes in base64' })
  PERSONAL_DATA_KEY: string = DEVELOPMENT_PERSONAL_DATA_KEY;

  @IsString()
  NODE_ENV: string = 'development';

  /** `required`: every call but health and docs needs an API key. `disabled` only for tests that are not about access. */
  @IsIn(['required', 'disabled'])
  API_AUTH: 'required' | 'disabled' = 'required';

  @IsInt() @Min(0) @Max(65535) POLICE_PORT: number = 3001;
  @IsInt() @Min(0) @Max(65535) CPS_PORT: number = 3002;
  @IsInt() @Min(0) @Max(65535) COURTS_PORT: number = 3003;
  @IsInt() @Min(0) @Max(65535) PROJECTION_PORT: number = 3004;

  /** How often an outbox relay looks for events it has not yet published, in milliseconds. */
  @IsInt() @Min(10) @Max(60000) OUTBOX_POLL_MS: number = 200;

  /**
   * Published statistics (`public=true`) withhold every count from 1 to DISCLOSURE_THRESHOLD - 1,
   * and whatever would give one away. One value for every public output, never chosen per request.
   */
  @IsInt() @Min(3) @Max(1000) DISCLOSURE_THRESHOLD: number = 10;

  /**
   * Rate limits per API key (per client IP for calls without one), each a number of requests in a
   * window of RATE_LIMIT_WINDOW_SECONDS, counted by each service process (docs/security.md).
   * RATE_LIMIT_REQUESTS applies to every route but /health; bulk extracts and the projection's
   * verification count against their own, stricter limit as well.
   */
  @IsInt() @Min(1) @Max(3600) RATE_LIMIT_WINDOW_SECONDS: number = 60;
  @IsInt() @Min(1) @Max(1_000_000_000) RATE_LIMIT_REQUESTS: number = 1200;
  @IsInt() @Min(1) @Max(1_000_000_000) RATE_LIMIT_BULK_REQUESTS: number = 20;
  @IsInt() @Min(1) @Max(1_000_000_000) RATE_LIMIT_VERIFICATION_REQUESTS: number = 6;

  /**
   * How many times a command is decided again when another command on the same case was recorded
   * first (each time on the new state); after the last, the caller gets 503 case_busy with Retry-After.
   */
  @IsInt() @Min(1) @Max(20) COMMAND_ATTEMPTS: number = 5;

  /** Least severe Nest log level printed: error, warn, log, debug or verbose. */
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';
}

export class ConfigurationError extends Error {}

/** SASL credentials of a service's Kafka principal, or undefined where the broker needs none. */
export function kafkaSasl(service: string): { mechanism: 'scram-sha-512'; username: string; password: string } | undefined {
  const config = environment();
  if (config.KAFKA_SASL_MECHANISM === 'none') return undefined;
  if (!config.KAFKA_SASL_PASSWORD) throw new ConfigurationError('KAFKA_SASL_PASSWORD is required when KAFKA_SASL_MECHANISM is set');
  return { mechanism: config.KAFKA_SASL_MECHANISM, username: config.KAFKA_SASL_USERNAME || service, password: config.KAFKA_SASL_PASSWORD };
}

export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''));
  const config = plainToInstance(EnvironmentVariables, defined, { enableImplicitConversion: true });
  const errors = validateSync(config, { skipMissingProperties: false });
  if (errors.length > 0) {
    const detail = errors
      .map((error) => `${error.property}=${JSON.stringify(error.value)}: ${Object.values(error.constraints ?? {}).join(', ')}`)
      .join('\n  ');
    throw new ConfigurationError(`Invalid configuration:\n  ${detail}`);
  }
  if (config.NODE_ENV === 'production' && config.API_AUTH !== 'required') {
    throw new ConfigurationError('Invalid configuration:\n  API_AUTH: access control cannot be disabled in production');
  }
  if (config.NODE_ENV === 'production' && config.PERSONAL_DATA_KEY === DEVELOPMENT_PERSONAL_DATA_KEY) {
    throw new ConfigurationError('Invalid configuration:\n  PERSONAL_DATA_KEY: set a key of your own in production');
  }
  return config;
}

let cached: EnvironmentVariables | undefined;

/** Configuration of this process, validated once. */
export function environment(): EnvironmentVariables {
  cached ??= validateEnvironment(process.env);
  return cached;
}

/**
 * Topic names are fixed for the life of a process: Nest binds `@EventPattern` handlers when the
 * class is declared, so they are read from the validated environment here, not per request.
 */
export function configuredTopics(): TopicNames {
  return topicNames(environment().KAFKA_TOPIC_PREFIX);
}

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;

/** The Nest log levels to print, from the configured least severe one. */
export function logLevels(): Array<(typeof LOG_LEVELS)[number]> {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(environment().LOG_LEVEL) + 1);
}

/** The connection of one service: its own URL (as its own role) where set, else DATABASE_URL. */
export function databaseUrlFor(service: 'police' | 'cps' | 'courts' | 'projection'): string {
  const config = environment();
  const own = { police: config.POLICE_DATABASE_URL, cps: config.CPS_DATABASE_URL, courts: config.COURTS_DATABASE_URL, projection: config.PROJECTION_DATABASE_URL }[service];
  return own ?? config.DATABASE_URL;
}
