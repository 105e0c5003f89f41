import { CaseBuilder, RACE } from '../journey/testing/case-builder';
import { CaseStreams } from './stream-versions';

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
