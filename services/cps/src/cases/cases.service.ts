import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, type Decider } from '@hc/domain';
import { EventStore, type CommandResult, type StoredEvent } from '@hc/event-store';
import { AccessLog, currentPrincipal, flagRecordOf, offenceOf, RecordFlagDto, requireInScope, type BulkCommandTable, type IdempotencyRequest } from '@hc/service-kit';
import { cpsCaseDecider, type CpsCase, type CpsCommand, type CpsEvent } from '../domain/cps-case.decider';
import { cpsSnapshotDecider, type CpsCaseSnapshot } from '../domain/cps-case.snapshot';
import { CpsCaseSnapshotDto } from './dto/case-snapshot.dto';
import { CompletionDto } from './dto/completion.dto';
import { ApplyFlagDto, ConfirmFlagDto, RemoveFlagDto } from './dto/hate-crime-flag.dto';
import { PreChargeDecisionDto } from './dto/pre-charge-decision.dto';
import { SpecialMeasuresDto } from './dto/special-measures.dto';

export interface CaseView {
  readonly caseId: string;
  readonly version: number;
  readonly state: CpsCase;
  readonly events: readonly StoredEvent['envelope'][];
}

export type CommandResponse = { readonly caseId: string; readonly version: number } & Record<string, unknown>;

/** Where an upstream event came from, so that what it causes is traced to it and happens once. */
export interface UpstreamCause {
  readonly eventId: string;
  readonly correlationId: string;
}

/**
 * The CPS commands, one method per use case, shared by the REST endpoints, the bulk extract and
 * the consumers of the police and courts topics. Defaults that depend on the clock are filled in
 * here, never in the decider.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly store: EventStore,
    private readonly accessLog: AccessLog,
  ) {}

  confirmFlag(caseId: string, body: ConfirmFlagDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      {
        type: 'ConfirmHateCrimeFlag',
        caseId,
        ...(body.hateCrime ? { hateCrime: { ...body.hateCrime } } : {}),
        confirmedAt: body.confirmedAt ?? new Date().toISOString(),
      },
      { caseId },
      idempotency,
    );
  }

  applyFlag(caseId: string, body: ApplyFlagDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      {
        type: 'ApplyHateCrimeFlag',
        caseId,
        hateCrime: { ...body.hateCrime },
        appliedAt: body.appliedAt ?? new Date().toISOString(),
        reason: body.reason,
      },
      { caseId },
      idempotency,
    );
  }

  removeFlag(caseId: string, body: RemoveFlagDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      {
        type: 'RemoveHateCrimeFlag',
        caseId,
        removedAt: body.removedAt ?? new Date().toISOString(),
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
      },
      { caseId },
      idempotency,
    );
  }

  /** The flag as CPS case management holds it; nothing is recorded when the case already holds the same. */
  recordFlag(caseId: string, body: RecordFlagDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      { type: 'RecordHateCrimeFlag', caseId, record: flagRecordOf(body), recordedAt: body.recordedAt ?? new Date().toISOString() },
      { caseId },
      idempotency,
    );
  }

  makePreChargeDecision(
    caseId: string,
    defendantId: string,
    body: PreChargeDecisionDto,
    idempotency?: IdempotencyRequest,
  ): Promise<CommandResponse> {
    return this.execute(
      {
        type: 'MakePreChargeDecision',
        caseId,
        defendantId,
        decision: body.decision,
        decidedAt: body.decidedAt ?? new Date().toISOString(),
        charges: (body.charges ?? []).map(offenceOf),
      },
      { caseId, defendantId },
      idempotency,
    );
  }

  applyForSpecialMeasures(caseId: string, body: SpecialMeasuresDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      {
        type: 'ApplyForSpecialMeasures',
        caseId,
        victimId: body.victimId,
        measures: [...body.measures],
        appliedAt: body.appliedAt ?? new Date().toISOString(),
      },
      { caseId, victimId: body.victimId },
      idempotency,
    );
  }

  completeProsecution(caseId: string, defendantId: string, body: CompletionDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      {
        type: 'CompleteProsecution',
        caseId,
        defendantId,
        outcome: body.outcome,
        completedAt: body.completedAt ?? new Date().toISOString(),
      },
      { caseId, defendantId },
      idempotency,
    );
  }

  /**
   * A command caused by an upstream agency's event (a police referral, a court result): traced to
   * that event, and acted on once however often the event is delivered (the inbox).
   */
  react(command: CpsCommand, cause: UpstreamCause): Promise<CommandResult> {
    return this.store.handle(command.type === 'ReceiveCaseFromPolice' ? command.referral.caseId : command.caseId, cpsCaseDecider, command, {
      now: new Date(),
      causationId: cause.eventId,
      correlationId: cause.correlationId,
      inboxMessageId: cause.eventId,
    });
  }

  /** The case as CPS case management holds it tonight: what differs from the CPS case is recorded, nothing else. */
  reconcileSnapshot(caseId: string, body: CpsCaseSnapshotDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    const at = body.takenAt ?? new Date().toISOString();
    const snapshot: CpsCaseSnapshot = {
      caseId,
      flag: flagRecordOf(body.flag),
      flagRecordedAt: at,
      defendants: (body.defendants ?? []).map(({ defendantId, decision, completion }) => ({
        defendantId,
        ...(decision
          ? { decision: { decision: decision.decision, decidedAt: decision.decidedAt ?? at, charges: (decision.charges ?? []).map(offenceOf) } }
          : {}),
        ...(completion ? { completion: { outcome: completion.outcome, completedAt: completion.completedAt ?? at } } : {}),
      })),
      specialMeasures: (body.specialMeasures ?? []).map((item) => ({ victimId: item.victimId, measures: [...item.measures], appliedAt: item.appliedAt ?? at })),
    };
    return this.handle(caseId, cpsSnapshotDecider, { type: 'ReconcileCpsSnapshot', snapshot }, { caseId }, idempotency);
  }

  /** The commands a CPS case management extract may hold, by name. */
  bulkCommands(): BulkCommandTable {
    return {
      CaseSnapshot: {
        body: CpsCaseSnapshotDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.reconcileSnapshot(params.caseId!, body, idempotency),
      },
      ConfirmHateCrimeFlag: {
        body: ConfirmFlagDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.confirmFlag(params.caseId!, body, idempotency),
      },
      ApplyHateCrimeFlag: {
        body: ApplyFlagDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.applyFlag(params.caseId!, body, idempotency),
      },
      RemoveHateCrimeFlag: {
        body: RemoveFlagDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.removeFlag(params.caseId!, body, idempotency),
      },
      RecordHateCrimeFlag: {
        body: RecordFlagDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.recordFlag(params.caseId!, body, idempotency),
      },
      MakePreChargeDecision: {
        body: PreChargeDecisionDto,
        params: ['caseId', 'defendantId'],
        run: (params, body, idempotency) => this.makePreChargeDecision(params.caseId!, params.defendantId!, body, idempotency),
      },
      ApplyForSpecialMeasures: {
        body: SpecialMeasuresDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.applyForSpecialMeasures(params.caseId!, body, idempotency),
      },
      CompleteProsecution: {
        body: CompletionDto,
        params: ['caseId', 'defendantId'],
        run: (params, body, idempotency) => this.completeProsecution(params.caseId!, params.defendantId!, body, idempotency),
      },
    };
  }

  async view(caseId: string): Promise<CaseView> {
    await this.accessLog.record('read-case', caseId);
    const { stream, state } = await this.store.load(caseId, cpsCaseDecider);
    requireInScope('CPS area', areaOf(stream));
    if (stream.length === 0) throw new DomainError('case_not_found', `the CPS holds no case ${caseId}`, 'not_found');
    return { caseId, version: stream.length, state, events: stream.map((stored) => stored.envelope) };
  }

  private execute(
    command: Exclude<CpsCommand, { type: 'ReceiveCaseFromPolice' }>,
    response: { caseId: string } & Record<string, unknown>,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<CommandResponse> {
    return this.handle(command.caseId, cpsCaseDecider, command, response, idempotency);
  }

  private async handle<TCommand>(
    caseId: string,
    decider: Decider<TCommand, CpsEvent, CpsCase>,
    command: TCommand,
    response: { caseId: string } & Record<string, unknown>,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<CommandResponse> {
    // An area's system acts only on its area's cases (a national key skips the read).
    const principal = currentPrincipal();
    if (principal && principal.scope !== '*') requireInScope('CPS area', areaOf(await this.store.readStream(caseId)));
    const result = await this.store.handle(caseId, decider, command, {
      now: new Date(),
      causationId: randomUUID(),
      ...(idempotency ? { idempotency: { ...idempotency, response } } : {}),
    });
    // The store answers a repeated key with the stored answer, and otherwise only with the version.
    return { ...response, ...result.response } as CommandResponse;
  }
}

/** The CPS area of a case: in its first event, the case received from the police. */
function areaOf(stream: readonly StoredEvent[]): string | undefined {
  return (stream[0]?.envelope.data as { cpsArea?: string } | undefined)?.cpsArea;
}
