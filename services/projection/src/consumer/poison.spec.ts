import type { ConsumedBatch } from '@hc/kafka';
import { applyRefusingPoison } from './poison';
import type { BatchOutcome } from './projection-writer';

const batch: ConsumedBatch = {
  topic: 'police',
  partition: 0,
  messages: ['10', '11', '12'].map((offset) => ({ topic: 'police', partition: 0, offset, key: 'k', value: `v${offset}` })),
};
const outcome = (applied: number, rejected: string[] = []): BatchOutcome => ({
  fresh: applied + rejected.length,
  applied,
  rejected: rejected.map((offset) => ({ message: batch.messages.find((message) => message.offset === offset)!, reason: 'refused' })),
  held: [],
  casesRebuilt: applied,
  statisticsRefreshed: false,
  statisticsStale: applied > 0,
});

describe('applyRefusingPoison', () => {
  it('takes a batch as it comes when the database takes it', async () => {
    const calls: string[][] = [];
    const result = await applyRefusingPoison(batch, async (taken) => {
      calls.push(taken.messages.map((message) => message.offset));
      return outcome(taken.messages.length);
    });
    expect(calls).toEqual([['10', '11', '12']]);
    expect(result.applied).toBe(3);
  });

  it('takes a batch the database refuses for its data one message at a time, refusing only the message it refuses', async () => {
    const calls: Array<[string[], string[]]> = [];
    const result = await applyRefusingPoison(batch, async (taken, refuse) => {
      const offsets = taken.messages.map((message) => message.offset);
      calls.push([offsets, [...(refuse?.keys() ?? [])]]);
      if (offsets.includes('11') && !refuse?.has('11')) throw Object.assign(new Error('invalid input syntax'), { code: '22P02' });
      return refuse ? outcome(0, [...refuse.keys()]) : outcome(offsets.length);
    });
    expect(calls).toEqual([
      [['10', '11', '12'], []],
      [['10'], []],
      [['11'], []],
      [['11'], ['11']],
      [['12'], []],
    ]);
    expect(result).toMatchObject({ applied: 2, fresh: 3, casesRebuilt: 2, statisticsStale: true });
    expect(result.rejected.map((rejected) => rejected.message.offset)).toEqual(['11']);
  });

  it('names the database reason in the refusal', async () => {
    const reasons: string[] = [];
    await applyRefusingPoison({ ...batch, messages: [batch.messages[0]!] }, async (_taken, refuse) => {
      if (!refuse) throw Object.assign(new Error('time zone displacement out of range'), { code: '22009' });
      reasons.push(...refuse.values());
      return outcome(0, ['10']);
    });
    expect(reasons).toEqual(['the database refused to store it: time zone displacement out of range (SQLSTATE 22009)']);
  });

  it('throws any other error, for the batch to be retried', async () => {
    await expect(
      applyRefusingPoison(batch, async () => {
        throw Object.assign(new Error('Connection terminated unexpectedly'), { code: '08006' });
      }),
    ).rejects.toThrow('Connection terminated unexpectedly');
  });
});
