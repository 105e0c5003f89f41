import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { configuredTopics, environment } from '@hc/config';
import type { EventEnvelope } from '@hc/contracts';
import { EventProducer, parseBrokers } from '@hc/kafka';
import { openApiDocument } from '@hc/service-kit';
import { listDeadLetters } from '../infra/scripts/dead-letters';
import { pollUntil, startPipeline, type Pipeline } from './support/pipeline';
import { READ_MODEL } from '../services/projection/src/read-model/read-model';

/**
 * Bad input at volume: malformed, truncated, oversized and type-confused payloads at every HTTP
 * endpoint, and raw bytes at every consumer. Every one gets a 4xx or a dead letter with a reason;
 * never a 5xx, a crash or a stalled partition; and valid events sent alongside all arrive.
 */
type Service = 'police' | 'cps' | 'courts' | 'projection';
const SERVICES: Service[] = ['police', 'cps', 'courts', 'projection'];
const RUNS_PER_ENDPOINT = Number(process.env.FUZZ_RUNS ?? 30);

interface Endpoint {
  readonly service: Service;
  readonly method: 'get' | 'post' | 'put' | 'delete';
  readonly path: string;
  readonly fields: readonly string[];
}

/** Payloads an agency system's bug could send. */
function badBody(fields: readonly string[]): fc.Arbitrary<{ contentType: string; body: string }> {
  const json = (value: unknown) => ({ contentType: 'application/json', body: JSON.stringify(value) ?? 'null' });
  const typeConfused = fields.length > 0 ? fc.dictionary(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 2 })) : fc.object();
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map(json),
    typeConfused.map(json),
    fc.tuple(typeConfused, fc.nat()).map(([value, cut]) => {
      const text = JSON.stringify(value);
      return { contentType: 'application/json', body: text.slice(0, cut % Math.max(1, text.length)) };
    }),
    fc.string({ maxLength: 200 }).map((text) => ({ contentType: 'application/json', body: text })),
    fc.constant({ contentType: 'application/json', body: JSON.stringify({ padding: 'x'.repeat(1_200_000) }) }),
    fc.string({ maxLength: 300 }).map((text) => ({ contentType: 'application/x-ndjson', body: `${text}\n{"command":${JSON.stringify(text)}}\n` })),
    fc.string({ maxLength: 100 }).map((text) => ({ contentType: 'text/plain', body: text })),
  );
}

const pathValue = fc.oneof(fc.uuid().map(String), fc.string({ maxLength: 40 }), fc.constant('00000000-0000-0000-0000-000000000000'));

describe('bad input at volume', () => {
  let pipeline: Pipeline;
  let endpoints: Endpoint[];

  beforeAll(async () => {
    pipeline = await startPipeline();
    endpoints = SERVICES.flatMap((service) => {
      const document = openApiDocument(pipeline.apps[service], { title: service, description: '' });
      return Object.entries(document.paths).flatMap(([path, operations]) =>
        (['get', 'post', 'put', 'delete'] as const)
          .filter((method) => operations[method] && path !== '/health')
          .map((method) => {
            const schemaRef = (operations[method]!.requestBody as any)?.content?.['application/json']?.schema?.$ref as string | undefined;
            const schema = schemaRef ? (document.components?.schemas?.[schemaRef.split('/').pop()!] as any) : undefined;
            return { service, method, path, fields: Object.keys(schema?.properties ?? {}) };
          }),
      );
    });
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('covers every endpoint of the four services', () => {
    expect(endpoints.length).toBeGreaterThanOrEqual(20);
    expect(new Set(endpoints.map((endpoint) => endpoint.service))).toEqual(new Set(SERVICES));
  });

  it('answers every malformed request with a 4xx that says what is wrong, never a 5xx', async () => {
    for (const endpoint of endpoints) {
      await fc.assert(
        fc.asyncProperty(fc.array(pathValue, { minLength: 2, maxLength: 2 }), badBody(endpoint.fields), async ([first, second], payload) => {
          const url = endpoint.path.replace(/\{[^}]+\}/, encodeURIComponent(first!)).replace(/\{[^}]+\}/, encodeURIComponent(second!));
          const response = await pipeline[endpoint.service][endpoint.method](url)
            .set('content-type', payload.contentType)
            .send(payload.body);
          if (response.status >= 500) {
            throw new Error(`${endpoint.method.toUpperCase()} ${url} answered ${response.status}: ${JSON.stringify(response.body)}`);
          }
          if (response.status >= 400) expect(typeof response.body.message === 'string' || Array.isArray(response.body.errors)).toBe(true);
        }),
        { numRuns: RUNS_PER_ENDPOINT },
      );
    }
    for (const service of SERVICES) await pipeline[service].get('/health').expect(200);
  });

  it('dead-letters raw bytes on every agency topic with a reason, and still delivers the valid events sent alongside', async () => {
    const topics = configuredTopics();
    const producer = new EventProducer({ brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: 'hatecrime-tests' });
    const garbage = fc.sample(fc.uint8Array({ minLength: 0, maxLength: 500 }), 15).map((bytes) => Buffer.from(bytes));
    const consumersOf = { police: ['cps', READ_MODEL.consumer], cps: ['courts', READ_MODEL.consumer], courts: ['cps', READ_MODEL.consumer] } as const;
    const sentKeys: Record<keyof typeof consumersOf, string[]> = { police: [], cps: [], courts: [] };
    const caseId = randomUUID();
    try {
      for (const agency of ['police', 'cps', 'courts'] as const) {
        const messages = garbage.map((value) => {
          const key = `fuzz-${agency}-${randomUUID()}`;
          sentKeys[agency].push(key);
          return { topic: topics[agency], key, value };
        });
        await producer.send(messages);
      }
      await producer.send([{ topic: topics.police, key: caseId, value: JSON.stringify(referral(caseId)) }]);
    } finally {
      await producer.disconnect();
    }

    const opened = await pollUntil('the CPS to open the valid referral sent after the garbage', async () => {
      const response = await pipeline.cps.get(`/cases/${caseId}`);
      return response.status === 200 ? response.body : undefined;
    });
    expect(opened.state.hateCrime.strands).toEqual(['transgender']);
    await pollUntil('the projection to count it', async () => ((await pipeline.projection.get(`/cases/${caseId}/journey`)).status === 200 ? true : undefined));

    const letters = await pollUntil('every garbage message to be dead-lettered by each of its consumers', async () => {
      const all = await listDeadLetters();
      const expected = Object.values(sentKeys).reduce((sum, keys) => sum + keys.length * 2, 0);
      const mine = all.filter((letter) => letter.key?.startsWith('fuzz-'));
      return mine.length >= expected ? mine : undefined;
    }, { timeoutMs: 60000 });
    for (const agency of ['police', 'cps', 'courts'] as const) {
      for (const key of sentKeys[agency]) {
        const forKey = letters.filter((letter) => letter.key === key);
        expect(forKey.map((letter) => letter.consumer).sort()).toEqual([...consumersOf[agency]].sort());
        for (const letter of forKey) expect(letter.reason.length).toBeGreaterThan(10);
      }
    }
  });
});

function referral(caseId: string): EventEnvelope {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: '/agencies/police',
    type: 'uk.gov.cjs.hatecrime.police.CaseReferredToCps',
    time: '2025-02-01T12:00:00.000Z',
    subject: caseId,
    datacontenttype: 'application/json',
    causationid: randomUUID(),
    correlationid: caseId,
    streamversion: 3,
    schemaversion: 2,
    data: {
      caseId,
      urn: '47/BN/31337/25',
      forceCode: '47',
      referredAt: '2025-02-01T12:00:00.000Z',
      suspectIds: [randomUUID()],
      offences: [{ offenceId: 'o1', code: '8/23' }],
      hateCrime: { strands: ['transgender'], perceivedBy: ['victim'] },
      victimNeedsPassedOn: true,
    },
  };
}
