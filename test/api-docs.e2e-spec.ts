import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateApiDocs } from '../infra/scripts/api-docs';

/**
 * docs/openapi/*.json and docs/asyncapi.json are generated from the code (controllers, DTOs and the
 * JSON schemas of the events). This test fails when they drift; `npm run docs:api` rewrites them.
 */
describe('API documents in docs/', () => {
  const docs = join(__dirname, '..', 'docs');

  it('match the OpenAPI and AsyncAPI documents generated from the code', async () => {
    const files = await generateApiDocs();
    expect(Object.keys(files).sort()).toEqual([
      'asyncapi.json',
      'openapi/courts.json',
      'openapi/cps.json',
      'openapi/police.json',
      'openapi/projection.json',
    ]);
    for (const [name, content] of Object.entries(files)) {
      const path = join(docs, name);
      if (process.env.UPDATE_API_DOCS === '1') {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, content);
      }
      const committed = readFileSync(path, 'utf8');
      if (committed !== content) throw new Error(`docs/${name} is out of date with the code: run npm run docs:api`);
    }
  });

  it('describe every event type of the catalogue with its schema', async () => {
    const asyncApi = JSON.parse((await generateApiDocs())['asyncapi.json']!);
    const messages = Object.keys(asyncApi.components.messages);
    expect(messages).toEqual(expect.arrayContaining(['police.CrimeRecorded', 'cps.ProsecutionCompleted', 'courts.DefendantSentenced', 'DeadLetter']));
    expect(asyncApi.components.messages['courts.DefendantSentenced'].payload.properties.schemaversion).toEqual({ const: 3 });
  });
});
