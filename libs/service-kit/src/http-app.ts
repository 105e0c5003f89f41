import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { DomainErrorFilter } from './domain-error.filter';
import { createValidationPipe } from './validation';

export interface HttpAppOptions {
  readonly title: string;
  readonly description: string;
}

/** The same HTTP behaviour for every service: validation, domain errors, OpenAPI at /openapi.json and /docs. */
export function configureHttpApp(app: INestApplication, options: HttpAppOptions): OpenAPIObject {
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new DomainErrorFilter());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(options.title).setDescription(options.description).setVersion('1').build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json' });
  return document;
}
