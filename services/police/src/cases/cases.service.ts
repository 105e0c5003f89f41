import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventStore, type CommandResult, type StoredEvent } from '@hc/event-store';
import { DomainError } from '@hc/domain';
import { policeCaseDecider, type PoliceCase, type PoliceCommand, type PoliceEvent } from '../domain/police-case.decider';
import { toDomainEvent } from '@hc/event-store';

export interface CaseView {
  readonly caseId: string;
  readonly version: number;
  readonly state: PoliceCase;
  readonly events: readonly StoredEvent['envelope'][];
}

/** Runs police commands against the case's stream; the clock is read here, never in the decider. */
@Injectable()
export class CasesService {
  constructor(private readonly store: EventStore) {}

  execute(command: PoliceCommand, requestId: string = randomUUID()): Promise<CommandResult> {
    return this.store.handle(command.caseId, policeCaseDecider, command, { now: new Date(), causationId: requestId });
  }

  async view(caseId: string): Promise<CaseView> {
    const stream = await this.store.readStream(caseId);
    if (stream.length === 0) throw new DomainError('case_not_found', `no crime has been recorded as case ${caseId}`, 'not_found');
    const state = stream.reduce(
      (current, stored) => policeCaseDecider.evolve(current, toDomainEvent(stored.envelope) as PoliceEvent),
      policeCaseDecider.initialState(),
    );
    return { caseId, version: stream.length, state, events: stream.map((stored) => stored.envelope) };
  }
}
