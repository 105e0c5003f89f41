import { permanentDatabaseError } from '@hc/event-store';
import type { ConsumedBatch } from '@hc/kafka';
import type { BatchOutcome } from './projection-writer';

/** Applies a batch; `refuse` names messages (by offset) to take as refused, with the reason. */
export type ApplyBatch = (batch: ConsumedBatch, refuse?: ReadonlyMap<string, string>) => Promise<BatchOutcome>;

/**
 * A batch the database refuses for its data (a value it cannot store, which retrying cannot
 * cure) is taken again one message at a time, and the message it refuses is taken as refused:
 * dead-lettered with the database's reason and its offset stored. So one such value never stops
 * a partition, and every other message of the batch is still taken, once. Any other error (the
 * database or the broker unreachable, a deadlock) is thrown, for the batch to be retried.
 */
export async function applyRefusingPoison(batch: ConsumedBatch, apply: ApplyBatch): Promise<BatchOutcome> {
  try {
    return await apply(batch);
  } catch (error) {
    const reason = permanentDatabaseError(error);
    if (!reason) throw error;
    if (batch.messages.length === 1) return apply(batch, new Map([[batch.messages[0]!.offset, `the database refused to store it: ${reason}`]]));
    const outcomes: BatchOutcome[] = [];
    for (const message of batch.messages) {
      const outcome = await applyRefusingPoison({ ...batch, messages: [message] }, apply);
      if (outcome.rewindTo !== undefined) return outcome;
      outcomes.push(outcome);
    }
    return merged(outcomes);
  }
}

/** The outcome of a batch taken message by message, as one. */
function merged(outcomes: readonly BatchOutcome[]): BatchOutcome {
  const sum = (count: (outcome: BatchOutcome) => number) => outcomes.reduce((total, outcome) => total + count(outcome), 0);
  const missing = outcomes.find((outcome) => outcome.missing)?.missing;
  return {
    fresh: sum((outcome) => outcome.fresh),
    applied: sum((outcome) => outcome.applied),
    rejected: outcomes.flatMap((outcome) => outcome.rejected),
    held: outcomes.flatMap((outcome) => outcome.held),
    casesRebuilt: sum((outcome) => outcome.casesRebuilt),
    statisticsRefreshed: outcomes.some((outcome) => outcome.statisticsRefreshed),
    statisticsStale: outcomes.some((outcome) => outcome.statisticsStale),
    ...(missing ? { missing } : {}),
  };
}
