import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DomainError } from '@hc/domain';
import { EventStore, type CommandResult, type StoredEvent } from '@hc/event-store';
import { AccessLog, flagRecordOf, RecordFlagDto, type BulkCommandTable, type IdempotencyRequest } from '@hc/service-kit';
import type { OffenceSentence } from '@hc/contracts';
import { courtCaseDecider, type CourtCase, type CourtCommand, type ReceiveCaseFromCps } from '../domain/court-case.decider';
import { courtSnapshotDecider, type CourtCaseSnapshot } from '../domain/court-case.snapshot';
import { CourtCaseSnapshotDto } from './dto/case-snapshot.dto';
import {
  AcquittalDto,
  ConvictionDto,
  CrownCourtDto,
  ListingDto,
  PleaDto,
  SentenceDto,
  VictimInformedDto,
  type UpliftDecisionDto,
} from './dto/court-result.dto';

export interface CaseView {
  readonly caseId: string;
  readonly version: number;
  readonly state: CourtCase;
  readonly events: readonly StoredEvent['envelope'][];
}

export type CommandResponse = { readonly caseId: string; readonly defendantId: string; readonly version: number } & Record<string, unknown>;

/** The path of every court command: the case, and the defendant the CPS charged on it. */
export interface DefendantParams {
  readonly caseId: string;
  readonly defendantId: string;
}

/** Where an upstream event came from, so that a redelivery appends nothing. */
export interface UpstreamContext {
  readonly causationId: string;
  readonly correlationId?: string;
  readonly inboxMessageId: string;
}

const now = () => new Date().toISOString();

/**
 * The court commands, one method per use case, shared by the REST endpoints and the bulk extract.
 * Defaults that depend on the clock are filled in here, never in the decider.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly store: EventStore,
    private readonly accessLog: AccessLog,
  ) {}

  /** From the CPS topic: a charge opens (or extends) the court case with the flag the CPS holds. */
  receiveFromCps(command: ReceiveCaseFromCps, upstream: UpstreamContext): Promise<CommandResult> {
    return this.store.handle(command.charge.caseId, courtCaseDecider, command, {
      now: new Date(),
      causationId: upstream.causationId,
      inboxMessageId: upstream.inboxMessageId,
      ...(upstream.correlationId ? { correlationId: upstream.correlationId } : {}),
    });
  }

  /** The flag as the court's system holds it for the defendant; nothing is recorded when the case already holds the same. */
  recordFlag(params: DefendantParams, body: RecordFlagDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute({ type: 'RecordHateCrimeFlag', ...params, record: flagRecordOf(body), recordedAt: body.recordedAt ?? now() }, idempotency);
  }

  listCase(params: DefendantParams, body: ListingDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      { type: 'ListCase', ...params, courtCode: body.courtCode, hearingDate: body.hearingDate, listedAt: body.listedAt ?? now() },
      idempotency,
    );
  }

  sendToCrownCourt(params: DefendantParams, body: CrownCourtDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute({ type: 'SendToCrownCourt', ...params, crownCourtCode: body.crownCourtCode, sentAt: body.sentAt ?? now() }, idempotency);
  }

  enterPlea(params: DefendantParams, body: PleaDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      { type: 'EnterPlea', ...params, plea: body.plea, courtType: body.courtType, enteredAt: body.enteredAt ?? now() },
      idempotency,
    );
  }

  convict(params: DefendantParams, body: ConvictionDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      { type: 'ConvictDefendant', ...params, basis: body.basis, courtType: body.courtType, convictedAt: body.convictedAt ?? now() },
      idempotency,
    );
  }

  acquit(params: DefendantParams, body: AcquittalDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      { type: 'AcquitDefendant', ...params, basis: body.basis, courtType: body.courtType, acquittedAt: body.acquittedAt ?? now() },
      idempotency,
    );
  }

  sentence(params: DefendantParams, body: SentenceDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute({ type: 'SentenceDefendant', ...params, ...sentenceOf(body, now()) }, idempotency);
  }

  informVictim(params: DefendantParams, body: VictimInformedDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    return this.execute(
      { type: 'InformVictimOfOutcome', ...params, victimId: body.victimId, upliftExplained: body.upliftExplained, informedAt: body.informedAt ?? now() },
      idempotency,
    );
  }

  /** The case as the court's system holds it tonight: what differs from the court case is recorded, nothing else. */
  async reconcileSnapshot(caseId: string, body: CourtCaseSnapshotDto, idempotency?: IdempotencyRequest): Promise<CommandResponse> {
    const at = body.takenAt ?? now();
    const snapshot: CourtCaseSnapshot = {
      caseId,
      defendants: body.defendants.map((line) => ({
        defendantId: line.defendantId,
        ...(line.flag ? { flag: flagRecordOf(line.flag) } : {}),
        flagRecordedAt: at,
        ...(line.listing ? { listing: { courtCode: line.listing.courtCode, hearingDate: line.listing.hearingDate, listedAt: line.listing.listedAt ?? at } } : {}),
        ...(line.crownCourt ? { crownCourt: { crownCourtCode: line.crownCourt.crownCourtCode, sentAt: line.crownCourt.sentAt ?? at } } : {}),
        ...(line.plea ? { plea: { plea: line.plea.plea, courtType: line.plea.courtType, enteredAt: line.plea.enteredAt ?? at } } : {}),
        ...(line.conviction ? { conviction: { basis: line.conviction.basis, courtType: line.conviction.courtType, convictedAt: line.conviction.convictedAt ?? at } } : {}),
        ...(line.acquittal ? { acquittal: { basis: line.acquittal.basis, courtType: line.acquittal.courtType, acquittedAt: line.acquittal.acquittedAt ?? at } } : {}),
        ...(line.sentence ? { sentence: sentenceOf(line.sentence, at) } : {}),
        victimsInformed: (line.victimsInformed ?? []).map((informed) => ({
          victimId: informed.victimId,
          upliftExplained: informed.upliftExplained,
          informedAt: informed.informedAt ?? at,
        })),
      })),
    };
    const result = await this.store.handle(caseId, courtSnapshotDecider, { type: 'ReconcileCourtSnapshot', snapshot }, {
      now: new Date(),
      causationId: randomUUID(),
      ...(idempotency ? { idempotency: { ...idempotency, response: { caseId } } } : {}),
    });
    return { caseId, ...result.response } as CommandResponse;
  }

  /** The commands a court system's extract may hold, by name; each needs params.caseId and params.defendantId. */
  bulkCommands(): BulkCommandTable {
    const defendantCommand = <TBody extends object>(
      body: new () => TBody,
      run: (params: DefendantParams, body: TBody, idempotency: IdempotencyRequest | undefined) => Promise<CommandResponse>,
    ) => ({
      body,
      params: ['caseId', 'defendantId'],
      run: (params: Record<string, string>, dto: TBody, idempotency: IdempotencyRequest | undefined) =>
        run({ caseId: params.caseId!, defendantId: params.defendantId! }, dto, idempotency),
    });
    return {
      CaseSnapshot: {
        body: CourtCaseSnapshotDto,
        params: ['caseId'],
        run: (params: Record<string, string>, body: CourtCaseSnapshotDto, idempotency: IdempotencyRequest | undefined) =>
          this.reconcileSnapshot(params.caseId!, body, idempotency),
      },
      RecordHateCrimeFlag: defendantCommand(RecordFlagDto, (params, body, idempotency) => this.recordFlag(params, body, idempotency)),
      ListCase: defendantCommand(ListingDto, (params, body, idempotency) => this.listCase(params, body, idempotency)),
      SendToCrownCourt: defendantCommand(CrownCourtDto, (params, body, idempotency) => this.sendToCrownCourt(params, body, idempotency)),
      EnterPlea: defendantCommand(PleaDto, (params, body, idempotency) => this.enterPlea(params, body, idempotency)),
      ConvictDefendant: defendantCommand(ConvictionDto, (params, body, idempotency) => this.convict(params, body, idempotency)),
      AcquitDefendant: defendantCommand(AcquittalDto, (params, body, idempotency) => this.acquit(params, body, idempotency)),
      SentenceDefendant: defendantCommand(SentenceDto, (params, body, idempotency) => this.sentence(params, body, idempotency)),
      InformVictimOfOutcome: defendantCommand(VictimInformedDto, (params, body, idempotency) => this.informVictim(params, body, idempotency)),
    };
  }

  async view(caseId: string): Promise<CaseView> {
    await this.accessLog.record('read-case', caseId);
    const { stream, state } = await this.store.load(caseId, courtCaseDecider);
    if (stream.length === 0) throw new DomainError('case_not_found', `the courts hold no case ${caseId}`, 'not_found');
    return { caseId, version: stream.length, state, events: stream.map((stored) => stored.envelope) };
  }

  private async execute(command: Exclude<CourtCommand, ReceiveCaseFromCps>, idempotency: IdempotencyRequest | undefined): Promise<CommandResponse> {
    const response = { caseId: command.caseId, defendantId: command.defendantId };
    const result = await this.store.handle(command.caseId, courtCaseDecider, command, {
      now: new Date(),
      causationId: randomUUID(),
      ...(idempotency ? { idempotency: { ...idempotency, response } } : {}),
    });
    // A repeated idempotency key answers what was stored the first time, over the fresh answer.
    return { ...response, ...result.response } as CommandResponse;
  }
}

/** The sentence of each offence as the court sent it, at the given time when the body has none. */
function sentenceOf(body: SentenceDto, at: string): { courtType: SentenceDto['courtType']; sentencedAt: string; offences: OffenceSentence[] } {
  return {
    courtType: body.courtType,
    sentencedAt: body.sentencedAt ?? at,
    offences: body.offences.map((offence) => ({
      offenceId: offence.offenceId,
      sentenceType: offence.sentenceType,
      ...(offence.uplift ? { uplift: upliftDecision(offence.uplift) } : {}),
    })),
  };
}

/** Only the fields the agency sent: an absent reason stays absent in the event. */
function upliftDecision(uplift: UpliftDecisionDto) {
  return {
    applied: uplift.applied,
    provision: uplift.provision,
    statedInOpenCourt: uplift.statedInOpenCourt,
    strandsRecognised: [...uplift.strandsRecognised],
    ...(uplift.reasonNotApplied !== undefined ? { reasonNotApplied: uplift.reasonNotApplied } : {}),
  };
}
