import { HttpException, HttpStatus, Logger, UnsupportedMediaTypeException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { unstorableText } from '@hc/contracts';
import { DomainError } from '@hc/domain';
import { ConcurrencyError } from '@hc/event-store';
import { currentPrincipal } from './access-control';
import { CASE_BUSY_MESSAGE } from './domain-error.filter';
import { fingerprintOf, type IdempotencyRequest } from './idempotency';
import { flattenValidationErrors, type FieldError } from './validation';

/**
 * One command of a bulk extract. Each NDJSON line is one REST call: the command's name, the path
 * parameters it would have had, its body, and optionally an idempotency key, e.g.
 * {"command":"IdentifySuspect","params":{"caseId":"..."},"body":{},"idempotencyKey":"nightly-2024-05-01-17"}
 */
export interface BulkCommandSpec {
  /** Class-validator DTO of the body, as for the REST endpoint. */
  readonly body: new () => object;
  /** Path parameters the command needs; each must be a UUID. */
  readonly params: readonly string[];
  readonly run: (params: Record<string, string>, body: any, idempotency: IdempotencyRequest | undefined) => Promise<unknown>;
}

export type BulkCommandTable = Readonly<Record<string, BulkCommandSpec>>;

export class BulkLineResult {
  @ApiProperty({ description: 'Line number in the extract, from 1' }) line!: number;
  @ApiPropertyOptional() command?: string;
  @ApiProperty({ description: 'The HTTP status the REST endpoint would have answered', example: 201 }) status!: number;
  @ApiProperty({ enum: ['accepted', 'rejected'] }) outcome!: 'accepted' | 'rejected';
  @ApiPropertyOptional({ description: 'The REST answer for an accepted line' }) response?: unknown;
  @ApiPropertyOptional({ description: 'Rule broken, for 404/409/422; case_busy for a 503 (send the line again)' }) code?: string;
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional({ description: 'Field errors, for 400' }) errors?: FieldError[];
}

export class BulkResult {
  @ApiProperty() accepted!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty({ type: [BulkLineResult] }) results!: BulkLineResult[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN_STATUS = { not_found: HttpStatus.NOT_FOUND, conflict: HttpStatus.CONFLICT, rule_broken: HttpStatus.UNPROCESSABLE_ENTITY };
const LINE_FIELDS = new Set(['command', 'params', 'body', 'idempotencyKey']);
export const MAX_BULK_LINES = 10000;

/**
 * Runs an NDJSON extract line by line, in order (a later line may build on an earlier one), and
 * answers for every line whether it was accepted and, if not, why. A bad line never stops the rest.
 */
export async function runBulk(body: unknown, contentType: string | undefined, commands: BulkCommandTable, logger: Logger): Promise<BulkResult> {
  // A body of another type (JSON, say) is not an extract: answering 200 with nothing done would read as success.
  if (!/^application\/(x-ndjson|jsonl)\b/i.test(contentType ?? '')) {
    throw new UnsupportedMediaTypeException('send the extract as Content-Type: application/x-ndjson, one JSON command per line');
  }
  const ndjson = typeof body === 'string' ? body : '';
  const lines = ndjson.split(/\r?\n/);
  const results: BulkLineResult[] = [];
  const reject = (line: number, status: number, extra: Partial<BulkLineResult>) =>
    results.push({ line, status, outcome: 'rejected', ...extra });

  for (const [index, text] of lines.entries()) {
    const line = index + 1;
    if (text.trim() === '') continue;
    if (results.length >= MAX_BULK_LINES) {
      reject(line, HttpStatus.PAYLOAD_TOO_LARGE, { message: `an extract may hold at most ${MAX_BULK_LINES} commands; send the rest in another request` });
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      reject(line, 400, { message: `line is not JSON: ${(error as Error).message}` });
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      reject(line, 400, { message: 'line must be a JSON object with command, params and body' });
      continue;
    }
    const unstorable = unstorableText(parsed, '');
    if (unstorable) {
      reject(line, 400, { errors: [{ field: unstorable.path || 'line', messages: [unstorable.reason] }] });
      continue;
    }
    const entry = parsed as Record<string, unknown>;
    const command = typeof entry.command === 'string' ? entry.command : undefined;
    const spec = command && Object.hasOwn(commands, command) ? commands[command] : undefined;
    if (!spec) {
      reject(line, 400, {
        ...(command ? { command } : {}),
        errors: [{ field: 'command', messages: [`command must be one of ${Object.keys(commands).join(', ')}`] }],
      });
      continue;
    }
    const fieldErrors: FieldError[] = [...Object.keys(entry)]
      .filter((key) => !LINE_FIELDS.has(key))
      .map((key) => ({ field: key, messages: [`property ${key} should not exist`] }));
    const params = (entry.params ?? {}) as Record<string, unknown>;
    for (const name of spec.params) {
      if (typeof params[name] !== 'string' || !UUID.test(params[name] as string)) {
        fieldErrors.push({ field: `params.${name}`, messages: [`${name} must be a UUID`] });
      }
    }
    const idempotencyKey = entry.idempotencyKey;
    if (idempotencyKey !== undefined && (typeof idempotencyKey !== 'string' || !/^[A-Za-z0-9._:\/-]{1,200}$/.test(idempotencyKey))) {
      fieldErrors.push({ field: 'idempotencyKey', messages: ['must be 1-200 characters of letters, digits and . _ : / -'] });
    }
    const rawBody = entry.body ?? {};
    const body = typeof rawBody === 'object' && rawBody !== null && !Array.isArray(rawBody) ? plainToInstance(spec.body, rawBody) : undefined;
    if (!body) fieldErrors.push({ field: 'body', messages: ['body must be a JSON object'] });
    else {
      const errors = await validate(body, { whitelist: true, forbidNonWhitelisted: true });
      fieldErrors.push(...flattenValidationErrors(errors, 'body'));
    }
    if (fieldErrors.length > 0) {
      reject(line, 400, { command, errors: fieldErrors });
      continue;
    }
    const owner = currentPrincipal()?.name;
    const idempotency =
      typeof idempotencyKey === 'string'
        ? { key: idempotencyKey, fingerprint: fingerprintOf('BULK', command!, [params, rawBody]), ...(owner ? { owner } : {}) }
        : undefined;
    try {
      const response = await spec.run(params as Record<string, string>, body, idempotency);
      results.push({ line, command, status: HttpStatus.CREATED, outcome: 'accepted', response });
    } catch (error) {
      if (error instanceof DomainError) {
        reject(line, DOMAIN_STATUS[error.kind], { command, code: error.code, message: error.message });
      } else if (error instanceof ConcurrencyError) {
        // Other commands on the case kept being recorded first: busy, not broken (as the REST endpoint's 503 case_busy).
        reject(line, HttpStatus.SERVICE_UNAVAILABLE, { command, code: 'case_busy', message: CASE_BUSY_MESSAGE });
      } else if (error instanceof HttpException && error.getStatus() < 500) {
        // A refusal (a key acting outside its force, say) keeps its status: sending it again would not help.
        reject(line, error.getStatus(), { command, message: error.message });
      } else {
        logger.error(`bulk line ${line} (${command}) failed: ${(error as Error).stack ?? String(error)}`);
        reject(line, HttpStatus.SERVICE_UNAVAILABLE, { command, message: 'the command could not be stored just now; send this line again' });
      }
    }
  }
  const accepted = results.filter((result) => result.outcome === 'accepted').length;
  return { accepted, rejected: results.length - accepted, results };
}
