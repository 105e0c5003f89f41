import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createCourtsApp } from '../../services/courts/src/main';
import { createCpsApp } from '../../services/cps/src/main';
import { createPoliceApp } from '../../services/police/src/main';
import { createProjectionApp } from '../../services/projection/src/main';

export interface Pipeline {
  readonly police: TestAgent;
  readonly cps: TestAgent;
  readonly courts: TestAgent;
  readonly projection: TestAgent;
  /** The Nest applications, for tests that reach inside (e.g. to replace the outbox relay). */
  readonly apps: Readonly<Record<'police' | 'cps' | 'courts' | 'projection', INestApplication>>;
  readonly close: () => Promise<void>;
}

/**
 * The four services as they run in production (same modules, same Kafka transport, same database
 * code), started in this process against the real broker and database of the test run.
 */
export async function startPipeline(): Promise<Pipeline> {
  const apps: INestApplication[] = [];
  const start = async (create: () => Promise<INestApplication>) => {
    const app = await create();
    apps.push(app);
    return request(app.getHttpServer());
  };
  const [police, cps, courts, projection] = [
    await start(createPoliceApp),
    await start(createCpsApp),
    await start(createCourtsApp),
    await start(createProjectionApp),
  ];
  const [policeApp, cpsApp, courtsApp, projectionApp] = apps as [INestApplication, INestApplication, INestApplication, INestApplication];
  return {
    police,
    cps,
    courts,
    projection,
    apps: { police: policeApp, cps: cpsApp, courts: courtsApp, projection: projectionApp },
    close: async () => {
      for (const app of apps.reverse()) await app.close();
    },
  };
}

/** Polls until `probe` returns a value that is not undefined, or fails with what it last saw. */
export async function pollUntil<T>(
  description: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 30000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
