import type { AggravatedOffenceSection, Offence } from '@hc/contracts';

/**
 * The offence a command carries, from its DTO: the fields the event takes and no other (a DTO
 * instance also holds the free-text fields it refuses, as undefined, which no event may name).
 */
export function offenceOf(dto: { readonly offenceId: string; readonly code: string; readonly aggravatedUnder?: AggravatedOffenceSection }): Offence {
  return { offenceId: dto.offenceId, code: dto.code, ...(dto.aggravatedUnder ? { aggravatedUnder: dto.aggravatedUnder } : {}) };
}
