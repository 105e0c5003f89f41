import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { configuredTopics, environment } from '@hc/config';
import type { EventEnvelope } from '@hc/contracts';
import { EventProducer, parseBrokers, type ConsumedBatch } from '@hc/kafka';
import { listDeadLetters } from '../infra/scripts/dead-letters';
import type { Rejected } from '../services/projection/src/consumer/projection-writer';
import { createProjectionApp } from '../services/projection/src/main';
import { CaseBuilder, RACE, testId } from '../services/projection/src/journey/testing/case-builder';
import { READ_MODEL } from '../services/projection/src/read-model/read-model';
import { pollUntil } from './support/pipeline';

/**
 * Nothing on a topic can stop the projection: a message holding a value no database downstream
 * can store is dead-lettered with the reason at the door; one the database still refuses is
 * dead-lettered with the database's reason; every other message of the batch is projected, once.
 * A batch that keeps failing for another reason is retried, and shows in /projection/status and
 * /health until it is taken.
 */
jest.setTimeout(120_000);

describe('poison messages', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let producer: EventProducer;
  /** Event ids whose batch the database "refuses" (a data exception), and ones that fail for a while (a lost connection). */
  const refusedByDatabase = new Set<string>();
  const failingUntil = new Map<string, number>();

  /** The batch takes (does not refuse) a message of one of these event ids. */
  const takes = (batch: ConsumedBatch, rejected: readonly Rejected[], ids: Iterable<string>) =>
    [...ids].some((id) => batch.messages.some((message) => message.value?.includes(`"id":"${id}"`) && !rejected.some((refused) => refused.message === message)));

  const send = (events: readonly (EventEnvelope | string)[], key: string) =>
    producer.send(events.map((event) => ({ topic: configuredTopics().police, key, value: typeof event === 'string' ? event : JSON.stringify(event) })));
  const status = async () => (await http.get('/projection/status').expect(200)).body;
  const deadLettered = (key: string, count: number) =>
    pollUntil(`${count} dead letter(s) of case ${key}`, async () => {
      const letters = (await listDeadLetters(READ_MODEL.consumer)).filter((letter) => letter.key === key);
      return letters.length >= count ? letters : undefined;
    });
  const eventsOf = async (caseId: string) => ((await http.get(`/cases/${caseId}/journey`)).body.events ?? []) as unknown[];

  const start = async () => {
    app = await createProjectionApp({
      hooks: {
        stallAfterMs: 300,
        beforeCommit: (batch, rejected) => {
          if (takes(batch, rejected, refusedByDatabase)) throw Object.assign(new Error('invalid input syntax for type timestamp with time zone'), { code: '22007' });
          const failing = [...failingUntil].filter(([, until]) => Date.now() < until).map(([id]) => id);
          if (takes(batch, rejected, failing)) throw Object.assign(new Error('Connection terminated unexpectedly'), { code: '08006' });
        },
      },
    });
    http = request(app.getHttpServer());
  };

  beforeAll(async () => {
    await start();
    producer = new EventProducer({ brokers: parseBrokers(environment().KAFKA_BROKERS), clientId: 'hatecrime-tests' });
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
  });

  it.each([
    ['a time whose offset PostgreSQL cannot store', (event: EventEnvelope) => ({ ...event, data: { ...(event.data as object), recordedAt: '2024-05-01T10:00:00+23:59' } }), /recordedAt must match format "date-time"/],
    ['a NUL in text', (event: EventEnvelope) => ({ ...event, data: { ...(event.data as object), crimeReference: 'CR/1\u0000/24' } }), /envelope\.data\.crimeReference holds a NUL character/],
    ['half a surrogate pair', (event: EventEnvelope) => ({ ...event, data: { ...(event.data as object), crimeReference: 'CR/\ud800/24' } }), /holds half a UTF-16 surrogate pair/],
  ])('dead-letters a message with %s at the door and projects the next event of the case', async (_what, spoil, reason) => {
    const c = new CaseBuilder();
    const recorded = c.recorded(RACE);
    c.suspect();
    await send([spoil(recorded), ...c.events], c.caseId);
    const [letter] = await deadLettered(c.caseId, 1);
    expect(letter!.reason).toMatch(reason);
    await pollUntil('the valid events of the case', async () => ((await eventsOf(c.caseId)).length === 2 ? true : undefined));
  });

  it('dead-letters the one message the database refuses, with its reason, and projects the rest of the batch once', async () => {
    const c = new CaseBuilder();
    c.recorded(RACE);
    for (let i = 0; i < 4; i++) c.suspect();
    const refused = c.events[2]!;
    refusedByDatabase.add(refused.id);
    await send(c.events, c.caseId);
    const letters = await deadLettered(c.caseId, 1);
    expect(letters).toHaveLength(1);
    const [letter] = letters;
    expect(letter!.reason).toMatch(/^the database refused to store it: invalid input syntax .* \(SQLSTATE 22007\)$/);
    expect(letter!.value).toContain(refused.id);
    await pollUntil('the other four events of the case', async () => ((await eventsOf(c.caseId)).length === 4 ? true : undefined));
    const stored = (await eventsOf(c.caseId)) as Array<{ id: string }>;
    expect(stored.map((event) => event.id).sort()).toEqual(c.events.filter((event) => event !== refused).map((event) => event.id).sort());
    expect((await status()).failingBatch).toBeNull();
  });

  it('holds an event past a gap in its stream, not counted, until the missing one arrives; dead-letters a repeat of a version taken', async () => {
    const c = new CaseBuilder();
    c.recorded(RACE);
    c.suspect();
    c.suspect();
    const [recorded, missing, late] = c.events as [EventEnvelope, EventEnvelope, EventEnvelope];
    const forgedSuspect = testId();
    const forged: EventEnvelope = { ...late, id: testId(), streamversion: 999, data: { ...(late.data as object), suspectId: forgedSuspect } };
    const defendants = async () =>
      ((await http.get(`/cases/${c.caseId}/journey`).expect(200)).body.defendants as Array<{ defendant_id: string | null }>).map((row) => row.defendant_id).filter(Boolean);
    const heldIds = async () =>
      ((await http.get(`/cases/${c.caseId}/timeline`).expect(200)).body.events as Array<{ envelope: EventEnvelope; held: boolean }>)
        .filter((entry) => entry.held)
        .map((entry) => entry.envelope.id)
        .sort();

    // Other tests' cases may hold events too (one whose event the database refused has a gap).
    const uncounted = async () => (await http.get('/projection/verification?cases=all').expect(200)).body.cases.uncounted as { events: number; cases: number; caseIds: string[] };
    const before = await uncounted();
    const heldInStatus = () =>
      pollUntil('the status to have counted every stored case', async () => {
        const { held } = await status();
        return held?.complete ? (held as { events: number; cases: number }) : undefined;
      });
    const statusBefore = await heldInStatus();
    expect(statusBefore).toMatchObject({ events: before.events, cases: before.cases });

    // Version 2 of the police stream is missing: version 3 and a forged version 999 are stored, held, not counted.
    await send([recorded, late, forged], c.caseId);
    await pollUntil('the three events stored', async () => ((await eventsOf(c.caseId)).length === 3 ? true : undefined));
    expect(await defendants()).toEqual([]);
    expect(await heldIds()).toEqual([late.id, forged.id].sort());
    const held = await uncounted();
    expect(held).toEqual({ events: before.events + 2, cases: before.cases + 1, caseIds: expect.arrayContaining([c.caseId]) });
    expect(await heldInStatus()).toEqual({ events: before.events + 2, cases: before.cases + 1, complete: true });

    // Another event at version 3 (another id): dead-lettered with the reason, never stored.
    const repeat: EventEnvelope = { ...late, id: testId(), data: { ...(late.data as object), suspectId: testId() } };
    await send([repeat], c.caseId);
    const [letter] = await deadLettered(c.caseId, 1);
    expect(letter!.reason).toBe(
      `version 3 of the police stream of case ${c.caseId} is already taken by event ${late.id}; ` +
        'a second event at one version is never counted (a forged or broken message: the police event store gives each version to one event)',
    );
    expect(letter!.value).toContain(repeat.id);

    // The missing event arrives late: it and version 3 count; the forged 999 still waits.
    await send([missing], c.caseId);
    await pollUntil('the missing event to count', async () => ((await defendants()).length === 2 ? true : undefined));
    expect((await defendants()).sort()).toEqual([(missing.data as { suspectId: string }).suspectId, (late.data as { suspectId: string }).suspectId].sort());
    expect(await heldIds()).toEqual([forged.id]);
    expect((await eventsOf(c.caseId)).length).toBe(4);
    expect(await uncounted()).toMatchObject({ events: before.events + 1, cases: before.cases + 1 });
    expect(await heldInStatus()).toEqual({ events: before.events + 1, cases: before.cases + 1, complete: true });

    // A restarted projection counts them again from the stored cases.
    await app.close();
    await start();
    expect(await heldInStatus()).toEqual({ events: before.events + 1, cases: before.cases + 1, complete: true });
  });

  it('answers 400 for an offset past any table, not a database error', async () => {
    const response = await http.get('/flag-audit?offset=100000000000000000000').expect(400);
    expect(response.body.errors).toEqual([{ field: 'offset', messages: [expect.stringMatching(/must not be greater than 1000000000/)] }]);
  });

  it('shows a batch that keeps failing in its status and /health (503), and takes it once it can', async () => {
    const c = new CaseBuilder();
    const recorded = c.recorded(RACE);
    failingUntil.set(recorded.id, Date.now() + 3000);
    await send([recorded], c.caseId);
    const failing = await pollUntil('the batch to be failing for a while', async () => {
      const health = await http.get('/health');
      return health.status === 503 ? health.body : undefined;
    });
    expect(failing).toMatchObject({ status: 'unhealthy', reason: expect.stringMatching(/failed to take a batch since .*Connection terminated unexpectedly/) });
    expect((await status()).failingBatch).toMatchObject({ attempts: expect.any(Number), error: 'Connection terminated unexpectedly' });
    await pollUntil('the batch to be taken', async () => ((await eventsOf(c.caseId)).length === 1 ? true : undefined), { timeoutMs: 30_000 });
    await http.get('/health').expect(200);
    expect((await status()).failingBatch).toBeNull();
    expect((await listDeadLetters(READ_MODEL.consumer)).filter((letter) => letter.key === c.caseId)).toEqual([]);
  });
});
