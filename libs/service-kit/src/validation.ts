import { applyDecorators, BadRequestException, Injectable, ValidationPipe, type ArgumentMetadata, type PipeTransform, type ValidationError } from '@nestjs/common';
import { ApiHideProperty } from '@nestjs/swagger';
import { buildMessage, IsIn, ValidateBy, type ValidationOptions } from 'class-validator';
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

/** How far ahead of this service's clock an agency's clock may be. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
/** The earliest time the product records (the Home Office series starts in 2012/13; legacy extracts reach back further). */
export const EARLIEST_INSTANT = '2000-01-01T00:00:00Z';
const EARLIEST_MS = Date.parse(EARLIEST_INSTANT);

function instantProblem(value: unknown): string | undefined {
  if (!isInstant(value)) return 'must be an RFC 3339 date-time with a zone, e.g. 2024-05-23T02:00:00Z';
  const at = Date.parse(value as string);
  if (at > Date.now() + CLOCK_SKEW_MS) return 'must not be in the future: it is the time of something that happened';
  if (at < EARLIEST_MS) return `must not be before ${EARLIEST_INSTANT}, the earliest time the product records`;
  return undefined;
}

/**
 * The time of something that happened: RFC 3339 with a zone and an offset PostgreSQL can store (what
 * the event schemas accept), not in the future beyond a small clock skew, not before 2000.
 */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value: unknown) => instantProblem(value) === undefined,
        defaultMessage: (args) => `${args?.property ?? 'value'} ${instantProblem(args?.value) ?? 'is invalid'}`,
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
      message: `${field}: ${found.reason}`,
      errors: [{ field, messages: [found.reason] }],
    });
  }
}

/** Text with something in it besides spaces: a blank identifier names nothing. */
export function IsNotBlank(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isNotBlank',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || value.trim() !== '',
        defaultMessage: buildMessage((prefix) => `${prefix}$property must not be blank`, options),
      },
    },
    options,
  );
}

/** Why the pipeline takes a code where a person would type: said in every refusal of free text. */
export const CODES_ONLY = "free text stays in the agency's own system; the pipeline carries codes only";

/**
 * A field that would hold free text (an offence description, a sentence in words): refused whatever
 * it holds, with a 400 that names it and says why, rather than the bare "should not exist". The
 * field is kept out of the API documents: it is not part of what the API accepts.
 */
export function RefusesFreeText(instead: string): PropertyDecorator {
  return applyDecorators(
    ApiHideProperty(),
    ValidateBy({
      name: 'refusesFreeText',
      validator: {
        validate: (value: unknown) => value === undefined,
        defaultMessage: (args) => `${args?.property ?? 'the field'} is refused: ${CODES_ONLY}; ${instead}`,
      },
    }),
  );
}

/** One of a list of codes, with a refusal that lists them and says that text is not taken. */
export function IsCode(codes: readonly string[], options?: ValidationOptions): PropertyDecorator {
  return IsIn([...codes], {
    message: (args) => `${args.property} must be one of ${codes.join(', ')}: a code, not text (${CODES_ONLY})`,
    ...options,
  });
}
