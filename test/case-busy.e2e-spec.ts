/**
 * @environment COMMAND_ATTEMPTS=1
 */
import { randomUUID } from 'node:crypto';
import { startPipeline, type Pipeline } from './support/pipeline';

/**
 * Commands on one case that collide (another was recorded between reading the case and appending)
 * are decided again on the new state; when the collision survives the last attempt the service
 * answers 503 case_busy with Retry-After, never 500, and the same command sent again with its
 * Idempotency-Key is then recorded once. One attempt here (COMMAND_ATTEMPTS=1), so that
 * concurrent commands collide for sure.
 */
describe('commands colliding on one case', () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline();
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  /** A crime of Greater Manchester with the flag of one strand, to collide on. */
  const recordCrime = (strand: string) =>
    pipeline.police
      .post('/cases')
      .send({
        crimeReference: `BUSY/${randomUUID()}`,
        forceCode: '06',
        offences: [{ offenceId: 'o1', code: '105A' }],
        hateCrime: { strands: [strand], perceivedBy: ['victim'] },
      })
      .expect(201);

  it('answers 201, 409 or 503 case_busy with Retry-After, never 500; each busy command is recorded once when sent again', async () => {
    const recorded = await recordCrime('disability');
    const caseId: string = recorded.body.caseId;
    const commands = Array.from({ length: 24 }, () => ({ key: `suspect-${randomUUID()}`, body: { suspectId: randomUUID() } }));
    const send = (command: (typeof commands)[number]) =>
      pipeline.police.post(`/cases/${caseId}/suspects`).set('Idempotency-Key', command.key).send(command.body);

    const busy: Array<(typeof commands)[number]> = [];
    let pending = commands;
    // Rounds of concurrent commands until one has been refused as busy (the first round nearly always has).
    for (let round = 0; round < 5 && busy.length === 0 && pending.length > 0; round++) {
      const answers = await Promise.all(pending.map(send));
      for (const [i, answer] of answers.entries()) {
        expect([201, 409, 503]).toContain(answer.status);
        if (answer.status !== 503) continue;
        expect(answer.headers['retry-after']).toBe('1');
        expect(answer.body).toEqual({ statusCode: 503, error: 'busy', code: 'case_busy', message: expect.stringMatching(/send the same command again \(with its Idempotency-Key\)/) });
        busy.push(pending[i]!);
      }
      pending = pending.filter((_, i) => answers[i]!.status === 503);
      if (busy.length === 0) pending = commands.map(() => ({ key: `suspect-${randomUUID()}`, body: { suspectId: randomUUID() } }));
    }
    expect(busy.length).toBeGreaterThan(0);

    // Sent again one at a time, as Retry-After asks, every busy command is recorded; nothing twice.
    for (const command of busy) await send(command).expect(201);
    const again = await send(busy[0]!).expect(201);
    expect(again.body.suspectId).toBe(busy[0]!.body.suspectId);
    const view = await pipeline.police.get(`/cases/${caseId}`).expect(200);
    const identified = view.body.events
      .filter((event: { type: string }) => event.type.endsWith('.SuspectIdentified'))
      .map((event: { data: { suspectId: string } }) => event.data.suspectId);
    expect(new Set(identified).size).toBe(identified.length);
    for (const command of busy) expect(identified).toContain(command.body.suspectId);
  });

  it('answers a busy line of a bulk extract 503 case_busy, and the other lines as they are', async () => {
    const recorded = await recordCrime('race');
    const extract = () =>
      Array.from({ length: 6 }, () => JSON.stringify({ command: 'IdentifySuspect', params: { caseId: recorded.body.caseId }, body: { suspectId: randomUUID() } })).join('\n');
    let lines: Array<{ status: number; code?: string; message?: string }> = [];
    for (let round = 0; round < 5 && !lines.some((line) => line.status === 503); round++) {
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => pipeline.police.post('/cases/bulk').set('Content-Type', 'application/x-ndjson').send(extract()).expect(200)),
      );
      lines = answers.flatMap((answer) => answer.body.results);
    }
    expect(lines.some((line) => line.status === 503)).toBe(true);
    for (const line of lines) {
      expect([201, 409, 503]).toContain(line.status);
      if (line.status === 503) expect(line).toMatchObject({ outcome: 'rejected', code: 'case_busy', message: expect.stringMatching(/send the same command again/) });
    }
  });
});
