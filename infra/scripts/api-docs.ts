import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { asyncApiDocument } from '@hc/contracts';
import { openApiDocument } from '@hc/service-kit';
import { CourtsModule } from '../../services/courts/src/courts.module';
import { CpsModule } from '../../services/cps/src/cps.module';
import { PoliceModule } from '../../services/police/src/police.module';
import { ProjectionModule } from '../../services/projection/src/projection.module';
import { COURTS_API } from '../../services/courts/src/courts.api';
import { CPS_API } from '../../services/cps/src/cps.api';
import { POLICE_API } from '../../services/police/src/police.api';
import { PROJECTION_API } from '../../services/projection/src/projection.api';

/**
 * The API documents in docs/, generated from the code: OpenAPI of each service (from its
 * controllers and DTOs, with Nest in preview mode so nothing connects) and AsyncAPI of the topics
 * (from the JSON schemas). `--check` fails if the committed documents differ from the code.
 */
const SERVICES = [
  { name: 'police', module: PoliceModule, api: POLICE_API },
  { name: 'cps', module: CpsModule, api: CPS_API },
  { name: 'courts', module: CourtsModule, api: COURTS_API },
  { name: 'projection', module: ProjectionModule, api: PROJECTION_API },
] as const;

export async function generateApiDocs(): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const service of SERVICES) {
    const app = await NestFactory.create(service.module, { preview: true, logger: false, abortOnError: false });
    const document = openApiDocument(app, service.api);
    files[`openapi/${service.name}.json`] = `${JSON.stringify(document, null, 2)}\n`;
    await app.close();
  }
  files['asyncapi.json'] = `${JSON.stringify(asyncApiDocument(), null, 2)}\n`;
  return files;
}

async function main(): Promise<void> {
  const docs = resolve(__dirname, '..', '..', ...(__dirname.includes(`${join('dist', 'infra')}`) ? ['..'] : []), 'docs');
  const files = await generateApiDocs();
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const path = join(docs, name);
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        /* missing counts as stale */
      }
      if (current !== content) stale.push(name);
    } else {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, content);
    }
  }
  if (stale.length > 0) {
    console.error(`docs out of date: ${stale.join(', ')}; run npm run docs:api`);
    process.exit(1);
  }
  console.log(check ? 'API documents match the code' : `wrote ${Object.keys(files).map((name) => `docs/${name}`).join(', ')}`);
}

if (require.main === module) void main();
