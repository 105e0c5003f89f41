import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { environment, logLevels } from '@hc/config';
import { configureHttpApp, runService } from '@hc/service-kit';
import { serveDashboardAssets } from './dashboard/pages';
import { PROJECTION_HOOKS, type ProjectionHooks } from './consumer/projection.runner';
import { PROJECTION_API } from './projection.api';
import { ProjectionModule } from './projection.module';

export interface ProjectionAppOptions {
  /** For tests: hold or break the projection inside a batch's transaction. */
  readonly hooks?: ProjectionHooks;
}

export async function createProjectionApp(options: ProjectionAppOptions = {}) {
  const root: DynamicModule | typeof ProjectionModule = options.hooks
    ? { module: ProjectionModule, providers: [{ provide: PROJECTION_HOOKS, useValue: options.hooks }] }
    : ProjectionModule;
  const app = await NestFactory.create<NestExpressApplication>(root, { logger: logLevels(), bodyParser: false, abortOnError: false });
  configureHttpApp(app, PROJECTION_API);
  serveDashboardAssets(app);
  await app.init();
  return app;
}

if (require.main === module) runService('projection', () => createProjectionApp(), environment().PROJECTION_PORT);
