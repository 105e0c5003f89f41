import { sameFlag, type FlagRecord, type HateCrimeFlag, type Offence } from '@hc/contracts';
import { DomainError, type Warning } from './decider';

/** Rules about the flag that hold at every agency. */
export function checkFlag(flag: HateCrimeFlag): void {
  if (flag.strands.length === 0) {
    throw new DomainError('flag_needs_strand', 'a hate crime flag needs at least one of the five strands');
  }
  if (flag.perceivedBy.length === 0) {
    throw new DomainError('flag_needs_perceiver', 'a hate crime flag is perception-based: say who perceived the hostility');
  }
  if (flag.religionTargetedGroup && !flag.strands.includes('religion')) {
    throw new DomainError('religion_group_without_religion_strand', 'religionTargetedGroup is only for a flag that includes the religion strand');
  }
}

/**
 * Crime and Disorder Act 1998 ss.29-32 offences are racially or religiously aggravated by definition
 * (s.28). A flag whose strands are neither race nor religion contradicts such an offence, and is
 * refused. No flag at all is the omission the product exists to show: recorded, with a warning.
 */
export function checkAggravatedOffences(offences: readonly Offence[], flag: HateCrimeFlag | undefined): Warning[] {
  const aggravated = offences.find((offence) => offence.aggravatedUnder);
  if (!aggravated) return [];
  if (!flag) {
    return [
      {
        code: 'aggravated_offence_unflagged',
        finding: null,
        boundary: null,
        message: `offence ${aggravated.offenceId} is racially or religiously aggravated (${aggravated.aggravatedUnder}) but the case holds no hate crime flag; it is recorded, and counts as a hate crime only where an agency flags it`,
        remedy: 'apply the hate crime flag with the race or religion strand, as the offence requires',
      },
    ];
  }
  if (!flag.strands.some((strand) => strand === 'race' || strand === 'religion')) {
    throw new DomainError(
      'aggravated_offence_needs_race_or_religion_strand',
      `offence ${aggravated.offenceId} is racially or religiously aggravated (${aggravated.aggravatedUnder}) but the hate crime flag has neither the race nor the religion strand`,
    );
  }
  return [];
}

/**
 * An agency's record of the flag, checked and made plain: the flag exactly when it holds one, a
 * reason code only with `not_hate_crime`.
 */
export function checkFlagRecord(record: FlagRecord): FlagRecord {
  const { reason } = record;
  if (reason && record.holds !== 'not_hate_crime') {
    throw new DomainError('reason_only_when_not_hate_crime', `a reason goes with holds not_hate_crime (why the case is not a hate crime), not with holds ${record.holds}`);
  }
  if (record.holds === 'flagged') {
    if (!record.hateCrime) throw new DomainError('flag_record_needs_flag', 'holds flagged needs hateCrime: the strands and who perceived the hostility');
    checkFlag(record.hateCrime);
    return { holds: 'flagged', hateCrime: record.hateCrime };
  }
  if (record.hateCrime) {
    throw new DomainError('flag_record_holds_no_flag', `holds ${record.holds} means the record has no flag, so it cannot carry hateCrime; send holds flagged`);
  }
  return { holds: record.holds, ...(reason ? { reason } : {}) };
}

/** Two records of the flag say the same. */
export function sameFlagRecord(a: FlagRecord, b: FlagRecord): boolean {
  return a.holds === b.holds && sameFlag(a.hateCrime, b.hateCrime) && (a.reason ?? null) === (b.reason ?? null);
}
