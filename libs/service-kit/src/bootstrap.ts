import { Logger, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Agency } from '@hc/contracts';
import { logLevels } from '@hc/config';
import { kafkaTransportOptions } from '@hc/kafka';
import { consumerGroup, kafkaConnection } from './event-sourcing.module';
import { configureHttpApp, type HttpAppOptions } from './http-app';

export interface AgencyAppOptions extends HttpAppOptions {
  readonly agency: Agency;
  readonly module: Type<unknown>;
  /** Hybrid app: also consume the upstream agency's topic through the Nest Kafka transport. */
  readonly consumesUpstream: boolean;
}

/** Builds an agency service (HTTP, plus the Kafka transport when it consumes upstream), initialised but not listening. */
export async function createAgencyApp(options: AgencyAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(options.module, { logger: logLevels(), bodyParser: false, abortOnError: false });
  configureHttpApp(app, options);
  if (options.consumesUpstream) {
    app.connectMicroservice(kafkaTransportOptions({ ...kafkaConnection(options.agency), groupId: consumerGroup(options.agency) }));
  }
  await app.init();
  if (options.consumesUpstream) await app.startAllMicroservices();
  return app;
}

/** Entry point of a service process: start, listen, and exit with the reason if start-up fails. */
export function runService(name: string, start: () => Promise<INestApplication>, port: number): void {
  start()
    .then(async (app) => {
      await app.listen(port, '127.0.0.1');
      new Logger(name).log(`listening on http://127.0.0.1:${port} (OpenAPI at /docs)`);
    })
    .catch((error: unknown) => {
      new Logger(name).error(`failed to start: ${(error as Error).stack ?? String(error)}`);
      process.exit(1);
    });
}
