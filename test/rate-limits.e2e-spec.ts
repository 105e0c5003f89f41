/**
 * @api-auth required
 * @environment RATE_LIMIT_REQUESTS=12 RATE_LIMIT_BULK_REQUESTS=2 RATE_LIMIT_VERIFICATION_REQUESTS=1 RATE_LIMIT_WINDOW_SECONDS=60
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { issueApiKey } from '@hc/service-kit';
import { startPipeline, type Pipeline } from './support/pipeline';

/**
 * Each API key has its own limits (here 12 requests a minute, 2 bulk extracts, 1 verification): a
 * key over its limit is answered 429 with Retry-After and nothing is done, while other keys are
 * served; bulk extracts and the verification have a stricter limit than single commands.
 */
describe('rate limits per API key', () => {
  let pipeline: Pipeline;
  const crime = (crimeReference = `RL/${randomUUID()}`) => ({
    crimeReference,
    forceCode: '06',
    offences: [{ offenceId: 'o1', code: '105A' }],
    hateCrime: { strands: ['race'], perceivedBy: ['victim'] },
  });
  const key = async (service: 'police' | 'projection', principal: string, role: 'police' | 'inspector' = 'police') =>
    `Bearer ${(await issueApiKey(pipeline.apps[service].get(DataSource), service, { principal, role })).apiKey}`;

  const expectRateLimited = (response: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, what: RegExp) => {
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    // The shape of every other error: status, error, code, a message that says what to do.
    expect(response.body).toEqual({
      statusCode: 429,
      error: 'too_many_requests',
      code: 'rate_limited',
      message: expect.stringMatching(what),
      retryAfterSeconds: retryAfter,
    });
  };

  beforeAll(async () => {
    pipeline = await startPipeline();
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('answers a key over its limit 429 with Retry-After, and still serves another key and /health', async () => {
    const busy = await key('police', 'A busy records system');
    const other = await key('police', 'Another force system');
    for (let i = 0; i < 12; i++) {
      await pipeline.police.post('/cases').set('authorization', busy).send(crime()).expect(201);
    }
    const refused = await pipeline.police.post('/cases').set('authorization', busy).send(crime());
    expectRateLimited(refused, /^this API key sent more than 12 requests in 60 s; nothing was done: send it again in \d+ s \(Retry-After\)$/);
    // Every route of the service counts against the same limit of the key, reads as well.
    expectRateLimited(await pipeline.police.get(`/cases/${randomUUID()}`).set('authorization', busy), /more than 12 requests/);

    await pipeline.police.post('/cases').set('authorization', other).send(crime()).expect(201);
    for (let i = 0; i < 20; i++) await pipeline.police.get('/health').expect(200);
  });

  it('limits bulk extracts more strictly than single commands, and a refused extract records nothing', async () => {
    const nightly = await key('police', 'A nightly extract job');
    const extract = (crimeReference?: string) => JSON.stringify({ command: 'RecordCrime', body: crime(crimeReference) });
    for (let i = 0; i < 2; i++) {
      const taken = await pipeline.police.post('/cases/bulk').set('authorization', nightly).set('Content-Type', 'application/x-ndjson').send(extract()).expect(200);
      expect(taken.body.accepted).toBe(1);
    }
    const reference = `RL/${randomUUID()}`;
    const refused = await pipeline.police.post('/cases/bulk').set('authorization', nightly).set('Content-Type', 'application/x-ndjson').send(extract(reference));
    expectRateLimited(refused, /^this API key sent more than 2 bulk extracts in 60 s/);
    // Three requests of its twelve: the key's single commands are still taken, the extract's crime was not recorded.
    await pipeline.police.post('/cases').set('authorization', nightly).send(crime(reference)).expect(201);
  });

  it("limits the projection's verification (every case folded again) more strictly than its other reads", async () => {
    const inspector = await key('projection', 'HMCPSI inspector', 'inspector');
    await pipeline.projection.get('/projection/verification?cases=10').set('authorization', inspector).expect(200);
    expectRateLimited(await pipeline.projection.get('/projection/verification?cases=10').set('authorization', inspector), /more than 1 verification requests in 60 s/);
    await pipeline.projection.get('/projection/status').set('authorization', inspector).expect(200);
  });
});
