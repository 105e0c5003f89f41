import {
  CONVICTION_OUTCOMES,
  FORCES,
  HATE_CRIME_STRANDS,
  normaliseStrands,
  parseUrn,
  RISK_LEVELS,
  VICTIM_NEEDS,
  type EventEnvelope,
  type HateCrimeStrand,
  type Offence,
  type OffenceSentence,
  type UpliftDecision,
} from '@hc/contracts';
import { foldCaseFacts, isBefore, type CaseFacts, type CourtDefendantFacts } from './case-facts';
import { auditCase, isHateCrime, type AuditRow, type BoundaryResult } from './flag-audit';

export { canonicalOrder } from './case-facts';

/**
 * The journey of one case through police, CPS and courts: one row per defendant (or one row with
 * no defendant while no suspect is known), with the facts of the case repeated on each, and the
 * case's flag audit. Built from the set of the case's events only, so the result does not depend
 * on arrival order or duplicates; statistics are counted from these rows, never from counters.
 */
export const STAGES = [
  'recorded',
  'suspect_identified',
  'referred_to_cps',
  'charged',
  'prosecution_completed',
  'convicted',
  'sentenced',
  'uplift_announced',
] as const;
export type Stage = (typeof STAGES)[number];

export type CaseCourtType = 'magistrates' | 'crown' | 'none';

/** One row of `journeys`: a case and one of its defendants. Column names are the table's. */
export interface JourneyRow {
  readonly case_id: string;
  readonly defendant_id: string | null;
  /** True on exactly one row of each case, so case-level facts are counted once. */
  readonly first_row: boolean;
  readonly urn: string | null;
  readonly force_code: string | null;
  readonly force_name: string | null;
  readonly cps_area: string | null;
  readonly crime_reference: string | null;
  readonly recorded_at: string | null;
  /** April to March, of recording. */
  readonly financial_year: string | null;
  /** Some agency flags the case now (or the court decided an uplift): the population of the statistics. */
  readonly hate_crime: boolean;
  /** The strands the statistics slice by: the police's flag, else the first downstream agency's. */
  readonly strands: readonly HateCrimeStrand[];
  /** Crown if any defendant went to the Crown Court, magistrates if any reached a court, else none. */
  readonly case_court_type: CaseCourtType;

  readonly police_flagged_at_recording: boolean;
  readonly police_strands_at_recording: readonly HateCrimeStrand[];
  readonly police_flagged: boolean;
  readonly police_strands: readonly HateCrimeStrand[];
  readonly police_flag_removed_reason: string | null;
  readonly religion_targeted_group: string | null;
  readonly perceived_by: readonly string[];
  readonly police_flagged_at_referral: boolean | null;
  readonly police_strands_at_referral: readonly HateCrimeStrand[];
  readonly referral_flagged: boolean | null;
  readonly referral_strands: readonly HateCrimeStrand[];
  readonly victim_needs_passed_on: boolean | null;

  readonly cps_received_at: string | null;
  readonly cps_flagged_at_receipt: boolean | null;
  readonly cps_strands_at_receipt: readonly HateCrimeStrand[];
  readonly cps_flagged: boolean | null;
  readonly cps_strands: readonly HateCrimeStrand[];
  readonly cps_flag_removed_reason: string | null;
  readonly victim_needs_received: boolean | null;

  readonly victims_assessed: number;
  readonly victim_needs_assessed_at: string | null;
  readonly enhanced_service: boolean;
  readonly victim_risk_level: string | null;
  readonly victim_needs: readonly string[];
  readonly special_measures_applied_for: boolean;
  readonly police_outcome_code: number | null;
  readonly police_outcome_at: string | null;

  readonly suspect_identified_at: string | null;
  readonly referred_at: string | null;
  readonly pre_charge_decision: string | null;
  readonly decided_at: string | null;
  readonly charged_at: string | null;
  readonly charges: readonly Offence[];
  readonly cps_flagged_at_decision: boolean | null;
  readonly cps_strands_at_decision: readonly HateCrimeStrand[];
  readonly charge_flagged: boolean | null;
  readonly charge_strands: readonly HateCrimeStrand[];
  readonly prosecution_outcome: string | null;
  readonly prosecution_completed_at: string | null;

  readonly court_received_at: string | null;
  readonly court_flagged: boolean | null;
  readonly court_strands: readonly HateCrimeStrand[];
  readonly listed_at: string | null;
  readonly sent_to_crown_court_at: string | null;
  readonly court_type: 'magistrates' | 'crown' | null;
  readonly plea: string | null;
  readonly plea_entered_at: string | null;
  /** Convicted by a court, or the CPS recorded a conviction outcome. */
  readonly convicted: boolean;
  readonly convicted_at: string | null;
  readonly conviction_basis: string | null;
  readonly acquitted_at: string | null;
  readonly acquittal_basis: string | null;
  readonly sentenced_at: string | null;
  readonly sentence: string | null;
  readonly sentence_offences: readonly OffenceSentence[];
  readonly uplift_decided: boolean;
  readonly uplift_applied: boolean | null;
  readonly uplift_provision: string | null;
  readonly uplift_stated_in_open_court: boolean | null;
  readonly uplift_strands: readonly HateCrimeStrand[];
  /** Applied and stated in open court on at least one offence: what the CPS counts. */
  readonly uplift_announced: boolean;
  /** The outcome the victim must be told of: sentence, acquittal or dismissal, or the CPS ending the case. */
  readonly outcome_at: string | null;
  readonly victim_informed_at: string | null;
  readonly uplift_explained_to_victim: boolean | null;

  readonly stage_reached: Stage;
  readonly stage_index: number;
  readonly police_to_cps: BoundaryResult | null;
  readonly cps_to_court: BoundaryResult | null;
  readonly conviction_to_sentence: BoundaryResult | null;
  readonly last_event_at: string | null;
}

/** Every column of `journeys`, in the order of the table. */
export const JOURNEY_COLUMNS: ReadonlyArray<keyof JourneyRow> = [
  'case_id', 'defendant_id', 'first_row', 'urn', 'force_code', 'force_name', 'cps_area', 'crime_reference', 'recorded_at',
  'financial_year', 'hate_crime', 'strands', 'case_court_type', 'police_flagged_at_recording', 'police_strands_at_recording',
  'police_flagged', 'police_strands', 'police_flag_removed_reason', 'religion_targeted_group', 'perceived_by',
  'police_flagged_at_referral', 'police_strands_at_referral', 'referral_flagged', 'referral_strands', 'victim_needs_passed_on',
  'cps_received_at', 'cps_flagged_at_receipt', 'cps_strands_at_receipt', 'cps_flagged', 'cps_strands', 'cps_flag_removed_reason',
  'victim_needs_received', 'victims_assessed', 'victim_needs_assessed_at', 'enhanced_service', 'victim_risk_level',
  'victim_needs', 'special_measures_applied_for', 'police_outcome_code', 'police_outcome_at', 'suspect_identified_at',
  'referred_at', 'pre_charge_decision', 'decided_at', 'charged_at', 'charges', 'cps_flagged_at_decision',
  'cps_strands_at_decision', 'charge_flagged', 'charge_strands', 'prosecution_outcome', 'prosecution_completed_at',
  'court_received_at', 'court_flagged', 'court_strands', 'listed_at', 'sent_to_crown_court_at', 'court_type', 'plea',
  'plea_entered_at', 'convicted', 'convicted_at', 'conviction_basis', 'acquitted_at', 'acquittal_basis', 'sentenced_at',
  'sentence', 'sentence_offences', 'uplift_decided', 'uplift_applied', 'uplift_provision', 'uplift_stated_in_open_court',
  'uplift_strands', 'uplift_announced', 'outcome_at', 'victim_informed_at', 'uplift_explained_to_victim', 'stage_reached',
  'stage_index', 'police_to_cps', 'cps_to_court', 'conviction_to_sentence', 'last_event_at',
];

export interface CaseJourney {
  readonly caseId: string;
  readonly rows: readonly JourneyRow[];
  readonly findings: readonly AuditRow[];
  /** The events that count. */
  readonly eventCount: number;
  /** The events held back, not counted: past a gap in their agency's stream versions (or, stored before such repeats were refused, at a version taken). */
  readonly heldEvents: number;
}

const UK_YEAR_MONTH = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: 'numeric' });
const yearOfHour = new Map<string, string>();

/** April to March, as the Home Office and CPS publish; the date is taken in UK local time. */
export function financialYear(isoTime: string): string {
  const instant = new Date(isoTime);
  // The UK offset is a whole number of hours, so every instant of a UTC hour falls in one year.
  const hour = instant.toISOString().slice(0, 13);
  let year = yearOfHour.get(hour);
  if (year === undefined) {
    const parts = UK_YEAR_MONTH.formatToParts(instant);
    const calendarYear = Number(parts.find((part) => part.type === 'year')?.value);
    const month = Number(parts.find((part) => part.type === 'month')?.value);
    const start = month >= 4 ? calendarYear : calendarYear - 1;
    year = `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
    if (yearOfHour.size > 100_000) yearOfHour.clear();
    yearOfHour.set(hour, year);
  }
  return year;
}

function earliest(times: ReadonlyArray<string | null | undefined>): string | null {
  let result: string | null = null;
  for (const time of times) if (time && (result === null || isBefore(time, result))) result = time;
  return result;
}

/** The uplift decision that speaks for the sentence: announced first, then applied, then any. */
function principalUplift(offences: readonly OffenceSentence[]): UpliftDecision | undefined {
  const decisions = offences.map((offence) => offence.uplift).filter((uplift): uplift is UpliftDecision => uplift !== undefined);
  return (
    decisions.find((uplift) => uplift.applied && uplift.statedInOpenCourt) ??
    decisions.find((uplift) => uplift.applied) ??
    decisions[0]
  );
}

/** The sentence column: the sentence type, or each offence's (`off-1: fine; off-2: community_order`). Codes, never text. */
function sentenceTypes(offences: readonly OffenceSentence[]): string {
  if (offences.length === 1) return offences[0]!.sentenceType;
  return offences.map((offence) => `${offence.offenceId}: ${offence.sentenceType}`).join('; ');
}

function defendantCourtType(court: CourtDefendantFacts | undefined): 'magistrates' | 'crown' | null {
  if (!court) return null;
  if (court.courtTypes.has('crown')) return 'crown';
  return 'magistrates';
}

export function buildCaseJourney(caseId: string, events: readonly EventEnvelope[]): CaseJourney {
  const facts = foldCaseFacts(caseId, events);
  const audit = auditCase(facts);
  const rows = journeyRows(facts, audit);
  const first = rows[0]!;
  const findings = audit.findings.map((finding): AuditRow => ({
    case_id: finding.case_id,
    defendant_id: finding.defendant_id,
    urn: first.urn,
    force_code: first.force_code,
    force_name: first.force_name,
    cps_area: first.cps_area,
    financial_year: first.financial_year,
    strands: first.strands,
    court_type: first.case_court_type,
    boundary: finding.boundary,
    finding: finding.finding,
    upstream_flagged: finding.upstream_flagged,
    upstream_strands: finding.upstream_strands,
    downstream_flagged: finding.downstream_flagged,
    downstream_strands: finding.downstream_strands,
    reason: finding.reason,
    event_id: finding.event_id,
    detected_at: finding.detected_at,
    detail: finding.detail,
  }));
  return { caseId, rows, findings, eventCount: facts.eventCount, heldEvents: facts.heldEventIds.length };
}

type CaseColumns = Pick<JourneyRow, 'urn' | 'strands' | 'case_id' | 'force_code' | 'force_name' | 'cps_area' | 'crime_reference' | 'recorded_at' | 'financial_year' | 'hate_crime' | 'case_court_type' | 'police_flagged_at_recording' | 'police_strands_at_recording' | 'police_flagged' | 'police_strands' | 'police_flag_removed_reason' | 'religion_targeted_group' | 'perceived_by' | 'police_flagged_at_referral' | 'police_strands_at_referral' | 'referral_flagged' | 'referral_strands' | 'victim_needs_passed_on' | 'cps_received_at' | 'cps_flagged_at_receipt' | 'cps_strands_at_receipt' | 'cps_flagged' | 'cps_strands' | 'cps_flag_removed_reason' | 'victim_needs_received' | 'victims_assessed' | 'victim_needs_assessed_at' | 'enhanced_service' | 'victim_risk_level' | 'victim_needs' | 'special_measures_applied_for' | 'police_outcome_code' | 'police_outcome_at' | 'police_to_cps' | 'last_event_at'>;
type DefendantColumns = Omit<JourneyRow, keyof CaseColumns | 'first_row'>;

function journeyRow(c: CaseColumns, d: DefendantColumns, first_row: boolean): JourneyRow {
  // One literal with every column: spreading objects this wide is two orders of magnitude slower in V8.
  return {
    case_id: c.case_id,
    defendant_id: d.defendant_id,
    first_row,
    urn: c.urn,
    force_code: c.force_code,
    force_name: c.force_name,
    cps_area: c.cps_area,
    crime_reference: c.crime_reference,
    recorded_at: c.recorded_at,
    financial_year: c.financial_year,
    hate_crime: c.hate_crime,
    strands: c.strands,
    case_court_type: c.case_court_type,
    police_flagged_at_recording: c.police_flagged_at_recording,
    police_strands_at_recording: c.police_strands_at_recording,
    police_flagged: c.police_flagged,
    police_strands: c.police_strands,
    police_flag_removed_reason: c.police_flag_removed_reason,
    religion_targeted_group: c.religion_targeted_group,
    perceived_by: c.perceived_by,
    police_flagged_at_referral: c.police_flagged_at_referral,
    police_strands_at_referral: c.police_strands_at_referral,
    referral_flagged: c.referral_flagged,
    referral_strands: c.referral_strands,
    victim_needs_passed_on: c.victim_needs_passed_on,
    cps_received_at: c.cps_received_at,
    cps_flagged_at_receipt: c.cps_flagged_at_receipt,
    cps_strands_at_receipt: c.cps_strands_at_receipt,
    cps_flagged: c.cps_flagged,
    cps_strands: c.cps_strands,
    cps_flag_removed_reason: c.cps_flag_removed_reason,
    victim_needs_received: c.victim_needs_received,
    victims_assessed: c.victims_assessed,
    victim_needs_assessed_at: c.victim_needs_assessed_at,
    enhanced_service: c.enhanced_service,
    victim_risk_level: c.victim_risk_level,
    victim_needs: c.victim_needs,
    special_measures_applied_for: c.special_measures_applied_for,
    police_outcome_code: c.police_outcome_code,
    police_outcome_at: c.police_outcome_at,
    suspect_identified_at: d.suspect_identified_at,
    referred_at: d.referred_at,
    pre_charge_decision: d.pre_charge_decision,
    decided_at: d.decided_at,
    charged_at: d.charged_at,
    charges: d.charges,
    cps_flagged_at_decision: d.cps_flagged_at_decision,
    cps_strands_at_decision: d.cps_strands_at_decision,
    charge_flagged: d.charge_flagged,
    charge_strands: d.charge_strands,
    prosecution_outcome: d.prosecution_outcome,
    prosecution_completed_at: d.prosecution_completed_at,
    court_received_at: d.court_received_at,
    court_flagged: d.court_flagged,
    court_strands: d.court_strands,
    listed_at: d.listed_at,
    sent_to_crown_court_at: d.sent_to_crown_court_at,
    court_type: d.court_type,
    plea: d.plea,
    plea_entered_at: d.plea_entered_at,
    convicted: d.convicted,
    convicted_at: d.convicted_at,
    conviction_basis: d.conviction_basis,
    acquitted_at: d.acquitted_at,
    acquittal_basis: d.acquittal_basis,
    sentenced_at: d.sentenced_at,
    sentence: d.sentence,
    sentence_offences: d.sentence_offences,
    uplift_decided: d.uplift_decided,
    uplift_applied: d.uplift_applied,
    uplift_provision: d.uplift_provision,
    uplift_stated_in_open_court: d.uplift_stated_in_open_court,
    uplift_strands: d.uplift_strands,
    uplift_announced: d.uplift_announced,
    outcome_at: d.outcome_at,
    victim_informed_at: d.victim_informed_at,
    uplift_explained_to_victim: d.uplift_explained_to_victim,
    stage_reached: d.stage_reached,
    stage_index: d.stage_index,
    police_to_cps: c.police_to_cps,
    cps_to_court: d.cps_to_court,
    conviction_to_sentence: d.conviction_to_sentence,
    last_event_at: c.last_event_at,
  };
}

function journeyRows(facts: CaseFacts, audit: ReturnType<typeof auditCase>): JourneyRow[] {
  const { police, cps, courts, caseId } = facts;
  const { referral, recorded } = police;
  const urn = referral?.urn ?? cps.urn ?? courts.urn ?? null;
  const forceCode = recorded?.forceCode ?? referral?.forceCode ?? cps.received?.forceCode ?? (urn ? parseUrn(urn)?.forceCode : undefined) ?? null;
  const force = forceCode ? FORCES.get(forceCode) : undefined;
  const courtFlags = [...courts.defendants.values()].map((court) => court.flag).filter((flag) => flag.flagged);
  const upliftStrands = [...courts.defendants.values()].flatMap((court) =>
    (court.sentenced?.offences ?? []).flatMap((offence) => (offence.uplift?.applied ? offence.uplift.strandsRecognised : [])),
  );
  const strands = [
    police.flag.strands,
    police.flagDroppedFrom?.strands ?? [],
    referral?.flag.strands ?? [],
    cps.flag.strands,
    normaliseStrands(courtFlags.flatMap((flag) => flag.strands)),
    normaliseStrands(upliftStrands),
  ]
    .find((candidate) => candidate.length > 0) ?? [];
  const courtTypes = [...courts.defendants.values()].map(defendantCourtType);
  const caseCourtType: CaseCourtType = courtTypes.includes('crown') ? 'crown' : courtTypes.includes('magistrates') ? 'magistrates' : 'none';
  const victims = [...police.victims.values()];
  const riskLevels = victims.map((victim) => RISK_LEVELS.indexOf(victim.riskLevel));

  const caseColumns: CaseColumns = {
    case_id: caseId,
    urn,
    force_code: forceCode,
    force_name: force?.name ?? null,
    cps_area: cps.cpsArea ?? courts.cpsArea ?? force?.cpsArea ?? null,
    crime_reference: recorded?.crimeReference ?? null,
    recorded_at: recorded?.at ?? null,
    financial_year: recorded ? financialYear(recorded.at) : null,
    hate_crime: isHateCrime(facts),
    strands,
    case_court_type: caseCourtType,
    police_flagged_at_recording: recorded?.flag.flagged ?? false,
    police_strands_at_recording: recorded?.flag.strands ?? [],
    police_flagged: police.flag.flagged,
    police_strands: police.flag.strands,
    police_flag_removed_reason: police.flagRemovedReason,
    religion_targeted_group: police.religionTargetedGroup,
    perceived_by: police.perceivedBy,
    police_flagged_at_referral: referral?.flagBefore.flagged ?? null,
    police_strands_at_referral: referral?.flagBefore.strands ?? [],
    referral_flagged: referral?.flag.flagged ?? null,
    referral_strands: referral?.flag.strands ?? [],
    victim_needs_passed_on: referral?.victimNeedsPassedOn ?? null,
    cps_received_at: cps.received?.at ?? null,
    cps_flagged_at_receipt: cps.received?.flag.flagged ?? null,
    cps_strands_at_receipt: cps.received?.flag.strands ?? [],
    cps_flagged: cps.received || cps.flagSetBy ? cps.flag.flagged : null,
    cps_strands: cps.flag.strands,
    cps_flag_removed_reason: cps.flagRemoved?.reason ?? null,
    victim_needs_received: cps.received?.victimNeedsReceived ?? null,
    victims_assessed: victims.length,
    victim_needs_assessed_at: earliest(victims.map((victim) => victim.assessedAt)),
    enhanced_service: victims.some((victim) => victim.enhancedService),
    victim_risk_level: riskLevels.length > 0 ? RISK_LEVELS[Math.max(...riskLevels)]! : null,
    victim_needs: VICTIM_NEEDS.filter((need) => victims.some((victim) => victim.needs.includes(need))),
    special_measures_applied_for: cps.specialMeasuresAppliedFor,
    police_outcome_code: police.outcome?.code ?? null,
    police_outcome_at: police.outcome?.at ?? null,
    police_to_cps: audit.policeToCps,
    last_event_at: facts.lastEventAt,
  };

  if (facts.defendantIds.length === 0) {
    return [journeyRow(caseColumns, NO_DEFENDANT, true)];
  }
  const rows = [...facts.defendantIds].sort().map((defendantId, index): JourneyRow => {
    const court = courts.defendants.get(defendantId);
    const decision = cps.decisions.get(defendantId);
    const charge = cps.charges.get(defendantId);
    const completion = cps.completions.get(defendantId);
    const sentence = court?.sentenced;
    const uplift = sentence ? principalUplift(sentence.offences) : undefined;
    const upliftAnnounced = sentence?.offences.some((offence) => offence.uplift?.applied === true && offence.uplift.statedInOpenCourt) ?? false;
    const convicted = court?.convicted !== undefined || (completion !== undefined && CONVICTION_OUTCOMES.includes(completion.outcome));
    const completed = completion !== undefined || court?.acquitted !== undefined || convicted;
    const charged = charge !== undefined || court?.received !== undefined;
    const referredAt = police.referredAt.get(defendantId) ?? (cps.received?.defendantIds.includes(defendantId) ? cps.received.at : null);
    const referred = referredAt !== null || decision !== undefined;
    const stageIndex = upliftAnnounced ? 7 : sentence ? 6 : convicted ? 5 : completed ? 4 : charged ? 3 : referred ? 2 : 1;
    const nonConviction = completion !== undefined && !CONVICTION_OUTCOMES.includes(completion.outcome) ? completion.at : null;
    const defendantAudit = audit.defendants.get(defendantId);
    return journeyRow(caseColumns, {
      defendant_id: defendantId,
      suspect_identified_at: police.suspects.get(defendantId)?.identifiedAt ?? null,
      referred_at: referredAt,
      pre_charge_decision: decision?.decision ?? null,
      decided_at: decision?.at ?? null,
      charged_at: charge?.at ?? null,
      charges: charge?.charges ?? court?.received?.charges ?? [],
      cps_flagged_at_decision: charge?.flagBefore.flagged ?? decision?.flagBefore.flagged ?? null,
      cps_strands_at_decision: charge?.flagBefore.strands ?? decision?.flagBefore.strands ?? [],
      charge_flagged: charge?.flag.flagged ?? null,
      charge_strands: charge?.flag.strands ?? [],
      prosecution_outcome: completion?.outcome ?? null,
      prosecution_completed_at: completion?.at ?? null,
      court_received_at: court?.received?.at ?? null,
      court_flagged: court?.received ? court.flag.flagged : null,
      court_strands: court?.received ? court.flag.strands : [],
      listed_at: court?.listed?.at ?? null,
      sent_to_crown_court_at: court?.sentToCrown?.at ?? null,
      court_type: defendantCourtType(court),
      plea: court?.plea?.plea ?? null,
      plea_entered_at: court?.plea?.at ?? null,
      convicted,
      convicted_at: court?.convicted?.at ?? (convicted ? completion?.at ?? null : null),
      conviction_basis: court?.convicted?.basis ?? null,
      acquitted_at: court?.acquitted?.at ?? null,
      acquittal_basis: court?.acquitted?.basis ?? null,
      sentenced_at: sentence?.at ?? null,
      sentence: sentence ? sentenceTypes(sentence.offences) : null,
      sentence_offences: sentence?.offences ?? [],
      uplift_decided: uplift !== undefined,
      uplift_applied: uplift?.applied ?? null,
      uplift_provision: uplift?.provision ?? null,
      uplift_stated_in_open_court: uplift?.statedInOpenCourt ?? null,
      uplift_strands: normaliseStrands(
        (sentence?.offences ?? []).flatMap((offence) => (offence.uplift?.applied ? offence.uplift.strandsRecognised : [])),
      ),
      uplift_announced: upliftAnnounced,
      outcome_at: sentence?.at ?? court?.acquitted?.at ?? nonConviction,
      victim_informed_at: court?.victimInformed?.at ?? null,
      uplift_explained_to_victim: court?.victimInformed?.upliftExplained ?? null,
      stage_reached: STAGES[stageIndex]!,
      stage_index: stageIndex,
      cps_to_court: defendantAudit?.cpsToCourt ?? null,
      conviction_to_sentence: defendantAudit?.convictionToSentence ?? null,
    }, index === 0);
  });
  return rows;
}

const NO_DEFENDANT: DefendantColumns = {
    defendant_id: null,
    suspect_identified_at: null,
    referred_at: null,
    pre_charge_decision: null,
    decided_at: null,
    charged_at: null,
    charges: [],
    cps_flagged_at_decision: null,
    cps_strands_at_decision: [],
    charge_flagged: null,
    charge_strands: [],
    prosecution_outcome: null,
    prosecution_completed_at: null,
    court_received_at: null,
    court_flagged: null,
    court_strands: [],
    listed_at: null,
    sent_to_crown_court_at: null,
    court_type: null,
    plea: null,
    plea_entered_at: null,
    convicted: false,
    convicted_at: null,
    conviction_basis: null,
    acquitted_at: null,
    acquittal_basis: null,
    sentenced_at: null,
    sentence: null,
    sentence_offences: [],
    uplift_decided: false,
    uplift_applied: null,
    uplift_provision: null,
    uplift_stated_in_open_court: null,
    uplift_strands: [],
    uplift_announced: false,
    outcome_at: null,
    victim_informed_at: null,
    uplift_explained_to_victim: null,
    stage_reached: 'recorded',
    stage_index: 0,
    cps_to_court: null,
    conviction_to_sentence: null,
};

/** Strand values in the order analysts see them, `all` first. */
export const STRAND_SLICES = ['all', ...HATE_CRIME_STRANDS] as const;
