import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

export interface FieldError {
  /** Path of the field in the request body, e.g. `hateCrime.strands.1`. */
  readonly field: string;
  readonly messages: readonly string[];
}

export function flattenValidationErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** One validation setup for every service: unknown fields refused, every bad field named. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fieldErrors = flattenValidationErrors(errors);
      return new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: fieldErrors.map((error) => `${error.field}: ${error.messages.join(', ')}`).join('; '),
        errors: fieldErrors,
      });
    },
  });
}

/**
 * RFC 3339 date-time with a zone (`Z` or an offset), the form the event schemas accept, with an
 * offset PostgreSQL can store (at most 15:59): what is accepted here can be stored downstream.
 */
const INSTANT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-](0\d|1[0-5]):[0-5]\d)$/i;

export function isInstant(value: unknown): boolean {
  if (typeof value !== 'string' || !INSTANT.test(value)) return false;
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  // A day the month does not have (2023-02-29) is refused, not rolled over into the next month.
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: isInstant,
        defaultMessage: buildMessage((prefix) => `${prefix}$property must be an RFC 3339 date-time with a zone, e.g. 2024-05-23T02:00:00Z`, options),
      },
    },
    options,
  );
}
