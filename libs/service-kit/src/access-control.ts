import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiForbiddenResponse, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { environment } from '@hc/config';
import { FORCES } from '@hc/contracts';

/**
 * Who may call what. Every caller presents an API key (`Authorization: Bearer hc_<id>.<secret>`).
 * Keys are issued per service and stored as a SHA-256 hash of the secret (the secret is 32 random
 * bytes, so a slow password hash adds nothing); the secret is shown once, at issue. A key carries a
 * role: the agency whose commands it may send (police, cps, courts), analyst (statistics) or
 * inspector (statistics and case-level data). A police key may be scoped to the force it acts
 * for, a CPS key to its CPS area; a scoped key sends commands for, and reads, only the cases of its
 * force or area.
 */
export const ROLES = ['police', 'cps', 'courts', 'analyst', 'inspector'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  readonly keyId: string;
  readonly name: string;
  readonly role: Role;
  /** A police key's two-digit force code, a CPS key's CPS area, or `*` for a national system. */
  readonly scope: string;
}

/** What a key of each service may be scoped to: the values a case carries that the scope is compared with. */
const SCOPES: Readonly<Record<string, { readonly what: string; readonly values: ReadonlySet<string> }>> = {
  police: { what: 'force', values: new Set(FORCES.keys()) },
  cps: { what: 'CPS area', values: new Set([...FORCES.values()].map((force) => force.cpsArea)) },
};

/** Why a scope cannot be given to a key of this service, or undefined if it can. */
export function scopeProblem(service: string, scope: string): string | undefined {
  if (scope === '*') return undefined;
  const scopes = SCOPES[service];
  if (!scopes) return `keys of the ${service} service are national (scope *)`;
  if (!scopes.values.has(scope)) return `${scope} is not a ${scopes.what}; one of: ${[...scopes.values].sort().join(', ')}`;
  return undefined;
}

/**
 * Refuses (403) a caller whose key is scoped to another force or area than the case's. A case
 * with no known force or area yet (nothing recorded) is left to the command's own checks.
 */
export function requireInScope(what: 'force' | 'CPS area', caseValue: string | undefined): void {
  const principal = currentPrincipal();
  if (!principal || principal.scope === '*' || caseValue === undefined) return;
  if (caseValue !== principal.scope) {
    throw new ForbiddenException(`the key of ${principal.name} acts for ${what} ${principal.scope}, not for ${what} ${caseValue}`);
  }
}

const ROLES_KEY = 'hatecrime:roles';
const PUBLIC_KEY = 'hatecrime:public';

/** The roles allowed on a controller or route; documents 401/403, and the rate limit every key has (rate-limits.ts), in OpenAPI. */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No API key, or an unknown or revoked one.' }),
    ApiForbiddenResponse({ description: `The key's role may not do this (allowed: ${roles.join(', ')}).` }),
    ApiTooManyRequestsResponse({
      description:
        'This API key sent more requests than its limit (RATE_LIMIT_REQUESTS in a window of RATE_LIMIT_WINDOW_SECONDS; docs/security.md): ' +
        'nothing was done; send the request again after `Retry-After` seconds. `code` is rate_limited.',
    }),
  );

/** A route anyone may call (health, documentation). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Each request runs in its own store (see `requestContext`); the guard puts the caller in it. */
const requests = new AsyncLocalStorage<{ principal?: Principal }>();

/** Express middleware: give the request a store that everything it calls can read. */
export function requestContext(_request: unknown, _response: unknown, next: () => void): void {
  requests.run({}, next);
}

/** The caller of the request being handled, where access control is on. */
export function currentPrincipal(): Principal | undefined {
  return requests.getStore()?.principal;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Kafka handlers are reached only through the broker, whose own ACLs decide who may write a topic.
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    if (environment().API_AUTH === 'disabled') return true;
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    if (!allowed) throw new ForbiddenException('this route has no access rule; refusing by default');

    const request = context.switchToHttp().getRequest<Request>();
    const match = /^Bearer (hc_[0-9a-f]{16}\.[A-Za-z0-9_-]{20,100})$/.exec(request.header('authorization') ?? '');
    if (!match) throw new UnauthorizedException('send your API key as Authorization: Bearer hc_<id>.<secret>');
    const row = await findApiKey(this.dataSource, match[1]!);
    if (!row) throw new UnauthorizedException('unknown or revoked API key');
    const keyId = row.keyId;
    if (!allowed.includes(row.role)) {
      // A refused read is an attempt at data the key may not see: the inspectors' log holds it too.
      if (request.method === 'GET') {
        const requested = request.params?.caseId;
        const caseId = typeof requested === 'string' && UUID.test(requested) ? requested : null;
        await this.dataSource.query(
          `INSERT INTO "${schemaOf(this.dataSource)}".access_log (actor, action, case_id) VALUES ($1, $2, $3)`,
          [`${row.role}:${row.principal} (${keyId})`, `refused-read ${request.route?.path ?? request.path}`, caseId],
        );
      }
      throw new ForbiddenException(`a ${row.role} key may not do this here (allowed: ${allowed.join(', ')})`);
    }
    const store = requests.getStore();
    if (store) store.principal = { keyId, name: row.principal, role: row.role, scope: row.scope };
    return true;
  }
}

/** An API key as presented: `hc_<16 hex id>.<secret>`. */
export const API_KEY_FORMAT = /^hc_([0-9a-f]{16})\.([A-Za-z0-9_-]{20,100})$/;

/** The key id of a presented key, when it has the format (to name it in a log without its secret). */
export function apiKeyIdOf(presented: string): string | undefined {
  return API_KEY_FORMAT.exec(presented)?.[1];
}

/**
 * The active key a caller presents (`hc_<id>.<secret>`), or undefined for a malformed, unknown or
 * revoked one: the one check behind the Bearer guard and the dashboard's sign-in. The secret's
 * hash is compared in constant time.
 */
export async function findApiKey(
  dataSource: DataSource,
  presented: string,
): Promise<{ keyId: string; principal: string; role: Role; scope: string } | undefined> {
  const match = API_KEY_FORMAT.exec(presented);
  if (!match) return undefined;
  const [, keyId, secret] = match as unknown as [string, string, string];
  const rows: Array<{ secret_hash: string; principal: string; role: Role; scope: string; revoked_at: Date | null }> =
    await dataSource.query(`SELECT secret_hash, principal, role, scope, revoked_at FROM "${schemaOf(dataSource)}".api_keys WHERE key_id = $1`, [keyId]);
  const row = rows[0];
  const presentedHash = Buffer.from(hashSecret(secret), 'hex');
  if (!row || row.revoked_at || !timingSafeEqual(presentedHash, Buffer.from(row.secret_hash, 'hex'))) return undefined;
  return { keyId, principal: row.principal, role: row.role, scope: row.scope };
}

/**
 * Makes `principal` the caller of the request being handled, as the Bearer guard does: for a
 * caller known another way (a dashboard session made from a key), so that the access log and the
 * rate limits name it the same way.
 */
export function actAs(principal: Principal): void {
  const store = requests.getStore();
  if (store) store.principal = principal;
}

function schemaOf(dataSource: DataSource): string {
  return (dataSource.options as { schema?: string }).schema ?? 'public';
}

/** Issues a key in a service's store; the returned secret is the only copy. */
export async function issueApiKey(
  dataSource: DataSource,
  schema: string,
  grant: { principal: string; role: Role; scope?: string },
): Promise<{ keyId: string; apiKey: string }> {
  const problem = scopeProblem(schema, grant.scope ?? '*');
  if (problem) throw new Error(`cannot issue this key: ${problem}`);
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await dataSource.query(
    `INSERT INTO "${schema}".api_keys (key_id, secret_hash, principal, role, scope) VALUES ($1, $2, $3, $4, $5)`,
    [keyId, hashSecret(secret), grant.principal, grant.role, grant.scope ?? '*'],
  );
  return { keyId, apiKey: `hc_${keyId}.${secret}` };
}

export async function revokeApiKey(dataSource: DataSource, schema: string, keyId: string): Promise<boolean> {
  const result: [unknown[], number] = await dataSource.query(
    `UPDATE "${schema}".api_keys SET revoked_at = now() WHERE key_id = $1 AND revoked_at IS NULL`,
    [keyId],
  );
  return result[1] > 0;
}

/** How the access log names the caller of the request being handled: `role:name (key id)`. */
export function accessLogActor(): string {
  const principal = currentPrincipal();
  return principal ? `${principal.role}:${principal.name} (${principal.keyId})` : 'unauthenticated';
}

/** Writes who read which case-level data; inspectors audit this log. */
@Injectable()
export class AccessLog {
  constructor(private readonly dataSource: DataSource) {}

  async record(action: string, caseId: string | null, personId: string | null = null): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO "${schemaOf(this.dataSource)}".access_log (actor, action, case_id, person_id) VALUES ($1, $2, $3, $4)`,
      [accessLogActor(), action, caseId, personId],
    );
  }
}

/** The API keys and access log of a service, in its own schema. */
export function accessControlMigration(schema: string, timestamp: number): new () => MigrationInterface {
  const name = `${schema[0]!.toUpperCase()}${schema.slice(1)}AccessControl${timestamp}`;
  const migration = class implements MigrationInterface {
    readonly name = name;

    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`
        CREATE TABLE "${schema}".api_keys (
          key_id      text PRIMARY KEY,
          secret_hash text NOT NULL,
          principal   text NOT NULL,
          role        text NOT NULL CHECK (role IN (${ROLES.map((role) => `'${role}'`).join(', ')})),
          scope       text NOT NULL DEFAULT '*',
          created_at  timestamptz NOT NULL DEFAULT now(),
          revoked_at  timestamptz
        )`);
      await queryRunner.query(`
        CREATE TABLE IF NOT EXISTS "${schema}".access_log (
          id        bigserial PRIMARY KEY,
          at        timestamptz NOT NULL DEFAULT now(),
          actor     text NOT NULL,
          action    text NOT NULL,
          case_id   uuid,
          person_id uuid
        )`);
    }

    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE "${schema}".api_keys`);
    }
  };
  Object.defineProperty(migration, 'name', { value: name });
  return migration;
}
