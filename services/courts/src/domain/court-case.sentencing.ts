import type { HateCrimeStrand, UpliftDecision, UpliftProvision } from '@hc/contracts';
import { DomainError, type Warning } from '@hc/domain';
import type { CourtDefendant, SentenceDefendant } from './court-case.decider';

/**
 * The court's sentencing rules, offence by offence: what a sentence must not contradict (the law
 * in force, the charges) and what it should record but may leave out (a sentence per offence, the
 * uplift decision of a flagged defendant), which is kept with a warning.
 */
const PROVISION_STRANDS: Record<UpliftProvision, readonly HateCrimeStrand[]> = {
  SA2020_s66: ['race', 'religion', 'sexual_orientation', 'disability', 'transgender'],
  CJA2003_s145: ['race', 'religion'],
  CJA2003_s146: ['sexual_orientation', 'disability', 'transgender'],
};

/** The Sentencing Code (Sentencing Act 2020) applies to convictions on or after this day; CJA 2003 ss.145-146 before it. */
export const SENTENCING_CODE_IN_FORCE = '2020-12-01';
const SENTENCING_CODE_FROM = Date.parse(`${SENTENCING_CODE_IN_FORCE}T00:00:00Z`);

/** The warnings of a sentence the court may record; throws for one it cannot have passed. */
export function sentencingWarnings(command: SentenceDefendant, defendant: CourtDefendant, convictedAt: string): Warning[] {
  const warnings = checkOffencesSentenced(command, defendant);
  for (const offence of command.offences) {
    if (offence.uplift) warnings.push(...checkUplift(offence.uplift, convictedAt, offence.offenceId));
  }
  warnings.push(...upliftDecisionWarnings(command, defendant));
  return warnings;
}

/**
 * A flagged defendant's sentence should record the uplift decision on every offence, and an
 * unflagged one's should record none; either way the court's record is what is kept.
 */
function upliftDecisionWarnings(command: SentenceDefendant, defendant: CourtDefendant): Warning[] {
  const undecided = command.offences.filter((offence) => !offence.uplift).map((offence) => offence.offenceId);
  const decidedOffences = command.offences.filter((offence) => offence.uplift).map((offence) => offence.offenceId);
  const who = `defendant ${command.defendantId} on case ${command.caseId}`;
  if (defendant.hateCrime && decidedOffences.length === 0) {
    return [
      {
        code: 'no_uplift_decision',
        finding: 'no_uplift_decision',
        boundary: 'conviction_to_sentence',
        message: `${who} is flagged as a hate crime (${defendant.hateCrime.strands.join(', ')}) and was sentenced with no uplift decision on any offence; the sentence is recorded`,
        remedy: "record in the court's system whether the uplift was applied on each offence and stated in open court (Sentencing Act 2020 s.66); a sentence once recorded is not re-recorded, so the finding stays on this case",
      },
    ];
  }
  if (defendant.hateCrime && undecided.length > 0) {
    return [
      {
        code: 'offence_without_uplift_decision',
        finding: null,
        boundary: null,
        message: `${who} is flagged as a hate crime but offence(s) ${undecided.join(', ')} have no uplift decision`,
        remedy: 'record the uplift decision on every offence of a flagged case',
      },
    ];
  }
  if (!defendant.hateCrime && decidedOffences.length > 0) {
    return [
      {
        code: 'uplift_in_unflagged_case',
        finding: 'first_applied_downstream',
        boundary: 'conviction_to_sentence',
        message: `${who} carries no hate crime flag at court, but the sentence records an uplift decision on offence(s) ${decidedOffences.join(', ')}`,
        remedy: "record the hate crime flag on the court case (PUT /cases/{caseId}/defendants/{defendantId}/flag-record) if the court treated it as a hate crime",
      },
    ];
  }
  return [];
}

/**
 * A sentence names only charged offences, each once. A charged offence left without a sentence
 * (withdrawn, left on the file) is what the court recorded: kept, with a warning.
 */
function checkOffencesSentenced(command: SentenceDefendant, defendant: CourtDefendant): Warning[] {
  const charged = new Set(defendant.charges.map((charge) => charge.offenceId));
  const seen = new Set<string>();
  for (const { offenceId } of command.offences) {
    if (!charged.has(offenceId)) {
      throw new DomainError(
        'unknown_offence',
        `offence ${offenceId} is not one of the charges of defendant ${command.defendantId} (${[...charged].join(', ')})`,
      );
    }
    if (seen.has(offenceId)) {
      throw new DomainError('offence_sentenced_twice', `offence ${offenceId} appears more than once in the sentence of defendant ${command.defendantId}`);
    }
    seen.add(offenceId);
  }
  const missing = [...charged].filter((offenceId) => !seen.has(offenceId));
  if (missing.length === 0) return [];
  return [
    {
      code: 'offence_not_sentenced',
      finding: null,
      boundary: null,
      message: `charged offence(s) ${missing.join(', ')} of defendant ${command.defendantId} have no sentence in this record`,
      remedy: 'send a sentence for every charged offence the court sentenced; an offence withdrawn or left on the file needs nothing',
    },
  ];
}

/**
 * An uplift decision contradicted by the law in force (the provision of another date, or one that
 * does not cover the strand) is refused; one that leaves out what it should say is kept, with a warning.
 */
function checkUplift(uplift: UpliftDecision, convictedAt: string, offenceId: string): Warning[] {
  const warnings: Warning[] = [];
  if (uplift.applied && uplift.strandsRecognised.length === 0) {
    warnings.push({
      code: 'uplift_needs_strand',
      finding: null,
      boundary: null,
      message: `the uplift applied to offence ${offenceId} names no strand of hostility the court recognised`,
      remedy: 'send strandsRecognised with the strands the court stated',
    });
  }
  if (!uplift.applied && !uplift.reasonNotApplied) {
    warnings.push({
      code: 'uplift_not_applied_needs_reason',
      finding: null,
      boundary: null,
      message: `the uplift was not applied to offence ${offenceId} and no reason is recorded`,
      remedy: 'send reasonNotApplied as the court gave it',
    });
  }
  const sentencingCode = Date.parse(convictedAt) >= SENTENCING_CODE_FROM;
  if (sentencingCode !== (uplift.provision === 'SA2020_s66')) {
    throw new DomainError(
      'provision_not_in_force',
      sentencingCode
        ? `the conviction of ${convictedAt} is on or after ${SENTENCING_CODE_IN_FORCE}: offence ${offenceId} falls under SA2020_s66, not ${uplift.provision}`
        : `the conviction of ${convictedAt} is before ${SENTENCING_CODE_IN_FORCE}: offence ${offenceId} falls under CJA2003_s145 (race, religion) or CJA2003_s146 (sexual orientation, disability, transgender), not ${uplift.provision}`,
    );
  }
  const allowed = PROVISION_STRANDS[uplift.provision];
  const outside = uplift.strandsRecognised.filter((strand) => !allowed.includes(strand));
  if (outside.length > 0) {
    throw new DomainError('provision_does_not_cover_strand', `${uplift.provision} does not cover ${outside.join(', ')} (offence ${offenceId})`);
  }
  return warnings;
}
