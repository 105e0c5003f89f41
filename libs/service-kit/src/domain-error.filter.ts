import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type DomainErrorKind } from '@hc/domain';

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
