import {
  flagOfRecord,
  FORCES,
  parseUrn,
  POLICE_OUTCOME_CODES,
  sameFlag,
  UNCLASSIFIED,
  type CaseReferredToCps,
  type CrimeRecorded,
  type HateCrimeFlag,
  type HateCrimeFlagApplied,
  type FlagAppliedReason,
  type FlagChangedReason,
  type FlagRecord,
  type HateCrimeFlagChanged,
  type HateCrimeFlagRecorded,
  type HateCrimeFlagRemoved,
  type NotHateCrimeReason,
  type Offence,
  type PoliceEvent,
  type PoliceOutcomeAssigned,
  type PoliceOutcomeCode,
  type RiskLevel,
  type SpecialMeasure,
  type SuspectIdentified,
  type VictimNeed,
  type VictimNeedsAssessed,
} from '@hc/contracts';
import { assertNever, checkAggravatedOffences, checkFlag, checkFlagRecord, decided, DomainError, sameFlagRecord, type Decider, type Decision, type Warning } from '@hc/domain';

// ---- events ---------------------------------------------------------------------------------
export type {
  CaseReferredToCps,
  CrimeRecorded,
  HateCrimeFlagApplied,
  HateCrimeFlagChanged,
  HateCrimeFlagRecorded,
  HateCrimeFlagRemoved,
  PoliceEvent,
  PoliceOutcomeAssigned,
  SuspectIdentified,
  VictimNeedsAssessed,
};

// ---- state ----------------------------------------------------------------------------------
export type PoliceCase =
  | { readonly status: 'none' }
  | {
      readonly status: 'recorded' | 'referred';
      readonly caseId: string;
      readonly forceCode: string;
      readonly offences: readonly Offence[];
      /** The flag as it stands now: recorded, then applied, changed or removed. */
      readonly hateCrime?: HateCrimeFlag;
      /** What the force's record says of the flag now, with the reason of a removal. */
      readonly flagRecord: FlagRecord;
      /** The flag the record dropped without a reason, while it stays dropped: still a hate crime for the audit. */
      readonly flagDroppedFrom?: HateCrimeFlag;
      readonly suspectIds: readonly string[];
      /** Victims whose needs were assessed, in the order of their first assessment. */
      readonly victimIds: readonly string[];
      /** The last assessment of each victim. */
      readonly assessments: Readonly<Record<string, VictimAssessment>>;
      readonly urn?: string;
      /** Home Office outcome type, once assigned; it is final. */
      readonly outcomeCode?: PoliceOutcomeCode;
    };

type RecordedCase = Exclude<PoliceCase, { status: 'none' }>;

export type VictimAssessment = Omit<VictimNeedsAssessed['data'], 'caseId' | 'victimId' | 'assessedAt'>;

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
        flagRecord: event.data.hateCrime ? { holds: 'flagged', hateCrime: event.data.hateCrime } : { holds: 'no_flag' },
        suspectIds: [],
        victimIds: [],
        assessments: {},
      };
    case 'SuspectIdentified':
      if (state.status === 'none') return state;
      return { ...state, suspectIds: [...state.suspectIds, event.data.suspectId] };
    case 'CaseReferredToCps':
      if (state.status === 'none') return state;
      return { ...state, status: 'referred', urn: event.data.urn };
    case 'HateCrimeFlagApplied':
    case 'HateCrimeFlagChanged':
      if (state.status === 'none') return state;
      return withFlagRecord(state, { holds: 'flagged', hateCrime: event.data.hateCrime });
    case 'HateCrimeFlagRemoved':
      if (state.status === 'none') return state;
      return withFlagRecord(state, { holds: 'not_hate_crime', reason: event.data.reason });
    case 'HateCrimeFlagRecorded': {
      if (state.status === 'none') return state;
      const { caseId: _caseId, recordedAt: _at, ...record } = event.data;
      return withFlagRecord(state, record);
    }
    case 'VictimNeedsAssessed': {
      if (state.status === 'none') return state;
      const { caseId: _caseId, victimId, assessedAt: _at, ...assessment } = event.data;
      const victimIds = state.victimIds.includes(victimId) ? state.victimIds : [...state.victimIds, victimId];
      return { ...state, victimIds, assessments: { ...state.assessments, [victimId]: assessment } };
    }
    case 'PoliceOutcomeAssigned':
      if (state.status === 'none') return state;
      return { ...state, outcomeCode: event.data.outcomeCode };
    default:
      return assertNever(event, 'police event');
  }
}

/** The case after its record of the flag changed; a flag dropped without a reason is remembered. */
function withFlagRecord(state: RecordedCase, record: FlagRecord): RecordedCase {
  const { hateCrime: previous, flagDroppedFrom, ...rest } = state;
  const hateCrime = flagOfRecord(record);
  const dropped = hateCrime || record.reason ? undefined : (previous ?? flagDroppedFrom);
  return { ...rest, ...(hateCrime ? { hateCrime } : {}), flagRecord: record, ...(dropped ? { flagDroppedFrom: dropped } : {}) };
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

export type ApplyHateCrimeFlag = {
  readonly type: 'ApplyHateCrimeFlag';
  readonly caseId: string;
  readonly hateCrime: HateCrimeFlag;
  readonly appliedAt: string;
  readonly reason: FlagAppliedReason;
};

export type ChangeHateCrimeFlag = {
  readonly type: 'ChangeHateCrimeFlag';
  readonly caseId: string;
  readonly hateCrime: HateCrimeFlag;
  readonly changedAt: string;
  readonly reason: FlagChangedReason;
};

/** Without a reason (a legacy record), the removal is recorded as the force's record holding no flag. */
export type RemoveHateCrimeFlag = {
  readonly type: 'RemoveHateCrimeFlag';
  readonly caseId: string;
  readonly removedAt: string;
  readonly reason?: NotHateCrimeReason;
};

/** The flag as the force's system holds it (from an extract): recorded when it differs from the case's. */
export type RecordHateCrimeFlag = {
  readonly type: 'RecordHateCrimeFlag';
  readonly caseId: string;
  readonly record: FlagRecord;
  readonly recordedAt: string;
};

export type AssessVictimNeeds = {
  readonly type: 'AssessVictimNeeds';
  readonly caseId: string;
  readonly victimId: string;
  readonly assessedAt: string;
  readonly riskLevel: RiskLevel;
  readonly needs: readonly VictimNeed[];
  readonly enhancedService: boolean;
  readonly specialMeasuresWanted: readonly SpecialMeasure[];
};

export type AssignPoliceOutcome = {
  readonly type: 'AssignPoliceOutcome';
  readonly caseId: string;
  readonly outcomeCode: PoliceOutcomeCode;
  readonly assignedAt: string;
};

export type PoliceCommand =
  | RecordCrime
  | IdentifySuspect
  | ReferCaseToCps
  | ApplyHateCrimeFlag
  | ChangeHateCrimeFlag
  | RemoveHateCrimeFlag
  | RecordHateCrimeFlag
  | AssessVictimNeeds
  | AssignPoliceOutcome;

/** Outcome 1: charged or summonsed. */
const CHARGE_OR_SUMMONS: PoliceOutcomeCode = 1;
/** Outcome 18: investigation complete, no suspect identified. */
const NO_SUSPECT_IDENTIFIED: PoliceOutcomeCode = 18;

// ---- decide ---------------------------------------------------------------------------------
export function decide(command: PoliceCommand, state: PoliceCase): Decision<PoliceEvent> {
  switch (command.type) {
    case 'RecordCrime':
      return recordCrime(command, state);
    case 'IdentifySuspect':
      return identifySuspect(command, state);
    case 'ReferCaseToCps':
      return referCaseToCps(command, state);
    case 'ApplyHateCrimeFlag':
      return applyHateCrimeFlag(command, state);
    case 'ChangeHateCrimeFlag':
      return changeHateCrimeFlag(command, state);
    case 'RemoveHateCrimeFlag':
      return removeHateCrimeFlag(command, state);
    case 'RecordHateCrimeFlag':
      return recordHateCrimeFlag(command, state);
    case 'AssessVictimNeeds':
      return assessVictimNeeds(command, state);
    case 'AssignPoliceOutcome':
      return assignPoliceOutcome(command, state);
    default:
      return assertNever(command, 'police command');
  }
}

function recordCrime(command: RecordCrime, state: PoliceCase): Decision<PoliceEvent> {
  if (state.status !== 'none') {
    throw new DomainError('case_already_recorded', `case ${command.caseId} has already been recorded`, 'conflict');
  }
  if (!FORCES.has(command.forceCode)) {
    throw new DomainError('unknown_force', `force code ${command.forceCode} is not a police force of England and Wales`);
  }
  if (command.hateCrime) checkFlag(command.hateCrime);
  const warnings = checkAggravatedOffences(command.offences, command.hateCrime);
  const { type: _type, ...data } = command;
  return decided([{ type: 'CrimeRecorded', data }], warnings);
}

function identifySuspect(command: IdentifySuspect, state: PoliceCase): Decision<PoliceEvent> {
  const recorded = requireRecorded(state, command.caseId);
  if (recorded.suspectIds.includes(command.suspectId)) {
    throw new DomainError('suspect_already_identified', `suspect ${command.suspectId} is already on case ${command.caseId}`, 'conflict');
  }
  const { type: _type, ...data } = command;
  return decided([{ type: 'SuspectIdentified', data }]);
}

function referCaseToCps(command: ReferCaseToCps, state: PoliceCase): Decision<PoliceEvent> {
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
  const warnings: Warning[] = [];
  if (!command.victimNeedsPassedOn && recorded.victimIds.length > 0 && (recorded.hateCrime || recorded.flagDroppedFrom)) {
    warnings.push({
      code: 'victim_needs_not_passed_on',
      finding: 'victim_needs_not_passed_on',
      boundary: 'police_to_cps',
      message: `the police assessed the needs of ${recorded.victimIds.length} victim(s) on case ${command.caseId} but the referral does not pass them on to the CPS`,
      remedy: 'pass the victims\' needs assessment to the CPS with the file; the finding stays on this referral',
    });
  }
  if (recorded.flagDroppedFrom) {
    warnings.push({
      code: 'flag_dropped_before_referral',
      finding: 'lost',
      boundary: 'police_to_cps',
      message: `case ${command.caseId} was flagged (${recorded.flagDroppedFrom.strands.join(', ')}) but the force's record dropped the flag without a reason, so the referral carries none`,
      remedy: 'if the case is a hate crime, apply the flag again before referring (POST /cases/{caseId}/flag); if it is not, remove the flag with a reason',
    });
  }
  return decided(
    [
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
    ],
    warnings,
  );
}

function applyHateCrimeFlag(command: ApplyHateCrimeFlag, state: PoliceCase): Decision<PoliceEvent> {
  const recorded = requireRecorded(state, command.caseId);
  if (recorded.hateCrime) {
    throw new DomainError(
      'flag_already_applied',
      `case ${command.caseId} already carries a hate crime flag (${recorded.hateCrime.strands.join(', ')}); change it with PUT /cases/{caseId}/flag`,
      'conflict',
    );
  }
  requireReason(command.reason, 'application_needs_reason', 'applying a hate crime flag needs a reason code, e.g. perceived_by_victim when the victim disclosed the hostility later');
  checkFlag(command.hateCrime);
  checkAggravatedOffences(recorded.offences, command.hateCrime);
  const { type: _type, ...data } = command;
  return decided([{ type: 'HateCrimeFlagApplied', data }]);
}

function changeHateCrimeFlag(command: ChangeHateCrimeFlag, state: PoliceCase): Decision<PoliceEvent> {
  const recorded = requireRecorded(state, command.caseId);
  const current = recorded.hateCrime;
  if (!current) {
    throw new DomainError('no_flag_to_change', `case ${command.caseId} carries no hate crime flag; apply one with POST /cases/{caseId}/flag`, 'conflict');
  }
  requireReason(command.reason, 'change_needs_reason', 'changing a hate crime flag needs a reason code (e.g. strands_reassessed), so that the change is not mistaken for a re-keying error');
  checkFlag(command.hateCrime);
  if (sameFlag(current, command.hateCrime)) {
    throw new DomainError('flag_unchanged', `the flag sent is the flag case ${command.caseId} already carries: nothing to change`, 'conflict');
  }
  checkAggravatedOffences(recorded.offences, command.hateCrime);
  return decided([
    {
      type: 'HateCrimeFlagChanged',
      data: {
        caseId: command.caseId,
        hateCrime: command.hateCrime,
        previousStrands: current.strands,
        changedAt: command.changedAt,
        reason: command.reason,
      },
    },
  ]);
}

/** With a reason, a removal; without one (a legacy record), the record of a flag dropped. */
function removeHateCrimeFlag(command: RemoveHateCrimeFlag, state: PoliceCase): Decision<PoliceEvent> {
  const recorded = requireRecorded(state, command.caseId);
  if (!recorded.hateCrime) {
    throw new DomainError('no_flag_to_remove', `case ${command.caseId} carries no hate crime flag to remove`, 'conflict');
  }
  const { reason } = command;
  const warnings = checkAggravatedOffences(recorded.offences, undefined);
  if (reason) return decided([{ type: 'HateCrimeFlagRemoved', data: { caseId: command.caseId, removedAt: command.removedAt, reason } }], warnings);
  return decided(
    [{ type: 'HateCrimeFlagRecorded', data: { caseId: command.caseId, holds: 'not_hate_crime', recordedAt: command.removedAt } }],
    [droppedWarning(recorded, 'removal_without_reason'), ...warnings],
  );
}

/** The force's system holds this record of the flag: recorded when it differs from what the case holds. */
function recordHateCrimeFlag(command: RecordHateCrimeFlag, state: PoliceCase): Decision<PoliceEvent> {
  const recorded = requireRecorded(state, command.caseId);
  const record = checkFlagRecord(command.record);
  if (sameFlagRecord(recorded.flagRecord, record)) return decided([]);
  const flag = flagOfRecord(record);
  const warnings = checkAggravatedOffences(recorded.offences, flag);
  if (recorded.hateCrime && !flag && !record.reason) warnings.unshift(droppedWarning(recorded, 'flag_dropped_without_reason'));
  return decided([{ type: 'HateCrimeFlagRecorded', data: { caseId: command.caseId, ...record, recordedAt: command.recordedAt } }], warnings);
}

/** A flag dropped without a reason: lost at the referral if it comes before one. */
function droppedWarning(recorded: RecordedCase, code: string): Warning {
  const referred = recorded.status === 'referred';
  return {
    code,
    finding: referred ? null : 'lost',
    boundary: referred ? null : 'police_to_cps',
    message: referred
      ? `the flag of case ${recorded.caseId} is recorded as dropped with no reason, after the referral carried it to the CPS`
      : `the flag of case ${recorded.caseId} is recorded as dropped with no reason; when the case is referred, the audit counts the flag as lost between the police and the CPS`,
    remedy: 'send the reason the case is not a hate crime (a removal with a reason is not a loss), or apply the flag again if it was dropped by mistake',
  };
}

function assessVictimNeeds(command: AssessVictimNeeds, state: PoliceCase): Decision<PoliceEvent> {
  const recorded = requireRecorded(state, command.caseId);
  const warnings: Warning[] = [];
  if (recorded.hateCrime && !command.enhancedService) {
    warnings.push({
      code: 'hate_crime_victim_without_enhanced_service',
      finding: null,
      boundary: null,
      message: `case ${command.caseId} is flagged as a hate crime, so under the Victims' Code its victim is entitled to the enhanced service, but the assessment records the standard service; the victim is counted under the standard service's time limits`,
      remedy: 'assess the victim again with enhancedService true (POST /cases/{caseId}/victim-needs with the same victimId)',
    });
  }
  const { type: _type, ...data } = command;
  return decided([{ type: 'VictimNeedsAssessed', data }], warnings);
}

function assignPoliceOutcome(command: AssignPoliceOutcome, state: PoliceCase): Decision<PoliceEvent> {
  const recorded = requireRecorded(state, command.caseId);
  if (recorded.outcomeCode !== undefined) {
    throw new DomainError(
      'outcome_already_assigned',
      `case ${command.caseId} already has police outcome ${recorded.outcomeCode}; an outcome is final`,
      'conflict',
    );
  }
  if (!(POLICE_OUTCOME_CODES as readonly number[]).includes(command.outcomeCode)) {
    throw new DomainError('unknown_outcome_code', `outcome ${command.outcomeCode} is not a Home Office outcome type (1-22, without 19)`);
  }
  if (command.outcomeCode === CHARGE_OR_SUMMONS && recorded.status !== 'referred') {
    throw new DomainError('charge_needs_referral', 'outcome 1 (charge/summons) can only be assigned once the case has been referred to the CPS');
  }
  if (command.outcomeCode === NO_SUSPECT_IDENTIFIED && recorded.suspectIds.length > 0) {
    throw new DomainError(
      'suspect_was_identified',
      `outcome 18 (no suspect identified) does not fit case ${command.caseId}: ${recorded.suspectIds.length} suspect(s) were identified`,
    );
  }
  const { type: _type, ...data } = command;
  return decided([{ type: 'PoliceOutcomeAssigned', data }]);
}

function requireRecorded(state: PoliceCase, caseId: string): RecordedCase {
  if (state.status === 'none') throw new DomainError('case_not_found', `no crime has been recorded as case ${caseId}`, 'not_found');
  return state;
}

/** A reason code the agency chose: `unclassified` is only what an upcaster gives an old event's text. */
function requireReason(reason: string | undefined, code: string, message: string): void {
  if (!reason || reason === UNCLASSIFIED) throw new DomainError(code, message);
}

export const policeCaseDecider: Decider<PoliceCommand, PoliceEvent, PoliceCase> = { initialState, evolve, decide };
