import {
  agencySource,
  eventTypeName,
  LATEST_SCHEMA_VERSION,
  type Agency,
  type CourtsEvent,
  type CourtType,
  type CpsEvent,
  type EventEnvelope,
  type HateCrimeFlag,
  type Offence,
  type OffenceSentence,
  type PoliceEvent,
  type PreChargeDecision,
  type ProsecutionOutcome,
  type UpliftDecision,
  type UpliftDecisionV2,
} from '@hc/contracts';

/**
 * Builds the events of one case as the three agencies would publish them (stream versions per
 * agency, causation from the upstream event), for the journey, audit and timeline tests.
 */
let sequence = 0;
export function testId(): string {
  sequence += 1;
  return `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`;
}

export const RACE: HateCrimeFlag = { strands: ['race'], perceivedBy: ['victim'] };
export const RACE_AND_RELIGION: HateCrimeFlag = { strands: ['religion', 'race'], perceivedBy: ['victim', 'officer'], religionTargetedGroup: 'anti_muslim' };
export const HARASSMENT: Offence = { offenceId: 'off-1', code: '8L', aggravatedUnder: 'CDA1998_s31' };
export const ANNOUNCED: UpliftDecision = { applied: true, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: ['race'] };

type Data<E extends { type: string; data: unknown }, T extends E['type']> = Extract<E, { type: T }>['data'];
type WithoutCase<D> = Omit<D, 'caseId'>;

export class CaseBuilder {
  readonly events: EventEnvelope[] = [];
  private readonly versions: Record<Agency, number> = { police: 0, cps: 0, courts: 0 };
  urn = '01/AB/12345/24';

  constructor(readonly caseId: string = testId()) {}

  /** Takes back the last events built, as if they had never been recorded (their stream versions are free again). */
  removeLast(count = 1): void {
    for (const event of this.events.splice(-count)) this.versions[event.source.split('/')[2] as Agency] -= 1;
  }

  /** An event in the latest version of its schema, unless a version is given (an old event's data, as it was published). */
  private add(agency: Agency, type: string, data: object, time: string, schemaversion = LATEST_SCHEMA_VERSION[`${agency}.${type}`] ?? 1): EventEnvelope {
    this.versions[agency] += 1;
    const envelope: EventEnvelope = {
      specversion: '1.0',
      id: testId(),
      source: agencySource(agency),
      type: eventTypeName(agency, type),
      time,
      subject: this.caseId,
      datacontenttype: 'application/json',
      causationid: this.events.at(-1)?.id ?? this.caseId,
      correlationid: this.caseId,
      streamversion: this.versions[agency],
      schemaversion,
      data: { caseId: this.caseId, ...data },
    };
    this.events.push(envelope);
    return envelope;
  }

  police<T extends PoliceEvent['type']>(type: T, data: WithoutCase<Data<PoliceEvent, T>>, time = '2024-05-01T10:00:00Z'): EventEnvelope {
    return this.add('police', type, data, time);
  }

  cps<T extends CpsEvent['type']>(type: T, data: WithoutCase<Data<CpsEvent, T>>, time = '2024-06-01T10:00:00Z'): EventEnvelope {
    return this.add('cps', type, data, time);
  }

  courts<T extends CourtsEvent['type']>(type: T, data: WithoutCase<Data<CourtsEvent, T>>, time = '2024-07-01T10:00:00Z'): EventEnvelope {
    return this.add('courts', type, data, time);
  }

  /** An event as an older version of its schema published it (free text and all), upcast on reading. */
  legacy(agency: Agency, type: string, schemaversion: number, data: object, time = '2024-07-01T10:00:00Z'): EventEnvelope {
    return this.add(agency, type, data, time, schemaversion);
  }

  recorded(flag: HateCrimeFlag | null = RACE, recordedAt = '2024-05-02T21:15:00Z'): EventEnvelope {
    return this.police('CrimeRecorded', { crimeReference: 'CR/1/24', forceCode: '01', recordedAt, offences: [HARASSMENT], ...(flag ? { hateCrime: flag } : {}) }, recordedAt);
  }

  suspect(suspectId = testId(), identifiedAt = '2024-05-10T09:00:00Z'): string {
    this.police('SuspectIdentified', { suspectId, identifiedAt }, identifiedAt);
    return suspectId;
  }

  referred(suspectIds: string[], flag: HateCrimeFlag | undefined, victimNeedsPassedOn = true, referredAt = '2024-05-20T14:00:00Z'): EventEnvelope {
    return this.police(
      'CaseReferredToCps',
      { urn: this.urn, forceCode: '01', referredAt, suspectIds, offences: [HARASSMENT], ...(flag ? { hateCrime: flag } : {}), victimNeedsPassedOn },
      referredAt,
    );
  }

  received(defendantIds: string[], flag: HateCrimeFlag | undefined, referral: EventEnvelope, victimNeedsReceived = true, receivedAt = '2024-05-20T14:00:05Z'): EventEnvelope {
    return this.cps(
      'CaseReceivedFromPolice',
      {
        urn: this.urn, forceCode: '01', cpsArea: 'London North', receivedAt, referralEventId: referral.id, defendantIds,
        offences: [HARASSMENT], ...(flag ? { hateCrime: flag } : {}), victimNeedsReceived,
      },
      receivedAt,
    );
  }

  decided(defendantId: string, decision: PreChargeDecision, flag: HateCrimeFlag | undefined, decidedAt = '2024-06-03T11:30:00Z'): EventEnvelope {
    return this.cps(
      'PreChargeDecisionMade',
      { urn: this.urn, defendantId, decision, decidedAt, charges: decision === 'charge' ? [HARASSMENT] : [], ...(flag ? { hateCrime: flag } : {}), cpsArea: 'London North' },
      decidedAt,
    );
  }

  courtReceived(defendantId: string, flag: HateCrimeFlag | undefined, charge: EventEnvelope, receivedAt = '2024-06-03T11:30:04Z'): EventEnvelope {
    return this.courts(
      'CaseReceivedFromCps',
      { urn: this.urn, defendantId, receivedAt, chargeEventId: charge.id, charges: [HARASSMENT], ...(flag ? { hateCrime: flag } : {}), cpsArea: 'London North' },
      receivedAt,
    );
  }

  convicted(defendantId: string, courtType: CourtType = 'magistrates', convictedAt = '2024-07-01T10:30:00Z'): EventEnvelope {
    return this.courts('DefendantConvicted', { defendantId, convictedAt, basis: 'guilty_plea', courtType }, convictedAt);
  }

  completed(defendantId: string, outcome: ProsecutionOutcome, completedAt = '2024-07-01T10:30:05Z', courtEventId?: string): EventEnvelope {
    return this.cps('ProsecutionCompleted', { defendantId, outcome, completedAt, ...(courtEventId ? { courtEventId } : {}) }, completedAt);
  }

  sentenced(defendantId: string, offences: OffenceSentence[], courtType: CourtType = 'magistrates', sentencedAt = '2024-08-19T12:00:00Z'): EventEnvelope {
    return this.courts('DefendantSentenced', { defendantId, sentencedAt, courtType, offences }, sentencedAt);
  }

  /** A sentence as version 1 published it: one sentence and one uplift decision, upcast on reading. */
  sentencedV1(defendantId: string, sentence: string, uplift: UpliftDecisionV2 | undefined, courtType: CourtType = 'crown', sentencedAt = '2024-08-19T12:00:00Z'): EventEnvelope {
    return this.legacy('courts', 'DefendantSentenced', 1, { defendantId, sentencedAt, courtType, sentence, ...(uplift ? { uplift } : {}) }, sentencedAt);
  }

  informed(defendantId: string, upliftExplained: boolean, informedAt = '2024-08-19T16:00:00Z'): EventEnvelope {
    return this.courts('VictimInformedOfOutcome', { defendantId, victimId: testId(), informedAt, upliftExplained }, informedAt);
  }
}

/** A seeded Fisher-Yates shuffle (mulberry32), so a failing order can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}
