import {
  classify,
  FLAG_APPLIED_REASONS,
  FLAG_CHANGED_REASONS,
  NOT_HATE_CRIME_REASONS,
  SENTENCE_TYPES,
  UPLIFT_NOT_APPLIED_REASONS,
} from './codes';
import type {
  CaseReceivedFromCps,
  CaseReceivedFromCpsV1,
  CourtHateCrimeFlagRecorded,
  CourtHateCrimeFlagRecordedV1,
  DefendantSentenced,
  DefendantSentencedV1,
  DefendantSentencedV2,
  UpliftDecision,
  UpliftDecisionV2,
} from './courts.events';
import type {
  CaseReceivedFromPolice,
  CaseReceivedFromPoliceV1,
  CpsHateCrimeFlagApplied,
  CpsHateCrimeFlagRemoved,
  PreChargeDecisionMade,
  PreChargeDecisionMadeV1,
} from './cps.events';
import type { EventEnvelope } from './envelope';
import type { FlagRecordedData, FlagRecordedDataV1 } from './hate-crime';
import type {
  CaseReferredToCps,
  CaseReferredToCpsV1,
  CrimeRecorded,
  CrimeRecordedV1,
  HateCrimeFlagApplied,
  HateCrimeFlagChanged,
  HateCrimeFlagReasonedV1,
  HateCrimeFlagRemoved,
  Offence,
  OffenceV1,
} from './police.events';

/**
 * A published event shape is never edited: a change is a new schema version, and an upcaster turns
 * the data of version n into version n+1. Readers (consumers, the event stores, the outbox relay,
 * the projection) always work on the latest version. An agency's own store keeps the bytes it
 * wrote (they are the agency's own record); everything that leaves it is upcast.
 *
 * The latest versions carry no free text: an upcaster drops the text an old event held (an offence
 * description, a typed reason or sentence) and gives the code it can, `unclassified` when the text
 * was not itself a code. So a name typed into an old event reaches neither a topic nor analytics.
 */
type Upcaster = (data: any) => unknown;

/** An offence without its description: the code stays. */
function offenceOf({ description: _description, ...offence }: OffenceV1): Offence {
  return offence;
}

function upliftOf({ reasonNotApplied, ...uplift }: UpliftDecisionV2): UpliftDecision {
  return { ...uplift, ...(reasonNotApplied !== undefined ? { reasonNotApplied: classify(reasonNotApplied, UPLIFT_NOT_APPLIED_REASONS) } : {}) };
}

/** A record of the flag with its reason as a code; a record without a reason (a flag lost) keeps none. */
function flagRecordOf<T extends FlagRecordedDataV1>({ reason, ...record }: T): Omit<T, 'reason'> & Pick<FlagRecordedData, 'reason'> {
  return { ...record, ...(reason !== undefined ? { reason: classify(reason, NOT_HATE_CRIME_REASONS) } : {}) };
}

/** A flag event of version 1 with its typed reason replaced by the code from `codes`. */
function reasonCoded<T extends { readonly type: string; readonly data: { readonly reason: string } }>(codes: readonly T['data']['reason'][]) {
  return (data: HateCrimeFlagReasonedV1<T>['data']): T['data'] => ({ ...data, reason: classify(data.reason, codes) }) as T['data'];
}

const UPCASTERS: Readonly<Record<string, Readonly<Record<number, Upcaster>>>> = {
  'police.CrimeRecorded': {
    1: (data: CrimeRecordedV1['data']): CrimeRecorded['data'] => ({ ...data, offences: data.offences.map(offenceOf) }),
  },
  'police.CaseReferredToCps': {
    1: (data: CaseReferredToCpsV1['data']): CaseReferredToCps['data'] => ({ ...data, offences: data.offences.map(offenceOf) }),
  },
  'police.HateCrimeFlagApplied': { 1: reasonCoded<HateCrimeFlagApplied>(FLAG_APPLIED_REASONS) },
  'police.HateCrimeFlagChanged': { 1: reasonCoded<HateCrimeFlagChanged>(FLAG_CHANGED_REASONS) },
  'police.HateCrimeFlagRemoved': { 1: reasonCoded<HateCrimeFlagRemoved>(NOT_HATE_CRIME_REASONS) },
  'police.HateCrimeFlagRecorded': { 1: flagRecordOf },
  'cps.CaseReceivedFromPolice': {
    1: (data: CaseReceivedFromPoliceV1['data']): CaseReceivedFromPolice['data'] => ({ ...data, offences: data.offences.map(offenceOf) }),
  },
  'cps.PreChargeDecisionMade': {
    1: (data: PreChargeDecisionMadeV1['data']): PreChargeDecisionMade['data'] => ({ ...data, charges: data.charges.map(offenceOf) }),
  },
  'cps.HateCrimeFlagApplied': { 1: reasonCoded<CpsHateCrimeFlagApplied>(FLAG_APPLIED_REASONS) },
  'cps.HateCrimeFlagRemoved': { 1: reasonCoded<CpsHateCrimeFlagRemoved>(NOT_HATE_CRIME_REASONS) },
  'cps.HateCrimeFlagRecorded': { 1: flagRecordOf },
  'courts.CaseReceivedFromCps': {
    1: (data: CaseReceivedFromCpsV1['data']): CaseReceivedFromCps['data'] => ({ ...data, charges: data.charges.map(offenceOf) }),
  },
  'courts.HateCrimeFlagRecorded': {
    1: (data: CourtHateCrimeFlagRecordedV1['data']): CourtHateCrimeFlagRecorded['data'] => flagRecordOf(data),
  },
  'courts.DefendantSentenced': {
    1: (data: DefendantSentencedV1['data']): DefendantSentencedV2['data'] => ({
      caseId: data.caseId,
      defendantId: data.defendantId,
      sentencedAt: data.sentencedAt,
      courtType: data.courtType,
      offences: [{ offenceId: 'all', sentence: data.sentence, ...(data.uplift ? { uplift: data.uplift } : {}) }],
    }),
    2: (data: DefendantSentencedV2['data']): DefendantSentenced['data'] => ({
      ...data,
      offences: data.offences.map(({ sentence, uplift, ...offence }) => ({
        ...offence,
        sentenceType: classify(sentence, SENTENCE_TYPES),
        ...(uplift ? { uplift: upliftOf(uplift) } : {}),
      })),
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
  return schemaversion === envelope.schemaversion ? envelope : { ...envelope, data, schemaversion };
}
