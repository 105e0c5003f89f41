import { HeldEvents } from './held-events';

describe('HeldEvents', () => {
  it('counts the events held and the cases holding them, case by case', () => {
    const held = new HeldEvents();
    held.set('a', 2);
    held.set('b', 1);
    held.set('a', 1);
    expect(held.status()).toEqual({ events: 2, cases: 2, complete: false });
    held.set('b', 0);
    expect(held.status()).toEqual({ events: 1, cases: 1, complete: false });
  });

  it("keeps a batch's count of a case over the count of every case that read it before", () => {
    const held = new HeldEvents();
    held.begin();
    held.set('a', 0);
    held.counted('a', 3);
    held.counted('b', 2);
    held.counted('c', 0);
    held.end();
    expect(held.status()).toEqual({ events: 2, cases: 1, complete: true });
    // After the count, batches go on setting cases.
    held.set('b', 0);
    expect(held.status()).toEqual({ events: 0, cases: 0, complete: true });
  });
});
