import {
  agencySource,
  eventTypeName,
  FORCES,
  LATEST_SCHEMA_VERSION,
  type Agency,
  type CourtType,
  type EventEnvelope,
  type HateCrimeFlag,
  type HateCrimeStrand,
  type Offence,
  type OffenceSentence,
  type Perceiver,
  type PreChargeDecision,
  type ReligionTargetedGroup,
  type SentenceType,
  type UpliftDecision,
  type UpliftProvision,
} from '@hc/contracts';
import {
  FORCE_WEIGHTS,
  OUTCOME_OF_DECISION,
  OUTCOMES_NOT_REFERRED,
  OUTCOMES_WITHOUT_SUSPECT,
  POLICE_OUTCOME_PENDING,
  PRE_CHARGE_DECISIONS,
  PROSECUTION_OUTCOMES,
  PROSECUTION_PENDING,
  PUBLISHED,
  SENT_TO_CROWN_COURT,
  SENTENCE_PENDING,
  strandMix,
  SUSPECT_IDENTIFIED,
  SUSPECTS_PER_CASE,
  VICTIM_NEEDS_ASSESSED,
} from './calibration';
import { Random } from './prng';

/**
 * Synthetic hate crime cases at national volume: every event the police, the CPS and the courts
 * would publish for them, as valid envelopes, calibrated to the published figures (strand mix,
 * multi-strand share, police charge share, CPS charge, conviction, guilty plea and uplift rates).
 *
 * Flag losses and the other audit findings are seeded at configurable rates, and the truth is kept
 * aside: every case carries the findings the flag audit must report for it, and nothing else. The
 * generator is pure: the same options give the same events, byte for byte.
 */
export interface SeededRates {
  /** Police -> CPS: a flagged case referred, arriving at the CPS without its flag (no reason recorded). */
  readonly policeToCpsLoss: number;
  /** CPS -> court: a flagged defendant charged, arriving at court without the flag. */
  readonly cpsToCourtLoss: number;
  /** Conviction -> sentence: a flagged defendant sentenced with no uplift decision. */
  readonly noUpliftDecision: number;
  /** The CPS removes the police flag with a reason (recorded in error). */
  readonly cpsRemoval: number;
  /** The CPS confirms the flag with an extra strand. */
  readonly cpsStrandChange: number;
  /** Extra crimes, as a share of the hate crimes, that the police did not flag and the CPS did. */
  readonly cpsGain: number;
  /** An unflagged court case whose sentence records an uplift decision. */
  readonly courtGain: number;
  /** Victims' needs assessed but not passed on at referral. */
  readonly victimNeedsNotPassedOn: number;
  /** Victims not told of the uplift decision. */
  readonly victimNotToldOfUplift: number;
  /** Crimes flagged by the police after recording, before any referral (no finding). */
  readonly policeLateFlag: number;
  /** Police flags given another strand before any referral (no finding). */
  readonly policeStrandChange: number;
  /** Police flags removed with a reason before any referral (no finding; no longer a hate crime). */
  readonly policeRemoval: number;
}

export const DEFAULT_RATES: SeededRates = {
  policeToCpsLoss: 0.05,
  cpsToCourtLoss: 0.05,
  noUpliftDecision: 0.05,
  cpsRemoval: 0.02,
  cpsStrandChange: 0.02,
  cpsGain: 0.005,
  courtGain: 0.003,
  victimNeedsNotPassedOn: 0.25,
  victimNotToldOfUplift: 0.08,
  policeLateFlag: 0.01,
  policeStrandChange: 0.01,
  policeRemoval: 0.005,
};

export interface GeneratorOptions {
  readonly seed?: number;
  /** Police-recorded hate crimes (before the extra CPS-flagged crimes); a national year is 100,000-150,000. */
  readonly cases?: number;
  /** The calendar year the financial year starts in (2018 for 2018/19). */
  readonly financialYear?: number;
  readonly multiStrandShare?: number;
  readonly rates?: Partial<SeededRates>;
}

export type Boundary = 'police_to_cps' | 'cps_to_court' | 'conviction_to_sentence';
export type FindingType =
  | 'lost'
  | 'strands_changed'
  | 'removed_with_reason'
  | 'first_applied_downstream'
  | 'no_uplift_decision'
  | 'victim_needs_not_passed_on'
  | 'victim_not_told_of_uplift';

/** A finding the flag audit must report: the truth kept aside. */
export interface ExpectedFinding {
  readonly caseId: string;
  readonly defendantId: string | null;
  readonly boundary: Boundary;
  readonly finding: FindingType;
}

export interface GeneratedEvent {
  readonly agency: Agency;
  readonly envelope: EventEnvelope;
}

export interface GeneratedCase {
  readonly caseId: string;
  readonly events: readonly GeneratedEvent[];
  readonly expected: readonly ExpectedFinding[];
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SECOND = 1000;

/** Home Office offence codes, with what they are in a comment: the events carry codes only. */
interface OffenceKind {
  readonly code: string;
  readonly aggravated?: { readonly code: string; readonly section: Offence['aggravatedUnder'] };
  readonly weight: number;
}

const OFFENCE_KINDS: readonly OffenceKind[] = [
  { code: '9A', aggravated: { code: '9B', section: 'CDA1998_s31' }, weight: 45 }, // public fear, alarm or distress
  { code: '105A', aggravated: { code: '105B', section: 'CDA1998_s29' }, weight: 18 }, // assault without injury
  { code: '8N', aggravated: { code: '8M', section: 'CDA1998_s32' }, weight: 12 }, // harassment
  { code: '8L', aggravated: { code: '8P', section: 'CDA1998_s29' }, weight: 8 }, // assault with injury
  { code: '58A', aggravated: { code: '58J', section: 'CDA1998_s30' }, weight: 7 }, // criminal damage to a dwelling
  { code: '195/94', weight: 6 }, // malicious communications
  { code: '8Q', weight: 2 }, // stalking
  { code: '5D', weight: 2 }, // wounding with intent
];

const SENTENCES: ReadonlyArray<readonly [SentenceType, number]> = [
  ['fine', 30], ['community_order', 28], ['conditional_discharge', 12], ['suspended_sentence', 14], ['immediate_custody', 12], ['absolute_discharge', 2], ['other', 2],
];

const RELIGION_GROUPS: ReadonlyArray<readonly [ReligionTargetedGroup, number]> = [
  ['anti_muslim', 47], ['antisemitic', 18], ['anti_christian', 10], ['other_religion', 8], ['anti_sikh', 3], ['anti_hindu', 2], ['no_religion', 2], ['unknown', 10],
];

export function* generateCases(options: GeneratorOptions = {}): Generator<GeneratedCase> {
  const seed = options.seed ?? 2018;
  const hateCrimes = options.cases ?? PUBLISHED.policeRecorded;
  const startYear = options.financialYear ?? 2018;
  const multi = options.multiStrandShare ?? PUBLISHED.multiStrandShare;
  const rates: SeededRates = { ...DEFAULT_RATES, ...options.rates };
  const random = new Random(seed);
  const mix = strandMix(multi);
  const singles = mix.singles;
  const pairs = mix.pairs;

  // A case reaches the CPS often enough that the police charge share comes out as published.
  const chargedIfReferred = 1 - SUSPECTS_PER_CASE.reduce((sum, [n, p]) => sum + p * (1 - PUBLISHED.cpsChargeRate) ** n, 0);
  const referral = PUBLISHED.policeChargeShare / (SUSPECT_IDENTIFIED * chargedIfReferred);
  // An announced uplift among flagged sentences often enough that the uplift rate among all
  // convictions comes out as published, whatever flags were seeded lost upstream.
  const flaggedAtCourt = (1 - rates.policeToCpsLoss) * (1 - rates.cpsRemoval) * (1 - rates.cpsToCourtLoss);
  const announced = Math.min(1, PUBLISHED.cpsUpliftRate / ((1 - SENTENCE_PENDING) * flaggedAtCourt * (1 - rates.noUpliftDecision)));

  const yearStart = Date.UTC(startYear, 3, 1, 1);
  const yearEnd = Date.UTC(startYear + 1, 2, 31, 22);
  const serials = new Map<string, number>();
  const extra = Math.round(hateCrimes * rates.cpsGain);
  const total = hateCrimes + extra;

  const strandsOf = (): HateCrimeStrand[] =>
    random.chance(multi) ? (random.weighted(pairs).split('+') as HateCrimeStrand[]) : [random.weighted(singles)];
  const flagOf = (strands: HateCrimeStrand[]): HateCrimeFlag => ({
    strands,
    perceivedBy: [random.weighted<Perceiver>([['victim', 80], ['witness', 10], ['officer', 8], ['other', 2]])],
    ...(strands.includes('religion') ? { religionTargetedGroup: random.weighted(RELIGION_GROUPS) } : {}),
  });
  const withExtraStrand = (flag: HateCrimeFlag): HateCrimeFlag => {
    const others = (['race', 'religion', 'sexual_orientation', 'disability', 'transgender'] as const).filter((strand) => !flag.strands.includes(strand));
    const added = random.pick(others);
    return {
      ...flag,
      strands: [...flag.strands, added],
      ...(added === 'religion' ? { religionTargetedGroup: random.weighted(RELIGION_GROUPS) } : {}),
    };
  };

  for (let index = 0; index < total; index++) {
    const isGain = index >= hateCrimes;
    const caseId = random.uuid();
    const forceCode = random.weighted(FORCE_WEIGHTS);
    const cpsArea = FORCES.get(forceCode)!.cpsArea;
    const recordedAt = Math.floor((yearStart + random.next() * (yearEnd - yearStart)) / SECOND) * SECOND;
    const serial = (serials.get(forceCode) ?? 10000) + 1;
    serials.set(forceCode, serial);
    const yy = String(new Date(recordedAt).getUTCFullYear() % 100).padStart(2, '0');
    const urn = `${forceCode}/${String.fromCharCode(65 + (serial % 26))}${String.fromCharCode(65 + ((serial >> 5) % 26))}/${serial}/${yy}`;
    const expected: ExpectedFinding[] = [];
    const out = new CaseEvents(caseId, random);

    const strands = strandsOf();
    const aggravatedAllowed = !isGain && strands.some((strand) => strand === 'race' || strand === 'religion');
    const offences: Offence[] = Array.from({ length: random.chance(0.2) ? 2 : 1 }, (_, i) => {
      const kind = random.weighted(OFFENCE_KINDS.map((offence) => [offence.code, offence.weight] as const));
      const offence = OFFENCE_KINDS.find((candidate) => candidate.code === kind)!;
      const aggravated = offence.aggravated && aggravatedAllowed && random.chance(0.45) ? offence.aggravated : undefined;
      return {
        offenceId: `off-${i + 1}`,
        code: aggravated?.code ?? offence.code,
        ...(aggravated ? { aggravatedUnder: aggravated.section } : {}),
      };
    });
    // A crime recorded without the flag cannot be charged as racially or religiously aggravated at recording.
    const unflaggedOffences = offences.map(({ aggravatedUnder: _a, ...offence }) => offence);

    // ---- police ------------------------------------------------------------------------------
    let policeFlag: HateCrimeFlag | undefined;
    let clock = recordedAt;
    const flag = flagOf(strands);
    const lateFlag = !isGain && random.chance(rates.policeLateFlag);
    const recordedOffences = isGain || lateFlag ? unflaggedOffences : offences;
    out.push('police', 'CrimeRecorded', clock, {
      crimeReference: `${forceCode}/HC/${serial}/${yy}`, forceCode, recordedAt: iso(clock), offences: recordedOffences,
      ...(isGain || lateFlag ? {} : { hateCrime: flag }),
    });
    if (!isGain) policeFlag = lateFlag ? undefined : flag;
    if (lateFlag) {
      clock += random.int(1, 10) * DAY;
      out.push('police', 'HateCrimeFlagApplied', clock, { hateCrime: flag, appliedAt: iso(clock), reason: 'perceived_by_victim' });
      policeFlag = flag;
    } else if (!isGain && random.chance(rates.policeStrandChange)) {
      clock += random.int(1, 10) * DAY;
      const changed = withExtraStrand(flag);
      out.push('police', 'HateCrimeFlagChanged', clock, { hateCrime: changed, previousStrands: flag.strands, changedAt: iso(clock), reason: 'strands_reassessed' });
      policeFlag = changed;
    }
    const removed = !isGain && random.chance(rates.policeRemoval);
    if (removed) {
      clock += random.int(2, 20) * DAY;
      out.push('police', 'HateCrimeFlagRemoved', clock, { removedAt: iso(clock), reason: 'no_hostility_on_evidence' });
      policeFlag = undefined;
    }

    const victimAssessed = random.chance(VICTIM_NEEDS_ASSESSED);
    if (victimAssessed) {
      const assessedAt = recordedAt + random.int(1, 72) * HOUR;
      clock = Math.max(clock, assessedAt);
      out.push('police', 'VictimNeedsAssessed', assessedAt, {
        victimId: random.uuid(), assessedAt: iso(assessedAt),
        riskLevel: random.weighted([['standard', 60], ['medium', 30], ['high', 10]] as const),
        needs: [...new Set([random.weighted([['communication', 20], ['safeguarding', 25], ['mental_health', 20], ['repeat_victim', 20], ['language_interpreter', 8], ['other', 7]] as const)])],
        enhancedService: !isGain,
        specialMeasuresWanted: random.chance(0.2) ? ['screens'] : [],
      });
    }

    const suspects: Array<{ id: string; at: number }> = [];
    if (isGain || random.chance(SUSPECT_IDENTIFIED)) {
      const count = random.weighted(SUSPECTS_PER_CASE);
      for (let i = 0; i < count; i++) {
        const at = Math.max(clock, recordedAt) + Math.round(random.days(6, 1)) * HOUR * 4 + HOUR;
        suspects.push({ id: random.uuid(), at });
        out.push('police', 'SuspectIdentified', at, { suspectId: suspects[i]!.id, identifiedAt: iso(at) });
      }
    }
    const lastSuspect = suspects.reduce((latest, suspect) => Math.max(latest, suspect.at), recordedAt);

    const referred = suspects.length > 0 && (isGain || (!removed && random.chance(Math.min(1, referral))));
    const decisions: Array<{ id: string; decision: PreChargeDecision; at: number }> = [];
    let firstChargeAt: number | undefined;
    if (referred) {
      // The referral follows everything the police did so far, so it carries the flag as they hold it.
      const referredAt = Math.max(lastSuspect, clock) + Math.round(random.days(20, 0.7) * DAY);
      const lostAtBoundary = policeFlag !== undefined && random.chance(rates.policeToCpsLoss);
      const lostWhere = lostAtBoundary ? random.pick(['referral', 'receipt'] as const) : undefined;
      const referralFlag = lostWhere === 'referral' ? undefined : policeFlag;
      const victimNeedsPassedOn = victimAssessed && !random.chance(rates.victimNeedsNotPassedOn);
      const referralEvent = out.push('police', 'CaseReferredToCps', referredAt, {
        urn, forceCode, referredAt: iso(referredAt), suspectIds: suspects.map((suspect) => suspect.id), offences,
        ...(referralFlag ? { hateCrime: referralFlag } : {}), victimNeedsPassedOn,
      });
      if (victimAssessed && !victimNeedsPassedOn) expected.push({ caseId, defendantId: null, boundary: 'police_to_cps', finding: 'victim_needs_not_passed_on' });

      const receivedAt = referredAt + 5 * SECOND;
      const receivedFlag = lostWhere === 'receipt' ? undefined : referralFlag;
      out.push('cps', 'CaseReceivedFromPolice', receivedAt, {
        urn, forceCode, cpsArea, receivedAt: iso(receivedAt), referralEventId: referralEvent, defendantIds: suspects.map((suspect) => suspect.id),
        offences, ...(receivedFlag ? { hateCrime: receivedFlag } : {}), victimNeedsReceived: victimNeedsPassedOn,
      }, referralEvent);
      let cpsFlag = receivedFlag;
      let cpsClock = receivedAt + random.int(1, 14) * DAY;
      if (lostAtBoundary) {
        expected.push({ caseId, defendantId: null, boundary: 'police_to_cps', finding: 'lost' });
      } else if (isGain) {
        cpsFlag = flagOf(strands);
        out.push('cps', 'HateCrimeFlagApplied', cpsClock, { hateCrime: cpsFlag, appliedAt: iso(cpsClock), reason: 'hostility_evidenced' });
        expected.push({ caseId, defendantId: null, boundary: 'police_to_cps', finding: 'first_applied_downstream' });
      } else if (cpsFlag) {
        const roll = random.next();
        if (roll < rates.cpsRemoval) {
          out.push('cps', 'HateCrimeFlagRemoved', cpsClock, { removedAt: iso(cpsClock), reason: 'recorded_in_error' });
          expected.push({ caseId, defendantId: null, boundary: 'police_to_cps', finding: 'removed_with_reason' });
          cpsFlag = undefined;
        } else if (roll < rates.cpsRemoval + rates.cpsStrandChange) {
          cpsFlag = withExtraStrand(cpsFlag);
          out.push('cps', 'HateCrimeFlagConfirmed', cpsClock, { hateCrime: cpsFlag, confirmedAt: iso(cpsClock) });
          expected.push({ caseId, defendantId: null, boundary: 'police_to_cps', finding: 'strands_changed' });
        } else if (random.chance(0.8)) {
          out.push('cps', 'HateCrimeFlagConfirmed', cpsClock, { hateCrime: cpsFlag, confirmedAt: iso(cpsClock) });
        }
      }

      for (const suspect of suspects) {
        const decidedAt = cpsClock + Math.round(random.days(12, 0.8) * DAY) + HOUR;
        const decision = random.weighted(PRE_CHARGE_DECISIONS);
        const charged = decision === 'charge';
        const lostToCourt = charged && cpsFlag !== undefined && random.chance(rates.cpsToCourtLoss);
        const lostWhereToCourt = lostToCourt ? random.pick(['charge', 'court'] as const) : undefined;
        const decisionFlag = lostWhereToCourt === 'charge' ? undefined : cpsFlag;
        const chargeEvent = out.push('cps', 'PreChargeDecisionMade', decidedAt, {
          urn, defendantId: suspect.id, decision, decidedAt: iso(decidedAt), charges: charged ? offences : [],
          ...(decisionFlag ? { hateCrime: decisionFlag } : {}), cpsArea,
        });
        decisions.push({ id: suspect.id, decision, at: decidedAt });
        if (!charged) continue;
        firstChargeAt = Math.min(firstChargeAt ?? decidedAt, decidedAt);
        if (lostToCourt) expected.push({ caseId, defendantId: suspect.id, boundary: 'cps_to_court', finding: 'lost' });
        const courtFlag = lostWhereToCourt ? undefined : decisionFlag;
        courtProceedings(out, random, rates, expected, {
          caseId, urn, cpsArea, defendantId: suspect.id, chargeEvent, decidedAt, offences, courtFlag, announced,
        });
      }
    }

    if (!random.chance(POLICE_OUTCOME_PENDING)) {
      let code: number;
      let at: number;
      if (firstChargeAt !== undefined) {
        code = 1;
        at = firstChargeAt + DAY;
      } else if (decisions.length > 0) {
        code = OUTCOME_OF_DECISION[decisions[0]!.decision as Exclude<PreChargeDecision, 'charge'>];
        at = decisions[0]!.at + 2 * DAY;
      } else if (suspects.length > 0) {
        code = random.weighted(OUTCOMES_NOT_REFERRED);
        at = lastSuspect + Math.round(random.days(30, 0.8) * DAY);
      } else {
        code = random.weighted(OUTCOMES_WITHOUT_SUSPECT);
        at = Math.max(clock, recordedAt) + Math.round(random.days(20, 0.8) * DAY);
      }
      out.push('police', 'PoliceOutcomeAssigned', at, { outcomeCode: code, assignedAt: iso(at) });
    }

    yield { caseId, events: out.envelopes(), expected };
  }
}

interface CourtContext {
  readonly caseId: string;
  readonly urn: string;
  readonly cpsArea: string;
  readonly defendantId: string;
  readonly chargeEvent: string;
  readonly decidedAt: number;
  readonly offences: readonly Offence[];
  readonly courtFlag: HateCrimeFlag | undefined;
  /** Chance that a flagged sentence announces the uplift (calibrated). */
  readonly announced: number;
}

/** The court's part for one charged defendant, and the CPS completion that follows its result. */
function courtProceedings(out: CaseEvents, random: Random, rates: SeededRates, expected: ExpectedFinding[], context: CourtContext): void {
  const { caseId, urn, cpsArea, defendantId, chargeEvent, decidedAt, offences, courtFlag } = context;
  const receivedAt = decidedAt + 4 * SECOND;
  out.push('courts', 'CaseReceivedFromCps', receivedAt, {
    urn, defendantId, receivedAt: iso(receivedAt), chargeEventId: chargeEvent, charges: offences, ...(courtFlag ? { hateCrime: courtFlag } : {}), cpsArea,
  }, chargeEvent);
  const listedAt = receivedAt + HOUR;
  const hearing = listedAt + random.int(7, 28) * DAY;
  out.push('courts', 'CaseListed', listedAt, {
    defendantId, courtType: 'magistrates', courtCode: random.pick(['B01LY00', 'B06CH00', 'B20BL00', 'B13HD00', 'B43OX00']), hearingDate: iso(hearing).slice(0, 10), listedAt: iso(listedAt),
  });
  let courtType: CourtType = 'magistrates';
  if (random.chance(SENT_TO_CROWN_COURT)) {
    courtType = 'crown';
    out.push('courts', 'DefendantSentToCrownCourt', hearing + HOUR, { defendantId, crownCourtCode: random.pick(['T20247001', 'T20227002', 'T20197003']), sentAt: iso(hearing + HOUR) });
  }
  if (random.chance(PROSECUTION_PENDING)) return;

  const outcome = random.weighted(PROSECUTION_OUTCOMES);
  const pleaAt = hearing + (courtType === 'crown' ? random.int(20, 60) * DAY : 2 * HOUR);
  const trialAt = pleaAt + Math.round(random.days(80, 0.5) * DAY);
  let resultEvent: string | undefined;
  let resultAt: number;
  switch (outcome) {
    case 'guilty_plea':
      out.push('courts', 'PleaEntered', pleaAt, { defendantId, plea: 'guilty', courtType, enteredAt: iso(pleaAt) });
      resultAt = pleaAt + 10 * 60 * SECOND;
      resultEvent = out.push('courts', 'DefendantConvicted', resultAt, { defendantId, convictedAt: iso(resultAt), basis: 'guilty_plea', courtType });
      break;
    case 'conviction_after_trial':
      out.push('courts', 'PleaEntered', pleaAt, { defendantId, plea: 'not_guilty', courtType, enteredAt: iso(pleaAt) });
      resultAt = trialAt;
      resultEvent = out.push('courts', 'DefendantConvicted', resultAt, { defendantId, convictedAt: iso(resultAt), basis: 'after_trial', courtType });
      break;
    case 'proof_in_absence':
      resultAt = pleaAt;
      resultEvent = out.push('courts', 'DefendantConvicted', resultAt, { defendantId, convictedAt: iso(resultAt), basis: 'proof_in_absence', courtType });
      break;
    case 'acquitted':
    case 'dismissed':
      out.push('courts', 'PleaEntered', pleaAt, { defendantId, plea: 'not_guilty', courtType, enteredAt: iso(pleaAt) });
      resultAt = trialAt;
      resultEvent = out.push('courts', 'DefendantAcquitted', resultAt, {
        defendantId, basis: outcome === 'acquitted' ? 'acquitted_after_trial' : 'dismissed', courtType, acquittedAt: iso(resultAt),
      });
      break;
    case 'discontinued':
    case 'administratively_finalised':
      resultAt = hearing + Math.round(random.days(30, 0.6) * DAY);
      break;
    default:
      throw new Error(`unexpected outcome ${outcome}`);
  }
  const completedAt = resultAt + 5 * SECOND;
  out.push('cps', 'ProsecutionCompleted', completedAt, {
    defendantId, outcome, completedAt: iso(completedAt), ...(resultEvent ? { courtEventId: resultEvent } : {}),
  }, resultEvent);

  const convicted = outcome === 'guilty_plea' || outcome === 'conviction_after_trial' || outcome === 'proof_in_absence';
  if (!convicted) {
    if (resultEvent && random.chance(0.85)) {
      const informedAt = resultAt + random.int(2, 60) * HOUR;
      out.push('courts', 'VictimInformedOfOutcome', informedAt, { defendantId, victimId: random.uuid(), informedAt: iso(informedAt), upliftExplained: false });
    }
    return;
  }
  if (random.chance(SENTENCE_PENDING)) return;

  const sentencedAt = courtType === 'magistrates' && random.chance(0.5) ? resultAt + HOUR : resultAt + Math.round(random.days(28, 0.5) * DAY);
  const sentences: OffenceSentence[] = offences.map((offence) => ({ offenceId: offence.offenceId, sentenceType: random.weighted(SENTENCES) }));
  if (courtFlag) {
    if (random.chance(rates.noUpliftDecision)) {
      expected.push({ caseId, defendantId, boundary: 'conviction_to_sentence', finding: 'no_uplift_decision' });
    } else {
      const principal = random.chance(context.announced) ? 'announced' : random.pick(['not stated', 'not applied'] as const);
      sentences.forEach((sentence, i) => {
        const kind = i === 0 ? principal : random.chance(0.7) ? principal : 'not applied';
        (sentence as { uplift?: UpliftDecision }).uplift = upliftDecision(courtFlag, kind, sentencedAt);
      });
    }
  } else if (random.chance(rates.courtGain)) {
    const found: HateCrimeFlag = { strands: ['race'], perceivedBy: ['other'] };
    (sentences[0] as { uplift?: UpliftDecision }).uplift = upliftDecision(found, 'announced', sentencedAt);
    expected.push({ caseId, defendantId, boundary: 'conviction_to_sentence', finding: 'first_applied_downstream' });
  }
  out.push('courts', 'DefendantSentenced', sentencedAt, { defendantId, sentencedAt: iso(sentencedAt), courtType, offences: sentences });

  const decided = sentences.some((sentence) => sentence.uplift);
  const informedAt = sentencedAt + (random.chance(0.75) ? random.int(1, 20) * HOUR : random.int(1, 10) * DAY);
  if (decided && random.chance(rates.victimNotToldOfUplift)) {
    expected.push({ caseId, defendantId, boundary: 'conviction_to_sentence', finding: 'victim_not_told_of_uplift' });
    if (random.chance(0.5)) {
      out.push('courts', 'VictimInformedOfOutcome', informedAt, { defendantId, victimId: random.uuid(), informedAt: iso(informedAt), upliftExplained: false });
    }
  } else if (decided || random.chance(0.9)) {
    out.push('courts', 'VictimInformedOfOutcome', informedAt, { defendantId, victimId: random.uuid(), informedAt: iso(informedAt), upliftExplained: decided });
  }
}

/** Provisions in force for an offence sentenced then, and the strands they cover. */
function upliftDecision(flag: HateCrimeFlag, kind: 'announced' | 'not stated' | 'not applied', at: number): UpliftDecision {
  const raceOrReligion = flag.strands.filter((strand) => strand === 'race' || strand === 'religion');
  let provision: UpliftProvision;
  let strands: HateCrimeStrand[];
  if (at >= Date.UTC(2020, 11, 1)) {
    provision = 'SA2020_s66';
    strands = [...flag.strands];
  } else if (raceOrReligion.length > 0) {
    provision = 'CJA2003_s145';
    strands = raceOrReligion;
  } else {
    provision = 'CJA2003_s146';
    strands = flag.strands.filter((strand) => strand !== 'race' && strand !== 'religion');
  }
  if (kind === 'not applied') {
    return { applied: false, provision, statedInOpenCourt: true, strandsRecognised: [], reasonNotApplied: 'hostility_not_proved' };
  }
  return { applied: true, provision, statedInOpenCourt: kind === 'announced', strandsRecognised: strands };
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

/** The events of one case, numbered per agency stream in time order once the case is complete. */
class CaseEvents {
  private readonly pending: Array<{ agency: Agency; type: string; at: number; data: object; id: string; cause?: string; order: number }> = [];

  constructor(
    private readonly caseId: string,
    private readonly random: Random,
  ) {}

  /** Adds an event and returns its id (for the events downstream that name it). */
  push(agency: Agency, type: string, at: number, data: object, cause?: string): string {
    const id = this.random.uuid();
    this.pending.push({ agency, type, at, data, id, ...(cause ? { cause } : {}), order: this.pending.length });
    return id;
  }

  envelopes(): GeneratedEvent[] {
    const result: GeneratedEvent[] = [];
    const previous: Partial<Record<Agency, string>> = {};
    const version: Record<Agency, number> = { police: 0, cps: 0, courts: 0 };
    const ordered = [...this.pending].sort((a, b) => a.at - b.at || a.order - b.order);
    for (const event of ordered) {
      version[event.agency] += 1;
      const name = `${event.agency}.${event.type}`;
      result.push({
        agency: event.agency,
        envelope: {
          specversion: '1.0',
          id: event.id,
          source: agencySource(event.agency),
          type: eventTypeName(event.agency, event.type),
          time: iso(event.at),
          subject: this.caseId,
          datacontenttype: 'application/json',
          causationid: event.cause ?? previous[event.agency] ?? this.caseId,
          correlationid: this.caseId,
          streamversion: version[event.agency],
          schemaversion: LATEST_SCHEMA_VERSION[name] ?? 1,
          data: { caseId: this.caseId, ...event.data },
        },
      });
      previous[event.agency] = event.id;
    }
    return result;
  }
}

/** A small data set held in memory (tests): its cases, every event, and the findings expected. */
export function generateDataset(options: GeneratorOptions = {}): { cases: GeneratedCase[]; events: GeneratedEvent[]; expected: ExpectedFinding[] } {
  const cases = [...generateCases(options)];
  return { cases, events: cases.flatMap((item) => item.events), expected: cases.flatMap((item) => item.expected) };
}
