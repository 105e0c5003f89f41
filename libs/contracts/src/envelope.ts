/**
 * Every message on an agency topic is one event in this envelope: the CloudEvents 1.0 attributes
 * (extension names are lower-case alphanumerics, as CloudEvents requires) plus the causation and
 * correlation ids, the version of the event in its stream and the version of the payload schema.
 * The Kafka key is always the case id, which is also the subject.
 */
export type Agency = 'police' | 'cps' | 'courts';

export const EVENT_TYPE_PREFIX = 'uk.gov.cjs.hatecrime';

export interface EventEnvelope<TType extends string = string, TData = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: `${typeof EVENT_TYPE_PREFIX}.${Agency}.${TType}`;
  readonly time: string;
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  readonly causationid: string;
  readonly correlationid: string;
  readonly streamversion: number;
  readonly schemaversion: number;
  readonly data: TData;
}

export function agencySource(agency: Agency): string {
  return `/agencies/${agency}`;
}

export function eventTypeName<TType extends string>(agency: Agency, type: TType) {
  return `${EVENT_TYPE_PREFIX}.${agency}.${type}` as const;
}

/** `uk.gov.cjs.hatecrime.cps.CaseReceivedFromPolice` -> `{ agency: 'cps', name: 'CaseReceivedFromPolice' }` */
export function parseEventType(type: string): { agency: Agency; name: string } | undefined {
  const match = /^uk\.gov\.cjs\.hatecrime\.(police|cps|courts)\.([A-Za-z]+)$/.exec(type);
  if (!match) return undefined;
  return { agency: match[1] as Agency, name: match[2] as string };
}
