import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';

interface HttpError {
  readonly status: number;
  readonly expose: boolean;
  readonly type?: string;
  readonly message: string;
}

function isRequestError(error: unknown): error is HttpError {
  const candidate = error as Partial<HttpError> | null;
  return typeof candidate?.status === 'number' && candidate.status >= 400 && candidate.status < 500 && candidate.expose === true;
}

const MESSAGES: Record<string, string> = {
  'entity.parse.failed': 'the request body is not valid JSON',
  'entity.too.large': 'the request body is too large (1 MB for a command, 50 MB for a bulk extract)',
  'encoding.unsupported': 'the request body has an unsupported content encoding',
  'charset.unsupported': 'the request body has an unsupported charset',
};

/**
 * Errors the body parser raises before a request reaches a controller (invalid JSON, too large)
 * are the client's: answer them as 4xx with a plain reason, without logging them as server errors.
 * Everything else goes to Nest's own handling.
 */
@Catch()
export class RequestErrorFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    if (!isRequestError(error)) return super.catch(error, host);
    const response = host.switchToHttp().getResponse<Response>();
    response.status(error.status).json({
      statusCode: error.status,
      error: error.type ?? 'bad_request',
      message: MESSAGES[error.type ?? ''] ?? error.message,
    });
  }
}
