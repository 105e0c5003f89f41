import { isInstant, unstorableText } from './storable';
import { validateEnvelope } from './schemas';

describe('what every database downstream can store', () => {
  it.each(['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.123456+01:00', '2024-02-29T23:59:59-15:59', '2024-05-01t10:00:00z'])('takes the instant %s', (value) => {
    expect(isInstant(value)).toBe(true);
  });

  it.each([
    ['an offset PostgreSQL refuses', '2024-05-01T10:00:00+23:59'],
    ['an offset of 16 hours', '2024-05-01T10:00:00-16:00'],
    ['no zone', '2024-05-01T10:00:00'],
    ['a date only', '2024-05-01'],
    ['a week date', '2024-W18-3T10:00:00Z'],
    ['an ordinal date', '2024-122T10:00:00Z'],
    ['a day the month does not have', '2023-02-29T10:00:00Z'],
    ['year 0', '0000-05-01T10:00:00Z'],
    ['a number', 1714557600000],
  ])('refuses %s', (_what, value) => {
    expect(isInstant(value)).toBe(false);
  });

  it('finds a NUL or half a surrogate pair anywhere, and names where', () => {
    expect(unstorableText({ a: [{ b: 'x\u0000y' }] }, 'body')).toEqual({ path: 'body.a.0.b', reason: 'holds a NUL character, which no database downstream can store' });
    expect(unstorableText({ name: 'lone \udc00 low' }, '')).toMatchObject({ path: 'name', reason: expect.stringMatching(/surrogate/) });
    expect(unstorableText({ 'bad\ud800': 1 }, 'body')).toMatchObject({ path: 'body' });
    expect(unstorableText({ ok: 'Ünïcödé 😀 ‘quotes’', n: 1, list: ['a'] }, '')).toBeUndefined();
    const deep = JSON.parse('['.repeat(100000) + ']'.repeat(100000));
    expect(unstorableText({ deep }, 'body')).toMatchObject({ reason: 'nests deeper than 32 levels, deeper than any command or event' });
  });

  it('refuses an event holding either at the door, before its schema', () => {
    const envelope = {
      specversion: '1.0', id: '3e2d1c0b-4a59-4876-9a5b-4c3d2e1f0a9b', source: '/agencies/police', type: 'uk.gov.cjs.hatecrime.police.SuspectIdentified',
      time: '2024-05-10T09:00:00Z', subject: '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b', datacontenttype: 'application/json', causationid: 'c', correlationid: 'c',
      streamversion: 2, schemaversion: 1,
      data: { caseId: '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b', suspectId: '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01', identifiedAt: '2024-05-10T09:00:00Z' },
    };
    expect(validateEnvelope(envelope)).toMatchObject({ valid: true });
    expect(validateEnvelope({ ...envelope, causationid: 'c\u0000' })).toEqual({
      valid: false,
      reason: 'envelope.causationid holds a NUL character, which no database downstream can store',
    });
    expect(validateEnvelope({ ...envelope, data: { ...envelope.data, identifiedAt: '2024-05-10T09:00:00+23:59' } })).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/data\/identifiedAt must match format "date-time"/),
    });
    expect(validateEnvelope({ ...envelope, time: '2024-05-10' })).toMatchObject({ valid: false, reason: expect.stringMatching(/envelope\/time must match format/) });
  });
});
