import { normaliseStrands, sameStrands, type Boundary, type FindingType, type HateCrimeStrand } from '@hc/contracts';
import type { CaseFacts, EventRef, FlagView } from './case-facts';

/**
 * The flag audit of one case: at each stage boundary, what became of the flag the upstream agency
 * held, and the victim hand-overs that go with it. Every finding names the event where it shows,
 * so an inspector can open the case timeline at that point.
 *
 * A boundary is judged only once both sides have spoken (a case referred but not yet received by
 * the CPS has no police -> CPS finding yet). Conviction -> sentence is judged at sentence: a
 * flagged defendant convicted but not yet sentenced is pending, not a finding, because sentence
 * routinely follows conviction by weeks and a finding should mean someone did something wrong.
 */
export { BOUNDARIES, FINDING_TYPES, type Boundary, type FindingType } from '@hc/contracts';

/**
 * What became of the flag at a boundary, for retention statistics. `kept` and `strands_changed`
 * keep the flag; `lost` at conviction -> sentence means a flagged defendant was sentenced with no
 * uplift decision recorded.
 */
export const BOUNDARY_RESULTS = ['kept', 'strands_changed', 'removed_with_reason', 'lost', 'first_applied_downstream'] as const;
export type BoundaryResult = (typeof BOUNDARY_RESULTS)[number];

/** One row of the flag audit (projection table `flag_audit`). */
export interface FindingRow {
  readonly case_id: string;
  /** Null for a case-level finding (police -> CPS: the referral is of the whole case). */
  readonly defendant_id: string | null;
  readonly boundary: Boundary;
  readonly finding: FindingType;
  readonly upstream_flagged: boolean;
  readonly upstream_strands: readonly HateCrimeStrand[];
  readonly downstream_flagged: boolean;
  readonly downstream_strands: readonly HateCrimeStrand[];
  /** The recorded reason of a removal. */
  readonly reason: string | null;
  /** The event at which the finding shows (e.g. the referral that left the flag behind). */
  readonly event_id: string | null;
  readonly detected_at: string | null;
  readonly detail: string;
}

/** A finding with the slices of its case, as stored (so the audit filters without a join). */
export interface AuditRow extends FindingRow {
  readonly urn: string | null;
  readonly force_code: string | null;
  readonly force_name: string | null;
  readonly cps_area: string | null;
  readonly financial_year: string | null;
  readonly strands: readonly HateCrimeStrand[];
  readonly court_type: string;
}

export interface DefendantAudit {
  readonly cpsToCourt: BoundaryResult | null;
  readonly convictionToSentence: BoundaryResult | null;
}

export interface CaseAudit {
  readonly policeToCps: BoundaryResult | null;
  readonly defendants: ReadonlyMap<string, DefendantAudit>;
  readonly findings: readonly FindingRow[];
}

/**
 * A hate crime for the analytics: some agency holds a flag on it now (or dropped one without a
 * reason, which is a loss, not a decision), or the court decided an uplift.
 */
export function isHateCrime(facts: CaseFacts): boolean {
  const { police, cps } = facts;
  if (police.flag.flagged || police.flagDroppedFrom || police.referral?.flag.flagged || cps.flag.flagged) return true;
  for (const defendant of facts.courts.defendants.values()) {
    if (defendant.received?.flag.flagged || defendant.flag.flagged) return true;
    if (defendant.sentenced?.offences.some((offence) => offence.uplift)) return true;
  }
  return false;
}

function strandsText(flag: FlagView): string {
  return flag.flagged ? flag.strands.join(', ') : 'no flag';
}

interface Comparison {
  readonly result: BoundaryResult | null;
  readonly finding?: FindingType;
}

/** Upstream against downstream flag at one boundary, with the removal (if any) that explains a missing flag. */
function compare(upstream: FlagView, downstream: FlagView, removedWithReason: boolean): Comparison {
  if (upstream.flagged && downstream.flagged) {
    return sameStrands(upstream.strands, downstream.strands) ? { result: 'kept' } : { result: 'strands_changed', finding: 'strands_changed' };
  }
  if (upstream.flagged) {
    return removedWithReason ? { result: 'removed_with_reason', finding: 'removed_with_reason' } : { result: 'lost', finding: 'lost' };
  }
  if (downstream.flagged) return { result: 'first_applied_downstream', finding: 'first_applied_downstream' };
  return { result: null };
}

export function auditCase(facts: CaseFacts): CaseAudit {
  const findings: FindingRow[] = [];
  const { police, cps, courts, caseId } = facts;
  const hateCrime = isHateCrime(facts);
  const finding = (
    defendantId: string | null,
    boundary: Boundary,
    type: FindingType,
    upstream: FlagView,
    downstream: FlagView,
    at: EventRef | undefined,
    detail: string,
    reason: string | null = null,
  ) =>
    findings.push({
      case_id: caseId,
      defendant_id: defendantId,
      boundary,
      finding: type,
      upstream_flagged: upstream.flagged,
      upstream_strands: upstream.strands,
      downstream_flagged: downstream.flagged,
      downstream_strands: downstream.strands,
      reason,
      event_id: at?.eventId ?? null,
      detected_at: at?.at ?? null,
      detail,
    });

  // Police -> CPS: the flag the police held when they referred, against the flag the CPS holds now.
  let policeToCps: BoundaryResult | null = null;
  const { referral } = police;
  if (referral && cps.received) {
    const upstream = referral.flagBefore;
    const downstream = cps.flag;
    const { result, finding: type } = compare(upstream, downstream, cps.flagRemoved !== undefined);
    policeToCps = result;
    switch (type) {
      case undefined:
        break;
      case 'lost': {
        const droppedByReferral = !referral.flag.flagged;
        finding(null, 'police_to_cps', type, upstream, downstream, droppedByReferral ? referral : cps.flagSetBy ?? cps.received,
          referral.droppedBefore
            ? `the police record dropped the flag (${strandsText(upstream)}) without a reason before the referral, which carried none`
            : droppedByReferral
              ? `the police held the flag (${strandsText(upstream)}) but the referral to the CPS carried none`
              : `the referral carried the flag (${strandsText(referral.flag)}) but the CPS case holds none, with no recorded reason`);
        break;
      }
      case 'removed_with_reason':
        finding(null, 'police_to_cps', type, upstream, downstream, cps.flagRemoved, `the CPS removed the flag: ${cps.flagRemoved!.reason}`, cps.flagRemoved!.reason);
        break;
      case 'strands_changed': {
        const changedByReferral = !sameStrands(referral.flag.strands, upstream.strands);
        finding(null, 'police_to_cps', type, upstream, downstream, changedByReferral ? referral : cps.flagSetBy,
          `police strands ${strandsText(upstream)}; CPS strands ${strandsText(downstream)}`);
        break;
      }
      case 'first_applied_downstream':
        finding(null, 'police_to_cps', type, upstream, downstream, cps.flagSetBy, `the police did not flag the case; the CPS flagged it (${strandsText(downstream)})`);
        break;
      default:
        throw new Error(`unexpected police -> CPS finding ${type}`);
    }
  }

  // Victims' needs the police assessed before referring, and whether they reached the CPS.
  if (hateCrime && referral && referral.assessmentsBefore > 0) {
    const notPassed = !referral.victimNeedsPassedOn;
    const notReceived = cps.received !== undefined && !cps.received.victimNeedsReceived;
    if (notPassed || notReceived) {
      finding(null, 'police_to_cps', 'victim_needs_not_passed_on', referral.flagBefore, cps.flag, notPassed ? referral : cps.received,
        notPassed
          ? `the police assessed ${referral.assessmentsBefore} victim(s)' needs but the referral did not pass them on`
          : 'the referral passed victims\' needs on but the CPS case records none received');
    }
  }

  const defendants = new Map<string, DefendantAudit>();
  for (const defendantId of facts.defendantIds) {
    const court = courts.defendants.get(defendantId);

    // CPS -> court: the CPS flag when it charged, against the flag the court opened its case with.
    let cpsToCourt: BoundaryResult | null = null;
    const charge = cps.charges.get(defendantId);
    if (charge && court?.received) {
      // The CPS flag just before its charge, against the flag the court holds now (the one it was
      // sent, unless the court's own record says otherwise).
      const upstream = charge.flagBefore;
      const downstream = court.flag;
      const { result, finding: type } = compare(upstream, downstream, court.flagRemoved !== undefined);
      cpsToCourt = result;
      const atCharge = !sameFlag(charge.flag, upstream);
      const where = atCharge ? charge : court.flagSetBy ?? court.received;
      switch (type) {
        case undefined:
          break;
        case 'lost':
          finding(defendantId, 'cps_to_court', type, upstream, downstream, where,
            atCharge
              ? `the CPS held the flag (${strandsText(upstream)}) but its charge carried none to the court`
              : `the charge carried the flag (${strandsText(charge.flag)}) but the court's record holds none, with no recorded reason`);
          break;
        case 'removed_with_reason':
          finding(defendantId, 'cps_to_court', type, upstream, downstream, court.flagRemoved,
            `the court's record says the case is not a hate crime: ${court.flagRemoved!.reason}`, court.flagRemoved!.reason);
          break;
        case 'strands_changed':
          finding(defendantId, 'cps_to_court', type, upstream, downstream, where,
            `CPS strands ${strandsText(upstream)}; court strands ${strandsText(downstream)}`);
          break;
        case 'first_applied_downstream':
          finding(defendantId, 'cps_to_court', type, upstream, downstream, where,
            `the CPS did not hold a flag when it charged; the court case carries one (${strandsText(downstream)})`);
          break;
        default:
          throw new Error(`unexpected CPS -> court finding ${type}`);
      }
    }

    // Conviction -> sentence: a flagged defendant's sentence must record the uplift decision.
    let convictionToSentence: BoundaryResult | null = null;
    if (court?.sentenced) {
      const flag = court.flag;
      const decided = court.sentenced.offences.filter((offence) => offence.uplift);
      const recognised: FlagView = decided.length > 0
        ? { flagged: true, strands: normaliseStrands(decided.flatMap((offence) => offence.uplift!.strandsRecognised)) }
        : { flagged: false, strands: [] };
      if (flag.flagged && decided.length > 0) convictionToSentence = 'kept';
      else if (flag.flagged) {
        convictionToSentence = 'lost';
        finding(defendantId, 'conviction_to_sentence', 'no_uplift_decision', flag, recognised, court.sentenced,
          `flagged (${strandsText(flag)}) and sentenced with no uplift decision recorded on any offence`);
      } else if (decided.length > 0) {
        convictionToSentence = 'first_applied_downstream';
        finding(defendantId, 'conviction_to_sentence', 'first_applied_downstream', flag, recognised, court.sentenced,
          'the court case carried no flag but the sentence records an uplift decision');
      }
      if (decided.length > 0 && !court.victimInformed?.upliftExplained) {
        finding(defendantId, 'conviction_to_sentence', 'victim_not_told_of_uplift', flag, recognised, court.victimInformed ?? court.sentenced,
          court.victimInformed ? 'the victim was told of the outcome but not of the uplift decision' : 'the victim has not been told of the sentence and the uplift decision');
      }
    }
    defendants.set(defendantId, { cpsToCourt, convictionToSentence });
  }
  return { policeToCps, defendants, findings };
}

function sameFlag(a: FlagView, b: FlagView): boolean {
  return a.flagged === b.flagged && sameStrands(a.strands, b.strands);
}
