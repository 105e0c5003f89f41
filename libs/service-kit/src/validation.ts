import { BadRequestException, Injectable, ValidationPipe, type ArgumentMetadata, type PipeTransform, type ValidationError } from '@nestjs/common';
import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';
import { isInstant, unstorableText } from '@hc/contracts';

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

/** RFC 3339 date-time with a zone and an offset PostgreSQL can store: what the event schemas accept. */
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

/**
 * Refuses a body, query or path holding text no database downstream can store (a NUL, half a
 * surrogate pair) with 400 naming the field, before any DTO sees it.
 */
@Injectable()
export class StorableTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    // A bulk extract (text) is checked line by line, so that one bad line never refuses the others.
    if (metadata.type === 'custom' || typeof value === 'string' && metadata.type === 'body') return value;
    const found = unstorableText(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
    if (!found) return value;
    const field = found.path || metadata.data || metadata.type;
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: `${field}: ${found.reason}, which no database downstream can store`,
      errors: [{ field, messages: [`${found.reason}, which no database downstream can store`] }],
    });
  }
}
