import type { DefendantSentenced, DefendantSentencedV1 } from './courts.events';
import type { EventEnvelope } from './envelope';

/**
 * A published event shape is never edited: a change is a new schema version, and an upcaster turns
 * the data of version n into version n+1. Readers (consumers, the event stores, the projection)
 * always work on the latest version; stored and published bytes stay as they were written.
 */
type Upcaster = (data: any) => unknown;

const UPCASTERS: Readonly<Record<string, Readonly<Record<number, Upcaster>>>> = {
  'courts.DefendantSentenced': {
    1: (data: DefendantSentencedV1['data']): DefendantSentenced['data'] => ({
      caseId: data.caseId,
      defendantId: data.defendantId,
      sentencedAt: data.sentencedAt,
      courtType: data.courtType,
      offences: [{ offenceId: 'all', sentence: data.sentence, ...(data.uplift ? { uplift: data.uplift } : {}) }],
    }),
  },
};

/** `uk.gov.cjs.hatecrime.courts.DefendantSentenced` -> `courts.DefendantSentenced` */
export function schemaName(type: string): string {
  return type.replace(/^uk\.gov\.cjs\.hatecrime\./, '');
}

export function upcast<T extends EventEnvelope>(envelope: T): T {
  const steps = UPCASTERS[schemaName(envelope.type)];
  if (!steps) return envelope;
  let { data, schemaversion } = envelope as EventEnvelope;
  for (let step = steps[schemaversion]; step; step = steps[schemaversion]) {
    data = step(data);
    schemaversion += 1;
  }
  return { ...envelope, data, schemaversion };
}
