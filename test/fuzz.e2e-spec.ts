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
 * endpoint; hostile values (time offsets, week and ordinal dates, far and early years, NUL
 * characters, lone surrogates, deep nesting, huge numbers and numeric strings) in bodies, path
 * parameters and queries; concurrent copies of one command; and raw bytes at every consumer.
 * Every one gets a 2xx, a 4xx that says what is wrong (or 503 with Retry-After) or a dead letter
 * with a reason; never a 500, a crash or a stalled partition; what the APIs accept is projected,
 * and a valid event sent after all of it still is.
 */
type Service = 'police' | 'cps' | 'courts' | 'projection';
const SERVICES: Service[] = ['police', 'cps', 'courts', 'projection'];
const RUNS_PER_ENDPOINT = Number(process.env.FUZZ_RUNS ?? 30);

interface Endpoint {
  readonly service: Service;
  readonly method: 'get' | 'post' | 'put' | 'delete';
  readonly path: string;
  readonly fields: readonly string[];
  /** Query parameters the endpoint documents. */
  readonly query: readonly string[];
}

/** Every answer: 2xx, a 4xx naming what is wrong, or 503 with Retry-After (a busy case); nothing else. */
function expectClearAnswer(label: string, response: { status: number; body: any; headers: Record<string, string> }): void {
  const { status, body } = response;
  const clear4xx = status >= 400 && status < 500 && (typeof body?.message === 'string' || Array.isArray(body?.errors));
  const busy = status === 503 && /^\d+$/.test(response.headers['retry-after'] ?? '');
  if ((status >= 200 && status < 300) || clear4xx || busy) return;
  throw new Error(`${label} answered ${status}: ${JSON.stringify(body)?.slice(0, 500)}`);
}

/** Times as agency systems (or their bugs) write them: offsets PostgreSQL cannot store, no zone, a date only, week and ordinal dates, far and early years. */
const TIME_FORMS = [
  '2024-05-01T10:00:00+23:59', '2024-05-01T10:00:00-16:00', '2024-05-01T10:00:00+15:59', '2024-05-01T10:00:00-15:59', '2024-05-01T10:00:00+14:00',
  '2024-05-01', '2024-05-01T10:00:00', '2024-05-01T10:00', '2024-W18-3', '2024-W18-3T10:00:00Z', '2024-122', '2024-122T10:00:00Z',
  '2999-12-31T23:59:59Z', '2999-01-01T00:00:00+01:00', '1999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '0001-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z', '+002024-05-01T10:00:00Z', '-000001-01-01T00:00:00Z', '2024-02-30T10:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T10:00:60Z',
  '2024-05-01t10:00:00z', '2024-05-01 10:00:00Z', '2024-05-01T10:00:00.123456789Z', '20240501T100000Z', 'yesterday', '',
];
const timeValue = fc.oneof(
  fc.constantFrom(...TIME_FORMS),
  fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: -30, max: 30 }), fc.integer({ min: 0, max: 99 })).map(
    ([year, hours, minutes]) =>
      `${String(year).padStart(4, '0')}-05-01T10:00:00${hours < 0 ? '-' : '+'}${String(Math.abs(hours)).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`,
  ),
);
/** Text with a NUL or half a surrogate pair somewhere in it. */
const unstorableText = fc
  .tuple(fc.string({ maxLength: 20 }), fc.constantFrom('\u0000', '\ud800', '\udfff', '\udc00\ud800', 'a\u0000\u0000b'), fc.string({ maxLength: 20 }))
  .map(([before, bad, after]) => `${before}${bad}${after}`);
const hugeNumber = fc.constantFrom(1e308, -1e308, 2 ** 64, Number.MAX_SAFE_INTEGER + 2, -(2 ** 63), 5e-324, -0, 1e21);
const numericString = fc.constantFrom('1e309', '-1e309', 'NaN', 'Infinity', '-1', '0x10', '1_000', '\u0663', '00000000000000000000001', '9'.repeat(400), '1e-400', ' 1', '1 ', '+1', '1.0');
const nested = (depth: number, leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
};
/** A value of any of those kinds, for a field or a parameter. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  timeValue,
  unstorableText,
  hugeNumber,
  numericString,
  fc.integer({ min: 1, max: 60 }).map((depth) => nested(depth, 'x')),
  fc.constant(nested(500, 1)),
);

/** Bodies built from hostile values, and raw JSON text no serialiser would write: nesting 100,000 deep, numbers past a double. */
function hostileBody(fields: readonly string[]): fc.Arbitrary<{ contentType: string; body: string }> {
  const field = fields.length > 0 ? fc.constantFrom(...fields) : fc.constant('field');
  const deep = (depth: number) => `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;
  return fc.oneof(
    fc.dictionary(field, hostileValue, { minKeys: 1 }).map((value) => ({ contentType: 'application/json', body: JSON.stringify(value) })),
    fc.tuple(field, fc.constantFrom(1000, 10_000, 100_000)).map(([name, depth]) => ({ contentType: 'application/json', body: `{"${name}":${deep(depth)}}` })),
    fc.tuple(field, fc.constantFrom('1e400', '-1e400', '123456789012345678901234567890', '0.' + '0'.repeat(400) + '1', '1' + '0'.repeat(400))).map(([name, number]) => ({
      contentType: 'application/json',
      body: `{"${name}":${number}}`,
    })),
    fc.tuple(field, fc.constantFrom(1000, 100_000)).map(([name, depth]) => ({
      contentType: 'application/x-ndjson',
      body: `{"command":"RecordCrime","params":{},"body":{"${name}":${deep(depth)}}}\n{"command":"RecordCrime","body":{"${name}":1e400}}\n`,
    })),
  );
}

/** A query string from hostile values, percent-encoded where they can be, and raw escapes no UTF-8 decoder accepts. */
function hostileQuery(names: readonly string[]): fc.Arbitrary<string> {
  const raw = fc.constantFrom('%00', '%ED%A0%80', '%C0%80', '%FF', '%', '%zz', '1e400', '-1', '99999999999999999999999', '1e309');
  const encoded = fc.oneof(timeValue, hugeNumber.map(String), numericString).map((value) => encodeURIComponent(value));
  const name = names.length > 0 ? fc.constantFrom(...names) : fc.constant('limit');
  return fc.array(fc.tuple(name, fc.oneof(raw, encoded)), { minLength: 1, maxLength: 4 }).map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join('&'));
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
/** Path segments already escaped: NUL, half a surrogate pair as UTF-8 would never write it, huge numbers. */
const hostilePathValue = fc.constantFrom('%00', '%ED%A0%80', 'a%00b', '1e400', '9'.repeat(400), '-0', '%C0%80');

const crime = (recordedAt?: unknown): Record<string, unknown> => ({
  crimeReference: `FZ/${randomUUID()}`,
  forceCode: '01',
  ...(recordedAt === undefined ? {} : { recordedAt }),
  offences: [{ offenceId: 'o1', code: '105A' }],
  hateCrime: { strands: ['religion'], perceivedBy: ['victim'], religionTargetedGroup: 'antisemitic' },
});

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
            const query = ((operations[method]!.parameters ?? []) as Array<{ in: string; name: string }>).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
            return { service, method, path, fields: Object.keys(schema?.properties ?? {}), query };
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
          expectClearAnswer(`${endpoint.method.toUpperCase()} ${url}`, response);
        }),
        { numRuns: RUNS_PER_ENDPOINT },
      );
    }
    for (const service of SERVICES) await pipeline[service].get('/health').expect(200);
  });

  it('answers hostile values in bodies, path parameters and queries with a 2xx or a 4xx that says what is wrong, never a 500', async () => {
    for (const endpoint of endpoints) {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(pathValue.map(encodeURIComponent), hostilePathValue),
          hostileBody(endpoint.fields),
          endpoint.query.length > 0 ? hostileQuery(endpoint.query) : fc.constant(''),
          async (segment, payload, query) => {
            const url = `${endpoint.path.replace(/\{[^}]+\}/g, segment)}${query ? `?${query}` : ''}`;
            const call = pipeline[endpoint.service][endpoint.method](url);
            const response = endpoint.method === 'get' ? await call : await call.set('content-type', payload.contentType).send(payload.body);
            expectClearAnswer(`${endpoint.method.toUpperCase()} ${url}`, response);
          },
        ),
        { numRuns: Math.ceil(RUNS_PER_ENDPOINT / 2) },
      );
    }
    for (const service of SERVICES) await pipeline[service].get('/health').expect(200);
  });

  it('accepts or refuses every form of time clearly, and projects every crime it accepts', async () => {
    const accepted: string[] = [];
    await fc.assert(
      fc.asyncProperty(timeValue, fc.option(unstorableText, { nil: undefined }), async (recordedAt, badText) => {
        const body = crime(recordedAt);
        if (badText !== undefined) body.crimeReference = badText;
        const response = await pipeline.police.post('/cases').send(body);
        expectClearAnswer(`POST /cases recordedAt ${JSON.stringify(recordedAt)}`, response);
        if (badText !== undefined) expect(response.status).toBe(400);
        if (response.status === 201) accepted.push(response.body.caseId);
        else if (response.status === 400) expect(JSON.stringify(response.body.errors)).toMatch(/recordedAt|crimeReference/);
      }),
      { numRuns: 60 },
    );
    for (const form of TIME_FORMS) {
      const response = await pipeline.police.post('/cases').send(crime(form));
      expectClearAnswer(`POST /cases recordedAt ${JSON.stringify(form)}`, response);
      if (response.status === 201) accepted.push(response.body.caseId);
    }
    expect(accepted.length).toBeGreaterThan(0);
    // Whatever the police API accepted, every database downstream can store: the projection counts each.
    await pollUntil(`the projection to count the ${accepted.length} crimes accepted`, async () => {
      for (const caseId of accepted) {
        const journey = await pipeline.projection.get(`/cases/${caseId}/journey`);
        if (journey.status !== 200 || journey.body.defendants[0]?.recorded_at == null) return undefined;
      }
      return true;
    });
  });

  it('gives every concurrent copy of a command with one Idempotency-Key the first answer, and records it once', async () => {
    const recorded = await pipeline.police.post('/cases').send(crime()).expect(201);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 12 }), fc.boolean(), async (copies, newCase) => {
        const key = `fuzz-${randomUUID()}`;
        const [path, body] = newCase ? ['/cases', crime()] : [`/cases/${recorded.body.caseId}/suspects`, { suspectId: randomUUID() }];
        const answers = await Promise.all(Array.from({ length: copies }, () => pipeline.police.post(path).set('Idempotency-Key', key).send(body)));
        for (const answer of answers) expectClearAnswer(`POST ${path} copy`, answer);
        expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
        for (const answer of answers) expect(answer.body).toEqual(answers[0]!.body);
        const view = await pipeline.police.get(`/cases/${answers[0]!.body.caseId}`).expect(200);
        expect(view.body.version).toBe(answers[0]!.body.version);
      }),
      { numRuns: 12 },
    );
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
    await pollUntil('the projection to hold it', async () => ((await pipeline.projection.get(`/cases/${caseId}/journey`)).status === 200 ? true : undefined));

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

  it('still projects a valid crime sent after all of it (nothing stalled)', async () => {
    const recorded = await pipeline.police.post('/cases').send(crime('2025-03-01T09:30:00Z')).expect(201);
    const row = await pollUntil('the projection to count the crime sent last', async () => {
      const journey = await pipeline.projection.get(`/cases/${recorded.body.caseId}/journey`);
      return journey.status === 200 && journey.body.defendants[0]?.recorded_at ? journey.body.defendants[0] : undefined;
    });
    expect(row).toMatchObject({ hate_crime: true, strands: ['religion'], religion_targeted_group: 'antisemitic' });
    for (const service of SERVICES) await pipeline[service].get('/health').expect(200);
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
