import {
  LATEST_SCHEMA_VERSION,
  normaliseStrands,
  parseEventType,
  upcast,
  type Agency,
  type ConvictionBasis,
  type AcquittalBasis,
  type CourtType,
  type CourtsEvent,
  type CpsEvent,
  type EventEnvelope,
  type HateCrimeFlag,
  type HateCrimeStrand,
  type Offence,
  type OffenceSentence,
  type Plea,
  type PoliceEvent,
  type PreChargeDecision,
  type ProsecutionOutcome,
  type RiskLevel,
  type VictimNeed,
} from '@hc/contracts';
import { assertNever } from '@hc/domain';

/**
 * What each agency has said about one case, folded from the set of the case's events. The fold
 * depends only on which events arrived, not in what order or how often: events are de-duplicated
 * by id and folded in a canonical order (agency, then the version in the agency's stream), so
 * "the flag the police held when they referred" is the police stream up to the referral.
 */

/** A flag as one agency holds it at one moment: on or off, and its strands. */
export interface FlagView {
  readonly flagged: boolean;
  readonly strands: readonly HateCrimeStrand[];
}

export const UNFLAGGED: FlagView = Object.freeze({ flagged: false, strands: Object.freeze([]) as readonly HateCrimeStrand[] });

export function flagView(flag: HateCrimeFlag | undefined): FlagView {
  return flag ? { flagged: true, strands: normaliseStrands(flag.strands) } : UNFLAGGED;
}

export interface EventRef {
  readonly eventId: string;
  readonly at: string;
}

export interface PoliceFacts {
  recorded?: EventRef & {
    readonly forceCode: string;
    readonly crimeReference: string;
    readonly offences: readonly Offence[];
    readonly flag: FlagView;
  };
  /** The police flag now, after every police event. */
  flag: FlagView;
  religionTargetedGroup: string | null;
  perceivedBy: readonly string[];
  /** Reason of the last police removal, while the flag stays removed. */
  flagRemovedReason: string | null;
  /** The flag the force's record dropped without a reason, while it stays dropped (the case is still a hate crime). */
  flagDroppedFrom: FlagView | null;
  readonly suspects: Map<string, { identifiedAt: string }>;
  /** The first referral: the hand-over the police -> CPS boundary is judged at. */
  referral?: EventRef & {
    readonly urn: string;
    readonly forceCode: string;
    readonly suspectIds: readonly string[];
    /**
     * The police flag just before the referral, in the police stream; a flag the record dropped
     * without a reason counts as still held, so that the referral without it shows as a loss.
     */
    readonly flagBefore: FlagView;
    /** The police record had dropped the flag without a reason before the referral. */
    readonly droppedBefore: boolean;
    /** The flag the referral carried. */
    readonly flag: FlagView;
    readonly victimNeedsPassedOn: boolean;
    /** Victims' needs the police had assessed before referring. */
    readonly assessmentsBefore: number;
  };
  /** When each suspect was referred (a later referral may add suspects). */
  readonly referredAt: Map<string, string>;
  readonly victims: Map<string, { assessedAt: string; enhancedService: boolean; riskLevel: RiskLevel; needs: readonly VictimNeed[] }>;
  outcome?: EventRef & { readonly code: number };
}

export interface PreChargeDecisionFacts extends EventRef {
  readonly decision: PreChargeDecision;
  readonly charges: readonly Offence[];
  /** The flag the decision carried to the court. */
  readonly flag: FlagView;
  /** The CPS flag just before the decision, in the CPS stream. */
  readonly flagBefore: FlagView;
}

export interface CpsFacts {
  received?: EventRef & {
    readonly urn: string;
    readonly forceCode: string;
    readonly cpsArea: string;
    readonly defendantIds: readonly string[];
    readonly flag: FlagView;
    readonly victimNeedsReceived: boolean;
  };
  /** The CPS flag now, after every CPS event. */
  flag: FlagView;
  /** The CPS event that set the flag as it is now (receipt, confirmation, application or removal). */
  flagSetBy?: EventRef;
  /** Set while the flag stays removed by a CPS removal, which always has a reason. */
  flagRemoved?: EventRef & { readonly reason: string };
  cpsArea: string | null;
  urn: string | null;
  /** The last pre-charge decision on each defendant. */
  readonly decisions: Map<string, PreChargeDecisionFacts>;
  /** The last charge of each defendant (a charge after a first decision of no further action counts). */
  readonly charges: Map<string, PreChargeDecisionFacts>;
  readonly completions: Map<string, EventRef & { readonly outcome: ProsecutionOutcome }>;
  specialMeasuresAppliedFor: boolean;
}

export interface CourtDefendantFacts {
  received?: EventRef & { readonly flag: FlagView; readonly charges: readonly Offence[] };
  /** The court's flag on this defendant now: the one the case was opened with, unless the court's own record says otherwise. */
  flag: FlagView;
  /** The court event that set the flag as it is now (the receipt, or the court's record). */
  flagSetBy?: EventRef;
  /** Set while the court's record says not a hate crime, with its reason. */
  flagRemoved?: EventRef & { readonly reason: string };
  listed?: EventRef & { readonly courtCode: string };
  sentToCrown?: EventRef & { readonly courtCode: string };
  plea?: EventRef & { readonly plea: Plea };
  convicted?: EventRef & { readonly basis: ConvictionBasis };
  acquitted?: EventRef & { readonly basis: AcquittalBasis };
  sentenced?: EventRef & { readonly offences: readonly OffenceSentence[] };
  /** The first time the victim was told of this defendant's outcome, and whether any telling explained the uplift. */
  victimInformed?: EventRef & { upliftExplained: boolean };
  readonly courtTypes: Set<CourtType>;
}

export interface CourtsFacts {
  urn: string | null;
  cpsArea: string | null;
  readonly defendants: Map<string, CourtDefendantFacts>;
}

export interface CaseFacts {
  readonly caseId: string;
  readonly police: PoliceFacts;
  readonly cps: CpsFacts;
  readonly courts: CourtsFacts;
  /** Every defendant any agency named, in first-seen canonical order. */
  readonly defendantIds: readonly string[];
  readonly eventCount: number;
  readonly lastEventAt: string | null;
  /** Events not counted: past a gap in their agency's stream versions, or a second event at one version. */
  readonly heldEventIds: readonly string[];
}

/** ISO 8601 times compared as instants (their text may differ in precision or offset). */
export function isBefore(a: string, b: string): boolean {
  // Same shape in UTC (the common case): the text orders as the instants do.
  if (a.length === b.length && a.endsWith('Z') && b.endsWith('Z')) return a < b;
  return Date.parse(a) < Date.parse(b);
}

const AGENCY_ORDER: Record<Agency, number> = { police: 0, cps: 1, courts: 2 };

const parsedTypes = new Map<string, ReturnType<typeof parseEventType>>();

/** The agency and name of an event type (a handful of types, parsed once each). */
export function eventTypeOf(type: string): ReturnType<typeof parseEventType> {
  let parsed = parsedTypes.get(type);
  if (parsed === undefined && !parsedTypes.has(type)) {
    parsed = parseEventType(type);
    if (parsedTypes.size < 1000) parsedTypes.set(type, parsed);
  }
  return parsed;
}

function agencyOf(event: EventEnvelope): Agency {
  return eventTypeOf(event.type)?.agency ?? 'courts';
}

/** De-duplicated by id, in the order the fold reads them: agency, stream version, id. */
export function canonicalOrder(events: readonly EventEnvelope[]): EventEnvelope[] {
  const unique = new Map<string, { event: EventEnvelope; rank: number }>();
  for (const event of events) unique.set(event.id, { event, rank: AGENCY_ORDER[agencyOf(event)] });
  return [...unique.values()]
    .sort((a, b) => a.rank - b.rank || a.event.streamversion - b.event.streamversion || (a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0))
    .map((item) => item.event);
}

/**
 * The events of a case that count, in canonical order, and those held back. Each agency's stream
 * counts from version 1 without a gap or a repeat: an event past a gap waits for the one missing
 * (it may yet arrive, and then everything after it counts), and a second event at a version already
 * taken (a forged or broken message: its id differs) never counts.
 */
export function countedEvents(caseId: string, events: readonly EventEnvelope[]): { counted: EventEnvelope[]; held: EventEnvelope[] } {
  const next: Record<Agency, number> = { police: 1, cps: 1, courts: 1 };
  const counted: EventEnvelope[] = [];
  const held: EventEnvelope[] = [];
  for (const envelope of canonicalOrder(events)) {
    if (envelope.subject !== caseId) continue;
    const agency = eventTypeOf(envelope.type)?.agency;
    if (!agency) continue;
    if (envelope.streamversion !== next[agency]) {
      held.push(envelope);
      continue;
    }
    next[agency] += 1;
    counted.push(envelope);
  }
  return { counted, held };
}

/** The event in the latest version of its schema (upcast only when it is older). */
function latest(event: EventEnvelope, agency: Agency, name: string): EventEnvelope {
  return event.schemaversion < (LATEST_SCHEMA_VERSION[`${agency}.${name}`] ?? event.schemaversion) ? upcast(event) : event;
}

function emptyFacts(caseId: string): Omit<CaseFacts, 'defendantIds' | 'eventCount' | 'lastEventAt' | 'heldEventIds'> {
  return {
    caseId,
    police: {
      flag: UNFLAGGED,
      religionTargetedGroup: null,
      perceivedBy: [],
      flagRemovedReason: null,
      flagDroppedFrom: null,
      suspects: new Map(),
      referredAt: new Map(),
      victims: new Map(),
    },
    cps: {
      flag: UNFLAGGED,
      cpsArea: null,
      urn: null,
      decisions: new Map(),
      charges: new Map(),
      completions: new Map(),
      specialMeasuresAppliedFor: false,
    },
    courts: { urn: null, cpsArea: null, defendants: new Map() },
  };
}

/**
 * Folds the events of one case (any versions: they are upcast here) into what each agency holds.
 * Events of another case are ignored.
 */
export function foldCaseFacts(caseId: string, events: readonly EventEnvelope[]): CaseFacts {
  const facts = emptyFacts(caseId);
  const defendantIds: string[] = [];
  const seen = new Set<string>();
  const named = (id: string) => {
    if (!seen.has(id)) {
      seen.add(id);
      defendantIds.push(id);
    }
  };
  let eventCount = 0;
  let lastEventAt: string | null = null;
  const { counted, held } = countedEvents(caseId, events);
  for (const envelope of counted) {
    const parsed = eventTypeOf(envelope.type)!;
    const event = latest(envelope, parsed.agency, parsed.name);
    eventCount += 1;
    if (lastEventAt === null || isBefore(lastEventAt, event.time)) lastEventAt = event.time;
    const ref = (at: string): EventRef => ({ eventId: event.id, at });
    switch (parsed.agency) {
      case 'police':
        evolvePolice(facts.police, { type: parsed.name, data: event.data } as PoliceEvent, ref, named);
        break;
      case 'cps':
        evolveCps(facts.cps, { type: parsed.name, data: event.data } as CpsEvent, ref, named);
        break;
      case 'courts':
        evolveCourts(facts.courts, { type: parsed.name, data: event.data } as CourtsEvent, ref, named);
        break;
      default:
        assertNever(parsed.agency, 'agency');
    }
  }
  return { ...facts, defendantIds, eventCount, lastEventAt, heldEventIds: held.map((event) => event.id) };
}

type Ref = (at: string) => EventRef;

function evolvePolice(police: PoliceFacts, event: PoliceEvent, ref: Ref, named: (id: string) => void): void {
  switch (event.type) {
    case 'CrimeRecorded': {
      const { data } = event;
      const flag = flagView(data.hateCrime);
      police.recorded = { ...ref(data.recordedAt), forceCode: data.forceCode, crimeReference: data.crimeReference, offences: data.offences, flag };
      police.flag = flag;
      police.religionTargetedGroup = data.hateCrime?.religionTargetedGroup ?? null;
      police.perceivedBy = data.hateCrime?.perceivedBy ?? [];
      police.flagRemovedReason = null;
      police.flagDroppedFrom = null;
      return;
    }
    case 'HateCrimeFlagApplied':
    case 'HateCrimeFlagChanged': {
      const { data } = event;
      police.flag = flagView(data.hateCrime);
      police.religionTargetedGroup = data.hateCrime.religionTargetedGroup ?? null;
      police.perceivedBy = data.hateCrime.perceivedBy;
      police.flagRemovedReason = null;
      police.flagDroppedFrom = null;
      return;
    }
    case 'HateCrimeFlagRemoved':
      police.flag = UNFLAGGED;
      police.flagRemovedReason = event.data.reason;
      police.flagDroppedFrom = null;
      return;
    case 'HateCrimeFlagRecorded': {
      const { data } = event;
      if (data.hateCrime) {
        police.flag = flagView(data.hateCrime);
        police.religionTargetedGroup = data.hateCrime.religionTargetedGroup ?? null;
        police.perceivedBy = data.hateCrime.perceivedBy;
        police.flagDroppedFrom = null;
      } else {
        // Dropped without a reason: remember the flag it had, as the case is still a hate crime.
        if (!data.reason) police.flagDroppedFrom = police.flag.flagged ? police.flag : police.flagDroppedFrom;
        else police.flagDroppedFrom = null;
        police.flag = UNFLAGGED;
      }
      police.flagRemovedReason = data.reason ?? null;
      return;
    }
    case 'SuspectIdentified':
      named(event.data.suspectId);
      police.suspects.set(event.data.suspectId, { identifiedAt: event.data.identifiedAt });
      return;
    case 'CaseReferredToCps': {
      const { data } = event;
      for (const id of data.suspectIds) {
        named(id);
        if (!police.referredAt.has(id)) police.referredAt.set(id, data.referredAt);
      }
      police.referral ??= {
        ...ref(data.referredAt),
        urn: data.urn,
        forceCode: data.forceCode,
        suspectIds: data.suspectIds,
        flagBefore: police.flag.flagged ? police.flag : (police.flagDroppedFrom ?? UNFLAGGED),
        droppedBefore: !police.flag.flagged && police.flagDroppedFrom !== null,
        flag: flagView(data.hateCrime),
        victimNeedsPassedOn: data.victimNeedsPassedOn,
        assessmentsBefore: police.victims.size,
      };
      return;
    }
    case 'VictimNeedsAssessed': {
      const { data } = event;
      police.victims.set(data.victimId, {
        assessedAt: data.assessedAt,
        enhancedService: data.enhancedService,
        riskLevel: data.riskLevel,
        needs: data.needs,
      });
      return;
    }
    case 'PoliceOutcomeAssigned':
      police.outcome = { ...ref(event.data.assignedAt), code: event.data.outcomeCode };
      return;
    default:
      assertNever(event, 'police event');
  }
}

function evolveCps(cps: CpsFacts, event: CpsEvent, ref: Ref, named: (id: string) => void): void {
  switch (event.type) {
    case 'CaseReceivedFromPolice': {
      const { data } = event;
      for (const id of data.defendantIds) named(id);
      const flag = flagView(data.hateCrime);
      cps.received = {
        ...ref(data.receivedAt),
        urn: data.urn,
        forceCode: data.forceCode,
        cpsArea: data.cpsArea,
        defendantIds: data.defendantIds,
        flag,
        victimNeedsReceived: data.victimNeedsReceived,
      };
      cps.flag = flag;
      cps.flagSetBy = ref(data.receivedAt);
      cps.flagRemoved = undefined;
      cps.cpsArea = data.cpsArea;
      cps.urn = data.urn;
      return;
    }
    case 'HateCrimeFlagConfirmed':
      cps.flag = flagView(event.data.hateCrime);
      cps.flagSetBy = ref(event.data.confirmedAt);
      cps.flagRemoved = undefined;
      return;
    case 'HateCrimeFlagApplied':
      cps.flag = flagView(event.data.hateCrime);
      cps.flagSetBy = ref(event.data.appliedAt);
      cps.flagRemoved = undefined;
      return;
    case 'HateCrimeFlagRemoved':
      cps.flag = UNFLAGGED;
      cps.flagSetBy = ref(event.data.removedAt);
      cps.flagRemoved = { ...ref(event.data.removedAt), reason: event.data.reason };
      return;
    case 'HateCrimeFlagRecorded': {
      const { data } = event;
      cps.flag = flagView(data.hateCrime);
      cps.flagSetBy = ref(data.recordedAt);
      cps.flagRemoved = data.reason ? { ...ref(data.recordedAt), reason: data.reason } : undefined;
      return;
    }
    case 'PreChargeDecisionMade': {
      const { data } = event;
      named(data.defendantId);
      const decision: PreChargeDecisionFacts = {
        ...ref(data.decidedAt),
        decision: data.decision,
        charges: data.charges,
        flag: flagView(data.hateCrime),
        flagBefore: cps.flag,
      };
      cps.decisions.set(data.defendantId, decision);
      if (data.decision === 'charge') cps.charges.set(data.defendantId, decision);
      cps.cpsArea ??= data.cpsArea;
      cps.urn ??= data.urn;
      return;
    }
    case 'SpecialMeasuresAppliedFor':
      cps.specialMeasuresAppliedFor = true;
      return;
    case 'ProsecutionCompleted':
      named(event.data.defendantId);
      cps.completions.set(event.data.defendantId, { ...ref(event.data.completedAt), outcome: event.data.outcome });
      return;
    default:
      assertNever(event, 'CPS event');
  }
}

function courtDefendant(courts: CourtsFacts, defendantId: string, named: (id: string) => void): CourtDefendantFacts {
  named(defendantId);
  let defendant = courts.defendants.get(defendantId);
  if (!defendant) courts.defendants.set(defendantId, (defendant = { flag: UNFLAGGED, courtTypes: new Set() }));
  return defendant;
}

function evolveCourts(courts: CourtsFacts, event: CourtsEvent, ref: Ref, named: (id: string) => void): void {
  switch (event.type) {
    case 'CaseReceivedFromCps': {
      const { data } = event;
      const defendant = courtDefendant(courts, data.defendantId, named);
      defendant.received = { ...ref(data.receivedAt), flag: flagView(data.hateCrime), charges: data.charges };
      // Until the court's own record (later in its stream) says otherwise.
      defendant.flag = defendant.received.flag;
      defendant.flagSetBy = ref(data.receivedAt);
      courts.urn ??= data.urn;
      courts.cpsArea ??= data.cpsArea;
      return;
    }
    case 'HateCrimeFlagRecorded': {
      const { data } = event;
      const defendant = courtDefendant(courts, data.defendantId, named);
      defendant.flag = flagView(data.hateCrime);
      defendant.flagSetBy = ref(data.recordedAt);
      defendant.flagRemoved = data.reason ? { ...ref(data.recordedAt), reason: data.reason } : undefined;
      return;
    }
    case 'CaseListed': {
      const defendant = courtDefendant(courts, event.data.defendantId, named);
      defendant.listed ??= { ...ref(event.data.listedAt), courtCode: event.data.courtCode };
      defendant.courtTypes.add('magistrates');
      return;
    }
    case 'DefendantSentToCrownCourt': {
      const defendant = courtDefendant(courts, event.data.defendantId, named);
      defendant.sentToCrown ??= { ...ref(event.data.sentAt), courtCode: event.data.crownCourtCode };
      defendant.courtTypes.add('crown');
      return;
    }
    case 'PleaEntered': {
      const defendant = courtDefendant(courts, event.data.defendantId, named);
      defendant.plea = { ...ref(event.data.enteredAt), plea: event.data.plea };
      defendant.courtTypes.add(event.data.courtType);
      return;
    }
    case 'DefendantConvicted': {
      const defendant = courtDefendant(courts, event.data.defendantId, named);
      defendant.convicted = { ...ref(event.data.convictedAt), basis: event.data.basis };
      defendant.courtTypes.add(event.data.courtType);
      return;
    }
    case 'DefendantAcquitted': {
      const defendant = courtDefendant(courts, event.data.defendantId, named);
      defendant.acquitted = { ...ref(event.data.acquittedAt), basis: event.data.basis };
      defendant.courtTypes.add(event.data.courtType);
      return;
    }
    case 'DefendantSentenced': {
      const defendant = courtDefendant(courts, event.data.defendantId, named);
      defendant.sentenced = { ...ref(event.data.sentencedAt), offences: event.data.offences };
      defendant.courtTypes.add(event.data.courtType);
      return;
    }
    case 'VictimInformedOfOutcome': {
      const { data } = event;
      const defendant = courtDefendant(courts, data.defendantId, named);
      const informed = defendant.victimInformed;
      if (!informed) defendant.victimInformed = { ...ref(data.informedAt), upliftExplained: data.upliftExplained };
      else {
        informed.upliftExplained ||= data.upliftExplained;
        if (isBefore(data.informedAt, informed.at)) defendant.victimInformed = { ...ref(data.informedAt), upliftExplained: informed.upliftExplained };
      }
      return;
    }
    default:
      assertNever(event, 'courts event');
  }
}
