import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError, type Decider } from '@hc/domain';
import { EventStore, type StoredEvent } from '@hc/event-store';
import { AccessLog, currentPrincipal, flagOf, flagRecordOf, offenceOf, RecordFlagDto, requireInScope, type BulkCommandTable, type IdempotencyRequest } from '@hc/service-kit';
import { policeCaseDecider, type PoliceCase, type PoliceCommand, type PoliceEvent } from '../domain/police-case.decider';
import { policeSnapshotDecider, type PoliceCaseSnapshot } from '../domain/police-case.snapshot';
import { policeCaseId } from './case-id';
import { ApplyHateCrimeFlagDto, ChangeHateCrimeFlagDto, RemoveHateCrimeFlagDto } from './dto/hate-crime-flag.dto';
import { PoliceCaseSnapshotDto } from './dto/case-snapshot.dto';
import { AssignPoliceOutcomeDto } from './dto/police-outcome.dto';
import { IdentifySuspectDto, RecordCrimeDto, ReferCaseDto } from './dto/record-crime.dto';
import { AssessVictimNeedsDto } from './dto/victim-needs.dto';

export interface CaseView {
  readonly caseId: string;
  readonly version: number;
  readonly state: PoliceCase;
  readonly events: readonly StoredEvent['envelope'][];
}

export type CommandResponse = { readonly caseId: string; readonly version: number } & Record<string, unknown>;

/**
 * The police commands, one method per use case, shared by the REST endpoints and the bulk extract.
 * Defaults that depend on the clock or on fresh ids are filled in here, never in the decider.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly store: EventStore,
    private readonly accessLog: AccessLog,
  ) {}

  recordCrime(body: RecordCrimeDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    const caseId = policeCaseId(body.forceCode, body.crimeReference);
    return this.execute(
      {
        type: 'RecordCrime',
        caseId,
        crimeReference: body.crimeReference,
        forceCode: body.forceCode,
        recordedAt: body.recordedAt ?? new Date().toISOString(),
        offences: body.offences.map(offenceOf),
        ...(body.hateCrime ? { hateCrime: flagOf(body.hateCrime) } : {}),
      },
      { caseId },
      idempotency,
    );
  }

  identifySuspect(caseId: string, body: IdentifySuspectDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    const suspectId = body.suspectId ?? randomUUID();
    return this.execute(
      { type: 'IdentifySuspect', caseId, suspectId, identifiedAt: body.identifiedAt ?? new Date().toISOString() },
      { caseId, suspectId },
      idempotency,
    );
  }

  referToCps(caseId: string, body: ReferCaseDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      {
        type: 'ReferCaseToCps',
        caseId,
        urn: body.urn,
        victimNeedsPassedOn: body.victimNeedsPassedOn,
        referredAt: body.referredAt ?? new Date().toISOString(),
      },
      { caseId },
      idempotency,
    );
  }

  applyFlag(caseId: string, body: ApplyHateCrimeFlagDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      {
        type: 'ApplyHateCrimeFlag',
        caseId,
        hateCrime: flagOf(body.hateCrime),
        appliedAt: body.appliedAt ?? new Date().toISOString(),
        reason: body.reason,
      },
      { caseId },
      idempotency,
    );
  }

  changeFlag(caseId: string, body: ChangeHateCrimeFlagDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      {
        type: 'ChangeHateCrimeFlag',
        caseId,
        hateCrime: flagOf(body.hateCrime),
        changedAt: body.changedAt ?? new Date().toISOString(),
        reason: body.reason,
      },
      { caseId },
      idempotency,
    );
  }

  removeFlag(caseId: string, body: RemoveHateCrimeFlagDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
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

  /** The flag as the force's system holds it (an extract); nothing is recorded when the case already holds the same. */
  recordFlag(caseId: string, body: RecordFlagDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      { type: 'RecordHateCrimeFlag', caseId, record: flagRecordOf(body), recordedAt: body.recordedAt ?? new Date().toISOString() },
      { caseId },
      idempotency,
    );
  }

  assessVictimNeeds(caseId: string, body: AssessVictimNeedsDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    const victimId = body.victimId ?? randomUUID();
    return this.execute(
      {
        type: 'AssessVictimNeeds',
        caseId,
        victimId,
        assessedAt: body.assessedAt ?? new Date().toISOString(),
        riskLevel: body.riskLevel,
        needs: [...body.needs],
        enhancedService: body.enhancedService,
        specialMeasuresWanted: [...body.specialMeasuresWanted],
      },
      { caseId, victimId },
      idempotency,
    );
  }

  assignOutcome(caseId: string, body: AssignPoliceOutcomeDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      { type: 'AssignPoliceOutcome', caseId, outcomeCode: body.outcomeCode, assignedAt: body.assignedAt ?? new Date().toISOString() },
      { caseId, outcomeCode: body.outcomeCode },
      idempotency,
    );
  }

  /** The case as the force's system holds it tonight: what differs from what the police hold is recorded, nothing else. */
  reconcileSnapshot(body: PoliceCaseSnapshotDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    const caseId = policeCaseId(body.forceCode, body.crimeReference);
    const at = body.takenAt ?? new Date().toISOString();
    const snapshot: PoliceCaseSnapshot = {
      caseId,
      crimeReference: body.crimeReference,
      forceCode: body.forceCode,
      recordedAt: body.recordedAt ?? at,
      offences: body.offences.map(offenceOf),
      flag: flagRecordOf(body.flag),
      flagRecordedAt: at,
      suspects: (body.suspects ?? []).map((suspect) => ({ suspectId: suspect.suspectId, identifiedAt: suspect.identifiedAt ?? at })),
      victims: (body.victims ?? []).map((victim) => ({
        victimId: victim.victimId,
        assessedAt: victim.assessedAt ?? at,
        riskLevel: victim.riskLevel,
        needs: [...victim.needs],
        enhancedService: victim.enhancedService,
        specialMeasuresWanted: [...victim.specialMeasuresWanted],
      })),
      ...(body.referral
        ? { referral: { urn: body.referral.urn, referredAt: body.referral.referredAt ?? at, victimNeedsPassedOn: body.referral.victimNeedsPassedOn } }
        : {}),
      ...(body.outcome ? { outcome: { outcomeCode: body.outcome.outcomeCode, assignedAt: body.outcome.assignedAt ?? at } } : {}),
    };
    return this.handle(caseId, body.forceCode, policeSnapshotDecider, { type: 'ReconcilePoliceSnapshot', snapshot }, { caseId }, idempotency);
  }

  /** The commands a force's nightly extract may hold, by name. */
  bulkCommands(): BulkCommandTable {
    return {
      RecordCrime: { body: RecordCrimeDto, params: [], run: (_, body, idempotency) => this.recordCrime(body, idempotency) },
      CaseSnapshot: { body: PoliceCaseSnapshotDto, params: [], run: (_, body, idempotency) => this.reconcileSnapshot(body, idempotency) },
      IdentifySuspect: {
        body: IdentifySuspectDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.identifySuspect(params.caseId!, body, idempotency),
      },
      ReferCaseToCps: {
        body: ReferCaseDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.referToCps(params.caseId!, body, idempotency),
      },
      ApplyHateCrimeFlag: {
        body: ApplyHateCrimeFlagDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.applyFlag(params.caseId!, body, idempotency),
      },
      ChangeHateCrimeFlag: {
        body: ChangeHateCrimeFlagDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.changeFlag(params.caseId!, body, idempotency),
      },
      RemoveHateCrimeFlag: {
        body: RemoveHateCrimeFlagDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.removeFlag(params.caseId!, body, idempotency),
      },
      RecordHateCrimeFlag: {
        body: RecordFlagDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.recordFlag(params.caseId!, body, idempotency),
      },
      AssessVictimNeeds: {
        body: AssessVictimNeedsDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.assessVictimNeeds(params.caseId!, body, idempotency),
      },
      AssignPoliceOutcome: {
        body: AssignPoliceOutcomeDto,
        params: ['caseId'],
        run: (params, body, idempotency) => this.assignOutcome(params.caseId!, body, idempotency),
      },
    };
  }

  async view(caseId: string): Promise<CaseView> {
    await this.accessLog.record('read-case', caseId);
    const { stream, state } = await this.store.load(caseId, policeCaseDecider);
    requireInScope('force', forceOf(stream));
    if (stream.length === 0) throw new DomainError('case_not_found', `no crime has been recorded as case ${caseId}`, 'not_found');
    return { caseId, version: stream.length, state, events: stream.map((stored) => stored.envelope) };
  }

  private execute(
    command: PoliceCommand,
    response: { caseId: string } & Record<string, unknown>,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<CommandResponse> {
    return this.handle(command.caseId, command.type === 'RecordCrime' ? command.forceCode : undefined, policeCaseDecider, command, response, idempotency);
  }

  private async handle<TCommand>(
    caseId: string,
    forceOfNewCase: string | undefined,
    decider: Decider<TCommand, PoliceEvent, PoliceCase>,
    command: TCommand,
    response: { caseId: string } & Record<string, unknown>,
    idempotency: IdempotencyRequest | undefined,
  ): Promise<CommandResponse> {
    await this.checkForce(caseId, forceOfNewCase);
    const result = await this.store.handle(caseId, decider, command, {
      now: new Date(),
      causationId: randomUUID(),
      ...(idempotency ? { idempotency: { ...idempotency, response } } : {}),
    });
    // A repeated idempotency key answers what was stored the first time, over the fresh answer.
    return { ...response, ...result.response } as CommandResponse;
  }

  /** A force's system acts only for its own force: on crimes it records and on cases it holds. */
  private async checkForce(caseId: string, forceOfNewCase: string | undefined): Promise<void> {
    const principal = currentPrincipal();
    if (!principal || principal.scope === '*') return;
    requireInScope('force', forceOfNewCase ?? forceOf(await this.store.readStream(caseId)));
  }
}

/** The force of a case: in its first event, the crime's recording. */
function forceOf(stream: readonly StoredEvent[]): string | undefined {
  return (stream[0]?.envelope.data as { forceCode?: string } | undefined)?.forceCode;
}
