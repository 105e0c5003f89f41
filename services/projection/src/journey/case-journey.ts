import {
  normaliseStrands,
  parseEventType,
  type Agency,
  type CaseReceivedFromCps,
  type CaseReceivedFromPolice,
  type CaseReferredToCps,
  type CrimeRecorded,
  type DefendantConvicted,
  type DefendantSentenced,
  type EventEnvelope,
  type HateCrimeFlag,
  type HateCrimeStrand,
  type PreChargeDecisionMade,
  type SuspectIdentified,
} from '@hc/contracts';

/**
 * The journey of one case through police, CPS and courts, built from the set of its events. The
 * result depends only on which events arrived, not in what order or how often: events are
 * de-duplicated by id and folded in a canonical order (agency, then the version in the agency's
 * stream). Statistics are counted from these rows, never from counters bumped per message.
 */
export const STAGES = [
  'recorded',
  'suspect_identified',
  'referred_to_cps',
  'charged',
  'convicted',
  'sentenced',
  'uplift_announced',
] as const;
export type Stage = (typeof STAGES)[number];

export interface CaseRow {
  readonly caseId: string;
  forceCode: string | null;
  crimeReference: string | null;
  recordedAt: string | null;
  financialYear: string | null;
  policeFlagged: boolean;
  policeStrands: HateCrimeStrand[];
  religionTargetedGroup: string | null;
  perceivedBy: string[];
  urn: string | null;
  referredAt: string | null;
  victimNeedsPassedOn: boolean | null;
  /** Flag carried at the hand-over, as the police referred it. */
  referralFlagged: boolean | null;
  referralStrands: HateCrimeStrand[];
  cpsReceivedAt: string | null;
  cpsArea: string | null;
  cpsFlagged: boolean | null;
  cpsStrands: HateCrimeStrand[];
}

export interface DefendantRow {
  readonly caseId: string;
  readonly defendantId: string;
  suspectIdentifiedAt: string | null;
  referredAt: string | null;
  preChargeDecision: string | null;
  decidedAt: string | null;
  chargedAt: string | null;
  courtReceivedAt: string | null;
  courtFlagged: boolean | null;
  courtStrands: HateCrimeStrand[];
  convictedAt: string | null;
  convictionBasis: string | null;
  courtType: string | null;
  sentencedAt: string | null;
  upliftApplied: boolean | null;
  upliftProvision: string | null;
  upliftStatedInOpenCourt: boolean | null;
  upliftStrands: HateCrimeStrand[];
  upliftAnnounced: boolean;
  stageReached: Stage;
}

export interface CaseJourney {
  readonly caseRow: CaseRow;
  readonly defendants: DefendantRow[];
}

const AGENCY_ORDER: Record<Agency, number> = { police: 0, cps: 1, courts: 2 };

export function canonicalOrder(events: readonly EventEnvelope[]): EventEnvelope[] {
  const unique = new Map(events.map((event) => [event.id, event]));
  const agencyOf = (event: EventEnvelope) => AGENCY_ORDER[parseEventType(event.type)?.agency ?? 'courts'];
  return [...unique.values()].sort(
    (a, b) => agencyOf(a) - agencyOf(b) || a.streamversion - b.streamversion || a.id.localeCompare(b.id),
  );
}

const UK_YEAR_MONTH = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: 'numeric' });

/** April to March, as the Home Office and CPS publish; the date is taken in UK local time. */
export function financialYear(isoTime: string): string {
  const parts = UK_YEAR_MONTH.formatToParts(new Date(isoTime));
  const year = Number(parts.find((part) => part.type === 'year')?.value);
  const month = Number(parts.find((part) => part.type === 'month')?.value);
  const start = month >= 4 ? year : year - 1;
  return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}

function strandsOf(flag: HateCrimeFlag | undefined): HateCrimeStrand[] {
  return flag ? normaliseStrands(flag.strands) : [];
}

function emptyCase(caseId: string): CaseRow {
  return {
    caseId, forceCode: null, crimeReference: null, recordedAt: null, financialYear: null,
    policeFlagged: false, policeStrands: [], religionTargetedGroup: null, perceivedBy: [],
    urn: null, referredAt: null, victimNeedsPassedOn: null, referralFlagged: null, referralStrands: [],
    cpsReceivedAt: null, cpsArea: null, cpsFlagged: null, cpsStrands: [],
  };
}

function emptyDefendant(caseId: string, defendantId: string): DefendantRow {
  return {
    caseId, defendantId, suspectIdentifiedAt: null, referredAt: null, preChargeDecision: null, decidedAt: null,
    chargedAt: null, courtReceivedAt: null, courtFlagged: null, courtStrands: [], convictedAt: null,
    convictionBasis: null, courtType: null, sentencedAt: null, upliftApplied: null, upliftProvision: null,
    upliftStatedInOpenCourt: null, upliftStrands: [], upliftAnnounced: false, stageReached: 'suspect_identified',
  };
}

function stageOf(row: DefendantRow): Stage {
  if (row.upliftAnnounced) return 'uplift_announced';
  if (row.sentencedAt) return 'sentenced';
  if (row.convictedAt) return 'convicted';
  if (row.chargedAt) return 'charged';
  if (row.referredAt) return 'referred_to_cps';
  if (row.suspectIdentifiedAt) return 'suspect_identified';
  return 'recorded';
}

export function buildCaseJourney(caseId: string, events: readonly EventEnvelope[]): CaseJourney {
  const caseRow = emptyCase(caseId);
  const defendants = new Map<string, DefendantRow>();
  const defendant = (id: string) => {
    let row = defendants.get(id);
    if (!row) defendants.set(id, (row = emptyDefendant(caseId, id)));
    return row;
  };

  for (const event of canonicalOrder(events)) {
    const name = parseEventType(event.type)?.name;
    switch (name) {
      case 'CrimeRecorded': {
        const data = event.data as CrimeRecorded['data'];
        caseRow.forceCode = data.forceCode;
        caseRow.crimeReference = data.crimeReference;
        caseRow.recordedAt = data.recordedAt;
        caseRow.financialYear = financialYear(data.recordedAt);
        caseRow.policeFlagged = data.hateCrime !== undefined;
        caseRow.policeStrands = strandsOf(data.hateCrime);
        caseRow.religionTargetedGroup = data.hateCrime?.religionTargetedGroup ?? null;
        caseRow.perceivedBy = [...(data.hateCrime?.perceivedBy ?? [])];
        break;
      }
      case 'SuspectIdentified': {
        const data = event.data as SuspectIdentified['data'];
        defendant(data.suspectId).suspectIdentifiedAt = data.identifiedAt;
        break;
      }
      case 'CaseReferredToCps': {
        const data = event.data as CaseReferredToCps['data'];
        caseRow.urn = data.urn;
        caseRow.forceCode ??= data.forceCode;
        caseRow.referredAt = data.referredAt;
        caseRow.victimNeedsPassedOn = data.victimNeedsPassedOn;
        caseRow.referralFlagged = data.hateCrime !== undefined;
        caseRow.referralStrands = strandsOf(data.hateCrime);
        for (const id of data.suspectIds) defendant(id).referredAt = data.referredAt;
        break;
      }
      case 'CaseReceivedFromPolice': {
        const data = event.data as CaseReceivedFromPolice['data'];
        caseRow.urn ??= data.urn;
        caseRow.cpsReceivedAt = data.receivedAt;
        caseRow.cpsArea = data.cpsArea;
        caseRow.cpsFlagged = data.hateCrime !== undefined;
        caseRow.cpsStrands = strandsOf(data.hateCrime);
        for (const id of data.defendantIds) defendant(id);
        break;
      }
      case 'PreChargeDecisionMade': {
        const data = event.data as PreChargeDecisionMade['data'];
        const row = defendant(data.defendantId);
        row.preChargeDecision = data.decision;
        row.decidedAt = data.decidedAt;
        row.chargedAt = data.decision === 'charge' ? data.decidedAt : null;
        break;
      }
      case 'CaseReceivedFromCps': {
        const data = event.data as CaseReceivedFromCps['data'];
        const row = defendant(data.defendantId);
        row.courtReceivedAt = data.receivedAt;
        row.courtFlagged = data.hateCrime !== undefined;
        row.courtStrands = strandsOf(data.hateCrime);
        break;
      }
      case 'DefendantConvicted': {
        const data = event.data as DefendantConvicted['data'];
        const row = defendant(data.defendantId);
        row.convictedAt = data.convictedAt;
        row.convictionBasis = data.basis;
        row.courtType = data.courtType;
        break;
      }
      case 'DefendantSentenced': {
        const data = event.data as DefendantSentenced['data'];
        const row = defendant(data.defendantId);
        row.sentencedAt = data.sentencedAt;
        row.courtType = data.courtType;
        row.upliftApplied = data.uplift?.applied ?? null;
        row.upliftProvision = data.uplift?.provision ?? null;
        row.upliftStatedInOpenCourt = data.uplift?.statedInOpenCourt ?? null;
        row.upliftStrands = normaliseStrands(data.uplift?.strandsRecognised ?? []);
        row.upliftAnnounced = data.uplift?.applied === true && data.uplift.statedInOpenCourt;
        break;
      }
      default:
        // An event type this projection does not read yet; it is kept in the event table.
        break;
    }
  }
  const rows = [...defendants.values()].sort((a, b) => a.defendantId.localeCompare(b.defendantId));
  for (const row of rows) row.stageReached = stageOf(row);
  return { caseRow, defendants: rows };
}
