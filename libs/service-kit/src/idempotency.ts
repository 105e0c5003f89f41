import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { currentPrincipal } from './access-control';

/** What a request's `Idempotency-Key` header asks: the key and a hash of the request it names. */
export interface IdempotencyRequest {
  readonly key: string;
  readonly fingerprint: string;
  /** The system that sent it (its API key's principal), to which the key is scoped; none without access control. */
  readonly owner?: string;
}

const KEY_PATTERN = /^[A-Za-z0-9._:\/-]{1,200}$/;

export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256').update(JSON.stringify([method.toUpperCase(), path, body ?? null])).digest('hex');
}

export function idempotencyRequest(key: string | undefined, method: string, path: string, body: unknown): IdempotencyRequest | undefined {
  if (key === undefined) return undefined;
  if (!KEY_PATTERN.test(key)) {
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Idempotency-Key must be 1-200 characters of letters, digits and . _ : / -',
      errors: [{ field: 'Idempotency-Key', messages: ['must be 1-200 characters of letters, digits and . _ : / -'] }],
    });
  }
  const owner = currentPrincipal()?.name;
  return { key, fingerprint: fingerprintOf(method, path, body), ...(owner ? { owner } : {}) };
}

/**
 * The `Idempotency-Key` header of a command request. Resending a command with the same key and the
 * same body gets the first answer and appends nothing; the same key with another body gets 409.
 */
export const Idempotency = createParamDecorator((_: unknown, context: ExecutionContext): IdempotencyRequest | undefined => {
  const request = context.switchToHttp().getRequest<Request>();
  return idempotencyRequest(request.header('idempotency-key'), request.method, request.path, request.body);
});

/** The Idempotency-Key header as the OpenAPI documents of the agency APIs describe it (`@ApiHeader`). */
export const IDEMPOTENCY_KEY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Resending a command with the same key and body returns the first answer and records nothing new, also when the copies arrive at the same moment; ' +
    "the same key with another request is refused with 409 idempotency_key_reused. Keys are the sending system's own: another system's key never collides with it.",
};
