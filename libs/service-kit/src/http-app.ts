import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { HttpAdapterHost } from '@nestjs/core';
import { ConcurrencyErrorFilter, DomainErrorFilter } from './domain-error.filter';
import { RequestErrorFilter } from './request-error.filter';
import { requestContext } from './access-control';
import { createValidationPipe, StorableTextPipe } from './validation';

export interface HttpAppOptions {
  readonly title: string;
  readonly description: string;
}

/** The same HTTP behaviour for every service: validation, domain errors, OpenAPI at /openapi.json and /docs. */
export function configureHttpApp(app: NestExpressApplication, options: HttpAppOptions): OpenAPIObject {
  // Bulk extracts arrive as newline-delimited JSON, read as text and parsed line by line.
  app.useBodyParser('text', { type: ['application/x-ndjson', 'application/jsonl'], limit: '50mb' });
  app.useBodyParser('json', { limit: '1mb' });
  app.use(requestContext);
  app.useGlobalPipes(new StorableTextPipe(), createValidationPipe());
  app.useGlobalFilters(new RequestErrorFilter(app.get(HttpAdapterHost).httpAdapter), new DomainErrorFilter(), new ConcurrencyErrorFilter());
  app.enableShutdownHooks();
  const document = openApiDocument(app, options);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
  return document;
}

/** The OpenAPI document of a service, from its controllers and DTOs (served at /openapi.json and written to docs/). */
export function openApiDocument(app: INestApplication, options: HttpAppOptions): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(options.title).setDescription(options.description).setVersion('1').build(),
  );
}
