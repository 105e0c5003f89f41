import { CaseBuilder, RACE } from '../journey/testing/case-builder';
import type { EventEnvelope } from '@hc/contracts';
import { CaseStreams, newEvents } from './stream-versions';

describe('CaseStreams', () => {
  const c = new CaseBuilder();
  const recorded = c.recorded(RACE);
  c.suspect();
  const suspect = c.events[1]!;
  const referral = c.referred([], RACE);
  const cpsFirst = c.received([], RACE, referral);

  it('knows the events it holds by id', () => {
    const streams = new CaseStreams([recorded, suspect]);
    expect(streams.has(recorded.id)).toBe(true);
    expect(streams.has(cpsFirst.id)).toBe(false);
  });

  it('names the event that took a version when another event claims it, in the same agency stream only', () => {
    const streams = new CaseStreams([recorded, suspect]);
    const repeat = { ...suspect, id: 'another-id' };
    expect(streams.repeatOf(repeat)).toMatch(new RegExp(`^version 2 of the police stream of case ${c.caseId} is already taken by event ${suspect.id}; `));
    // A copy of the same event is not a repeat; version 1 of the CPS stream is free.
    expect(streams.repeatOf(suspect)).toBeUndefined();
    expect(streams.repeatOf({ ...cpsFirst, streamversion: 1 })).toBeUndefined();
    // A version past a gap is not a repeat: it may be waiting for the missing one.
    expect(streams.repeatOf({ ...suspect, id: 'later', streamversion: 999 })).toBeUndefined();
  });

  it('keeps the first event added at a version', () => {
    const streams = new CaseStreams();
    streams.add(suspect);
    streams.add({ ...suspect, id: 'second' });
    expect(streams.repeatOf({ ...suspect, id: 'third' })).toMatch(new RegExp(`taken by event ${suspect.id};`));
  });
});

describe('newEvents', () => {
  const c = new CaseBuilder();
  c.recorded(RACE);
  c.suspect();
  c.suspect();
  const [recorded, second, third] = c.events as [EventEnvelope, EventEnvelope, EventEnvelope];
  const item = (envelope: EventEnvelope, offset: string) => ({ envelope, message: { topic: 'police', partition: 0, offset, key: c.caseId, value: JSON.stringify(envelope) } });

  it('adds events new to the case, drops copies, refuses another event at a version taken (stored or earlier in the batch), and holds none back past a gap', () => {
    const known = new CaseStreams([recorded]);
    const forged = { ...second, id: 'forged', streamversion: 999 };
    const repeatOfStored = { ...recorded, id: 'repeat-of-1' };
    const repeatInBatch = { ...third, id: 'repeat-of-3' };
    const { added, repeats } = newEvents(known, [
      item(recorded, '1'),
      item(third, '2'),
      item(third, '3'),
      item(repeatOfStored, '4'),
      item(repeatInBatch, '5'),
      item(forged, '6'),
    ]);
    expect(added.map((entry) => entry.envelope.id)).toEqual([third.id, 'forged']);
    expect(repeats.map((repeat) => [repeat.message.offset, repeat.reason.split(';')[0]])).toEqual([
      ['4', `version 1 of the police stream of case ${c.caseId} is already taken by event ${recorded.id}`],
      ['5', `version 3 of the police stream of case ${c.caseId} is already taken by event ${third.id}`],
    ]);
    // What the case held is left as it was: the batch may yet roll back.
    expect(known.has(third.id)).toBe(false);
  });
});
