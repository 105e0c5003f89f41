import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { environment, logLevels } from '@hc/config';
import { configureHttpApp, runService } from '@hc/service-kit';
import { ProjectionModule } from './projection.module';

export async function createProjectionApp() {
  const app = await NestFactory.create<NestExpressApplication>(ProjectionModule, { logger: logLevels(), bodyParser: false });
  configureHttpApp(app, {
    title: 'Hate crime statistics',
    description: 'Attrition and uplift statistics and case journeys, built from the events of police, CPS and courts.',
  });
  await app.init();
  return app;
}

if (require.main === module) runService('projection', createProjectionApp, environment().PROJECTION_PORT);
