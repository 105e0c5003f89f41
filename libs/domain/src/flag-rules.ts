import type { HateCrimeFlag, Offence } from '@hc/contracts';
import { DomainError } from './decider';

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

/** Crime and Disorder Act 1998 ss.29-32 offences are racially or religiously aggravated by definition (s.28). */
export function checkAggravatedOffences(offences: readonly Offence[], flag: HateCrimeFlag | undefined): void {
  const aggravated = offences.find((offence) => offence.aggravatedUnder);
  if (!aggravated) return;
  if (!flag || !flag.strands.some((strand) => strand === 'race' || strand === 'religion')) {
    throw new DomainError(
      'aggravated_offence_needs_race_or_religion_strand',
      `offence ${aggravated.offenceId} is racially or religiously aggravated (${aggravated.aggravatedUnder}) but the hate crime flag has neither the race nor the religion strand`,
    );
  }
}
