import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type DomainErrorKind } from '@hc/domain';
import { ConcurrencyError } from '@hc/event-store';

const STATUS: Record<DomainErrorKind, number> = {
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  rule_broken: HttpStatus.UNPROCESSABLE_ENTITY,
};

/** A broken domain rule becomes 404, 409 or 422 with the rule's code, for the agency developer to act on. */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter<DomainError> {
  catch(error: DomainError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const status = STATUS[error.kind];
    response.status(status).json({
      statusCode: status,
      error: error.kind,
      code: error.code,
      message: error.message,
    });
  }
}

export const CASE_BUSY_MESSAGE =
  'other commands on this case were being recorded at the same moment; send the same command again (with its Idempotency-Key) in a second';

/**
 * Commands on one case that kept colliding with others (each was decided again on the new state,
 * COMMAND_ATTEMPTS times, 5 by default): the case is busy, not broken. 503 with Retry-After tells the agency system to send
 * the same command again, with its Idempotency-Key, in a moment; never a 500.
 */
@Catch(ConcurrencyError)
export class ConcurrencyErrorFilter implements ExceptionFilter<ConcurrencyError> {
  catch(_error: ConcurrencyError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    response.status(HttpStatus.SERVICE_UNAVAILABLE).setHeader('Retry-After', '1').json({
      statusCode: HttpStatus.SERVICE_UNAVAILABLE,
      error: 'busy',
      code: 'case_busy',
      message: CASE_BUSY_MESSAGE,
    });
  }
}
