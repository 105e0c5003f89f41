import { HttpException, HttpStatus, Injectable, SetMetadata, applyDecorators, type DynamicModule, type ExecutionContext, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { ThrottlerGuard, ThrottlerModule, type ThrottlerLimitDetail, type ThrottlerOptions } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { environment } from '@hc/config';
import { ApiKeyGuard, currentPrincipal } from './access-control';

/**
 * How often one caller may call. Every route counts against the general limit of the caller's API
 * key; a bulk extract (up to 10,000 commands in one request) and the projection's verification
 * (every case folded again) count against a stricter limit of their own as well. A caller over a
 * limit gets 429 with Retry-After (seconds) and nothing is done. The caller is the API key the
 * access guard accepted (so one busy system never slows another), or the client IP for a call
 * without one (access control disabled, public routes). `/health` is never limited: monitoring
 * must see a service that is busy. The limits are counted by each process (@nestjs/throttler's
 * in-memory storage); behind several instances of a service a key gets that many times the limit.
 */
export type RateLimitClass = 'bulk' | 'verification';

const RATE_LIMIT_CLASS = 'hatecrime:rate-limit-class';
const NOT_LIMITED = 'hatecrime:not-rate-limited';

const WHAT: Record<'default' | RateLimitClass, string> = {
  default: 'requests',
  bulk: 'bulk extracts',
  verification: 'verification requests',
};

/** A route with a stricter limit of its own, on top of the general one; documents its 429. */
export const RateLimit = (limitClass: RateLimitClass) =>
  applyDecorators(
    SetMetadata(RATE_LIMIT_CLASS, limitClass),
    ApiTooManyRequestsResponse({
      description:
        `This API key sent more ${WHAT[limitClass]} than its limit allows (RATE_LIMIT_${limitClass.toUpperCase()}_REQUESTS in a window of ` +
        'RATE_LIMIT_WINDOW_SECONDS, stricter than the general limit; docs/security.md), or more requests of any kind than RATE_LIMIT_REQUESTS: ' +
        'nothing was done; send it again after `Retry-After` seconds. `code` is rate_limited.',
    }),
  );

/** A route that is never limited (health). */
export const NoRateLimit = () => SetMetadata(NOT_LIMITED, true);

/** The three limits of the configuration, as @nestjs/throttler's named throttlers (ttl in milliseconds). */
function throttlers(): ThrottlerOptions[] {
  const config = environment();
  const ttl = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
  const onlyFor = (limitClass: RateLimitClass) => (context: ExecutionContext) => limitClassOf(context) !== limitClass;
  return [
    { name: 'default', ttl, limit: config.RATE_LIMIT_REQUESTS },
    { name: 'bulk', ttl, limit: config.RATE_LIMIT_BULK_REQUESTS, skipIf: onlyFor('bulk') },
    { name: 'verification', ttl, limit: config.RATE_LIMIT_VERIFICATION_REQUESTS, skipIf: onlyFor('verification') },
  ];
}

function limitClassOf(context: ExecutionContext): RateLimitClass | undefined {
  return Reflect.getMetadata(RATE_LIMIT_CLASS, context.getHandler()) ?? Reflect.getMetadata(RATE_LIMIT_CLASS, context.getClass());
}

/**
 * The guards in front of every route of a service, in this order: who calls (the API key), then
 * how often that key has called. Nest runs global guards in the order they are registered.
 */
export function accessGuards(): Provider[] {
  return [
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ];
}

/** The rate limiter of a service, configured from the environment when the service starts. */
export function rateLimitModule(): DynamicModule {
  return ThrottlerModule.forRootAsync({
    useFactory: () => ({
      throttlers: throttlers(),
      // Retry-After is set by the guard, for whichever limit was reached, under its plain name.
      setHeaders: false,
    }),
  });
}

/**
 * @nestjs/throttler's guard, counting per API key. It runs after the access guard (registered
 * after it: see `accessGuards`), which has put the caller's key in the request's store.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    // Kafka handlers are paced by the broker, not by callers.
    if (context.getType() !== 'http') return true;
    return Reflect.getMetadata(NOT_LIMITED, context.getHandler()) === true || Reflect.getMetadata(NOT_LIMITED, context.getClass()) === true;
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const principal = currentPrincipal();
    return principal ? `key:${principal.keyId}` : `ip:${(request as unknown as Request).ip ?? 'unknown'}`;
  }

  /** One count per caller and limit across all routes of the service (the library's default counts per route). */
  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const retryAfter = Math.max(1, detail.timeToBlockExpire);
    // The key is `${limit name}:${caller}` (generateKey above).
    const limitName = detail.key.slice(0, detail.key.indexOf(':')) as keyof typeof WHAT;
    const caller = currentPrincipal() ? 'this API key' : 'this client';
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'too_many_requests',
        code: 'rate_limited',
        message: `${caller} sent more than ${detail.limit} ${WHAT[limitName] ?? WHAT.default} in ${Math.round(detail.ttl / 1000)} s; nothing was done: send it again in ${retryAfter} s (Retry-After)`,
        retryAfterSeconds: retryAfter,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
