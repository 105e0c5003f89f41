import {
  FORCES,
  parseUrn,
  type CaseReferredToCps,
  type CrimeRecorded,
  type HateCrimeFlag,
  type Offence,
  type PoliceEvent,
  type SuspectIdentified,
} from '@hc/contracts';
import { assertNever, checkAggravatedOffences, checkFlag, DomainError, type Decider } from '@hc/domain';

// ---- events ---------------------------------------------------------------------------------
export type { CaseReferredToCps, CrimeRecorded, PoliceEvent, SuspectIdentified };

// ---- state ----------------------------------------------------------------------------------
export type PoliceCase =
  | { readonly status: 'none' }
  | {
      readonly status: 'recorded' | 'referred';
      readonly caseId: string;
      readonly forceCode: string;
      readonly offences: readonly Offence[];
      readonly hateCrime?: HateCrimeFlag;
      readonly suspectIds: readonly string[];
      readonly urn?: string;
    };

export const initialState = (): PoliceCase => ({ status: 'none' });

// ---- evolve ---------------------------------------------------------------------------------
export function evolve(state: PoliceCase, event: PoliceEvent): PoliceCase {
  switch (event.type) {
    case 'CrimeRecorded':
      return {
        status: 'recorded',
        caseId: event.data.caseId,
        forceCode: event.data.forceCode,
        offences: event.data.offences,
        hateCrime: event.data.hateCrime,
        suspectIds: [],
      };
    case 'SuspectIdentified':
      if (state.status === 'none') return state;
      return { ...state, suspectIds: [...state.suspectIds, event.data.suspectId] };
    case 'CaseReferredToCps':
      if (state.status === 'none') return state;
      return { ...state, status: 'referred', urn: event.data.urn };
    default:
      return assertNever(event, 'police event');
  }
}

// ---- commands -------------------------------------------------------------------------------
export type RecordCrime = {
  readonly type: 'RecordCrime';
  readonly caseId: string;
  readonly crimeReference: string;
  readonly forceCode: string;
  readonly recordedAt: string;
  readonly offences: readonly Offence[];
  readonly hateCrime?: HateCrimeFlag;
};

export type IdentifySuspect = {
  readonly type: 'IdentifySuspect';
  readonly caseId: string;
  readonly suspectId: string;
  readonly identifiedAt: string;
};

export type ReferCaseToCps = {
  readonly type: 'ReferCaseToCps';
  readonly caseId: string;
  readonly urn: string;
  readonly referredAt: string;
  readonly victimNeedsPassedOn: boolean;
};

export type PoliceCommand = RecordCrime | IdentifySuspect | ReferCaseToCps;

// ---- decide ---------------------------------------------------------------------------------
export function decide(command: PoliceCommand, state: PoliceCase): PoliceEvent[] {
  switch (command.type) {
    case 'RecordCrime':
      return recordCrime(command, state);
    case 'IdentifySuspect':
      return identifySuspect(command, state);
    case 'ReferCaseToCps':
      return referCaseToCps(command, state);
    default:
      return assertNever(command, 'police command');
  }
}

function recordCrime(command: RecordCrime, state: PoliceCase): PoliceEvent[] {
  if (state.status !== 'none') {
    throw new DomainError('case_already_recorded', `case ${command.caseId} has already been recorded`, 'conflict');
  }
  if (!FORCES.has(command.forceCode)) {
    throw new DomainError('unknown_force', `force code ${command.forceCode} is not a police force of England and Wales`);
  }
  if (command.hateCrime) checkFlag(command.hateCrime);
  checkAggravatedOffences(command.offences, command.hateCrime);
  const { type: _type, ...data } = command;
  return [{ type: 'CrimeRecorded', data }];
}

function identifySuspect(command: IdentifySuspect, state: PoliceCase): PoliceEvent[] {
  const recorded = requireRecorded(state, command.caseId);
  if (recorded.suspectIds.includes(command.suspectId)) {
    throw new DomainError('suspect_already_identified', `suspect ${command.suspectId} is already on case ${command.caseId}`, 'conflict');
  }
  const { type: _type, ...data } = command;
  return [{ type: 'SuspectIdentified', data }];
}

function referCaseToCps(command: ReferCaseToCps, state: PoliceCase): PoliceEvent[] {
  const recorded = requireRecorded(state, command.caseId);
  if (recorded.status === 'referred') {
    throw new DomainError('case_already_referred', `case ${command.caseId} was already referred to the CPS under URN ${recorded.urn}`, 'conflict');
  }
  if (recorded.suspectIds.length === 0) {
    throw new DomainError('referral_needs_suspect', 'a case can only be referred to the CPS once a suspect has been identified');
  }
  const urn = parseUrn(command.urn);
  if (!urn) {
    throw new DomainError('malformed_urn', `URN ${command.urn} is not of the form 01/AB/12345/24`);
  }
  if (urn.forceCode !== recorded.forceCode) {
    throw new DomainError('urn_force_mismatch', `URN ${command.urn} starts with force ${urn.forceCode} but the case belongs to force ${recorded.forceCode}`);
  }
  return [
    {
      type: 'CaseReferredToCps',
      data: {
        caseId: command.caseId,
        urn: command.urn,
        forceCode: recorded.forceCode,
        referredAt: command.referredAt,
        suspectIds: recorded.suspectIds,
        offences: recorded.offences,
        ...(recorded.hateCrime ? { hateCrime: recorded.hateCrime } : {}),
        victimNeedsPassedOn: command.victimNeedsPassedOn,
      },
    },
  ];
}

function requireRecorded(state: PoliceCase, caseId: string): Exclude<PoliceCase, { status: 'none' }> {
  if (state.status === 'none') throw new DomainError('case_not_found', `no crime has been recorded as case ${caseId}`, 'not_found');
  return state;
}

export const policeCaseDecider: Decider<PoliceCommand, PoliceEvent, PoliceCase> = { initialState, evolve, decide };
