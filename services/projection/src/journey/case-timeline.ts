import { parseEventType, upcast, type Agency, type EventEnvelope, type HateCrimeFlag, type HateCrimeStrand } from '@hc/contracts';
import { canonicalOrder, countedEvents, flagView, isBefore, UNFLAGGED, type FlagView } from './case-facts';
import type { FindingRow } from './flag-audit';

/** One event of a case's timeline, with the flag as its agency held it once the event happened. */
export interface TimelineEntry {
  readonly position: number;
  readonly eventId: string;
  readonly agency: Agency;
  readonly type: string;
  readonly occurredAt: string;
  readonly streamVersion: number;
  /** The flag as this agency holds it after the event (for a court event, on that defendant). */
  readonly flag: { readonly flagged: boolean; readonly strands: readonly HateCrimeStrand[] };
  /** Audit findings that show at this event. */
  readonly findings: ReadonlyArray<Pick<FindingRow, 'boundary' | 'finding' | 'defendant_id' | 'detail'>>;
  /** The flag was lost here: flagged upstream and missing from this event with no recorded reason. */
  readonly flagLost: boolean;
  /**
   * Not counted: its stream version leaves a gap in its agency's stream (it waits for the missing
   * event) or repeats one already taken by another event (docs/analytics.md).
   */
  readonly held: boolean;
  /** The event as published, in the latest version of its schema (an older one upcast: codes, no free text). */
  readonly envelope: EventEnvelope;
}

const AGENCY_ORDER: Record<Agency, number> = { police: 0, cps: 1, courts: 2 };
const LOSSES = new Set(['lost', 'no_uplift_decision']);

/**
 * Every event of one case across the three agencies, in the order they happened (time, then
 * police before CPS before courts, then stream version), for inspectors.
 */
export function buildTimeline(events: readonly EventEnvelope[], findings: readonly FindingRow[]): TimelineEntry[] {
  const shown = new Map<string, FlagView>();
  let police: FlagView = UNFLAGGED;
  let cps: FlagView = UNFLAGGED;
  const court = new Map<string, FlagView>();
  const ordered = canonicalOrder(events);
  const held = new Set(countedEvents(ordered[0]?.subject ?? '', ordered).held.map((event) => event.id));
  for (const event of ordered) {
    const parsed = parseEventType(event.type);
    if (!parsed) continue;
    const data = upcast(event).data as { hateCrime?: HateCrimeFlag; defendantId?: string; offences?: ReadonlyArray<{ uplift?: { applied: boolean; strandsRecognised: HateCrimeStrand[] } }> };
    const key = `${parsed.agency}.${parsed.name}`;
    if (parsed.agency === 'police') {
      if (['police.CrimeRecorded', 'police.HateCrimeFlagApplied', 'police.HateCrimeFlagChanged', 'police.HateCrimeFlagRecorded'].includes(key)) police = flagView(data.hateCrime);
      if (key === 'police.HateCrimeFlagRemoved') police = UNFLAGGED;
      shown.set(event.id, key === 'police.CaseReferredToCps' ? flagView(data.hateCrime) : police);
    } else if (parsed.agency === 'cps') {
      if (['cps.CaseReceivedFromPolice', 'cps.HateCrimeFlagConfirmed', 'cps.HateCrimeFlagApplied', 'cps.HateCrimeFlagRecorded'].includes(key)) cps = flagView(data.hateCrime);
      if (key === 'cps.HateCrimeFlagRemoved') cps = UNFLAGGED;
      shown.set(event.id, key === 'cps.PreChargeDecisionMade' ? flagView(data.hateCrime) : cps);
    } else {
      const defendantId = data.defendantId ?? '';
      if (key === 'courts.CaseReceivedFromCps' || key === 'courts.HateCrimeFlagRecorded') court.set(defendantId, flagView(data.hateCrime));
      shown.set(event.id, court.get(defendantId) ?? UNFLAGGED);
    }
  }

  const findingsAt = new Map<string, FindingRow[]>();
  for (const finding of findings) {
    if (!finding.event_id) continue;
    findingsAt.set(finding.event_id, [...(findingsAt.get(finding.event_id) ?? []), finding]);
  }
  const agencyOf = (event: EventEnvelope) => parseEventType(event.type)?.agency ?? 'courts';
  return [...ordered]
    .sort((a, b) =>
      isBefore(a.time, b.time) ? -1 : isBefore(b.time, a.time) ? 1 : AGENCY_ORDER[agencyOf(a)] - AGENCY_ORDER[agencyOf(b)] || a.streamversion - b.streamversion,
    )
    .map((event, index) => {
      const parsed = parseEventType(event.type)!;
      const here = findingsAt.get(event.id) ?? [];
      const flag = shown.get(event.id) ?? UNFLAGGED;
      return {
        position: index + 1,
        eventId: event.id,
        agency: parsed.agency,
        type: parsed.name,
        occurredAt: event.time,
        streamVersion: event.streamversion,
        flag: { flagged: flag.flagged, strands: flag.strands },
        findings: here.map(({ boundary, finding, defendant_id, detail }) => ({ boundary, finding, defendant_id, detail })),
        flagLost: here.some((finding) => LOSSES.has(finding.finding)),
        held: held.has(event.id),
        envelope: event,
      };
    });
}
