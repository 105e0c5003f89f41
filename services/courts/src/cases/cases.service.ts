import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError } from '@hc/domain';
import { EventStore, toDomainEvent, type CommandResult, type StoredEvent } from '@hc/event-store';
import { courtCaseDecider, type CourtCase, type CourtCommand, type CourtsEvent } from '../domain/court-case.decider';

export interface CaseView {
  readonly caseId: string;
  readonly version: number;
  readonly state: CourtCase;
  readonly events: readonly StoredEvent['envelope'][];
}

@Injectable()
export class CasesService {
  constructor(private readonly store: EventStore) {}

  execute(
    caseId: string,
    command: CourtCommand,
    context: { causationId?: string; correlationId?: string; inboxMessageId?: string } = {},
  ): Promise<CommandResult> {
    return this.store.handle(caseId, courtCaseDecider, command, {
      now: new Date(),
      causationId: context.causationId ?? randomUUID(),
      ...(context.correlationId ? { correlationId: context.correlationId } : {}),
      ...(context.inboxMessageId ? { inboxMessageId: context.inboxMessageId } : {}),
    });
  }

  async view(caseId: string): Promise<CaseView> {
    const stream = await this.store.readStream(caseId);
    if (stream.length === 0) throw new DomainError('case_not_found', `the courts hold no case ${caseId}`, 'not_found');
    const state = stream.reduce(
      (current, stored) => courtCaseDecider.evolve(current, toDomainEvent(stored.envelope) as CourtsEvent),
      courtCaseDecider.initialState(),
    );
    return { caseId, version: stream.length, state, events: stream.map((stored) => stored.envelope) };
  }
}
