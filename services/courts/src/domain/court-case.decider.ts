import {
  flagOfRecord,
  normaliseStrands,
  sameStrands,
  type AcquittalBasis,
  type CaseListed,
  type CaseReceivedFromCps,
  type ConvictionBasis,
  type CourtHateCrimeFlagRecorded,
  type CourtsEvent,
  type CourtType,
  type DefendantAcquitted,
  type DefendantConvicted,
  type DefendantSentenced,
  type DefendantSentToCrownCourt,
  type FlagRecord,
  type HateCrimeFlag,
  type Offence,
  type OffenceSentence,
  type Plea,
  type PleaEntered,
  type VictimInformedOfOutcome,
} from '@hc/contracts';
import {
  assertNever,
  checkAggravatedOffences,
  checkFlagRecord,
  decided,
  DomainError,
  sameFlagRecord,
  type Decider,
  type Decision,
  type Warning,
} from '@hc/domain';
import { sentencingWarnings } from './court-case.sentencing';

// ---- events ---------------------------------------------------------------------------------
export type {
  CaseListed,
  CaseReceivedFromCps,
  CourtHateCrimeFlagRecorded,
  CourtsEvent,
  DefendantAcquitted,
  DefendantConvicted,
  DefendantSentenced,
  DefendantSentToCrownCourt,
  PleaEntered,
  VictimInformedOfOutcome,
};

// ---- state ----------------------------------------------------------------------------------
export interface CourtDefendant {
  readonly chargeEventId: string;
  readonly charges: readonly Offence[];
  /** The flag on this defendant's charge, as the CPS held it when it charged: what the court's record is judged against. */
  readonly chargeFlag?: HateCrimeFlag;
  /** The flag as the court holds it for this defendant now: the charge's, unless the court's own record says otherwise. */
  readonly hateCrime?: HateCrimeFlag;
  readonly flagRecord: FlagRecord;
  readonly listed?: { readonly courtCode: string; readonly hearingDate: string };
  readonly sentToCrownCourt?: { readonly crownCourtCode: string };
  /** The last plea entered: a defendant may change a not guilty plea to guilty. */
  readonly plea?: Plea;
  readonly convicted?: { readonly basis: ConvictionBasis; readonly courtType: CourtType; readonly convictedAt: string };
  readonly acquitted?: { readonly basis: AcquittalBasis; readonly courtType: CourtType };
  readonly sentenced?: { readonly upliftDecided: boolean; readonly upliftApplied: boolean };
  /** Victims told of this defendant's outcome, and whether any telling explained the uplift decision. */
  readonly victimsInformed?: Readonly<Record<string, { readonly upliftExplained: boolean }>>;
}

export interface CourtCase {
  readonly urn?: string;
  /** The flag of the charges the case was opened with; each defendant's flag as the court holds it now is on the defendant. */
  readonly hateCrime?: HateCrimeFlag;
  readonly defendants: Readonly<Record<string, CourtDefendant>>;
}

export const initialState = (): CourtCase => ({ defendants: {} });

/** Where the defendant's case is heard now: every case starts at the magistrates' court. */
export function courtOf(defendant: CourtDefendant): CourtType {
  return defendant.sentToCrownCourt ? 'crown' : 'magistrates';
}

// ---- evolve ---------------------------------------------------------------------------------
export function evolve(state: CourtCase, event: CourtsEvent): CourtCase {
  switch (event.type) {
    case 'CaseReceivedFromCps':
      return {
        urn: event.data.urn,
        hateCrime: event.data.hateCrime ?? state.hateCrime,
        defendants: {
          ...state.defendants,
          [event.data.defendantId]: {
            chargeEventId: event.data.chargeEventId,
            charges: event.data.charges,
            ...(event.data.hateCrime ? { chargeFlag: event.data.hateCrime, hateCrime: event.data.hateCrime } : {}),
            flagRecord: event.data.hateCrime ? { holds: 'flagged', hateCrime: event.data.hateCrime } : { holds: 'no_flag' },
          },
        },
      };
    case 'HateCrimeFlagRecorded': {
      const { caseId: _caseId, defendantId, recordedAt: _at, ...record } = event.data;
      return updateDefendant(state, defendantId, ({ hateCrime: _previous, ...defendant }) => {
        const hateCrime = flagOfRecord(record);
        return { ...defendant, ...(hateCrime ? { hateCrime } : {}), flagRecord: record };
      });
    }
    case 'CaseListed':
      return updateDefendant(state, event.data.defendantId, (defendant) => ({
        ...defendant,
        listed: { courtCode: event.data.courtCode, hearingDate: event.data.hearingDate },
      }));
    case 'DefendantSentToCrownCourt':
      return updateDefendant(state, event.data.defendantId, (defendant) => ({
        ...defendant,
        sentToCrownCourt: { crownCourtCode: event.data.crownCourtCode },
      }));
    case 'PleaEntered':
      return updateDefendant(state, event.data.defendantId, (defendant) => ({ ...defendant, plea: event.data.plea }));
    case 'DefendantConvicted':
      return updateDefendant(state, event.data.defendantId, (defendant) => ({
        ...defendant,
        convicted: { basis: event.data.basis, courtType: event.data.courtType, convictedAt: event.data.convictedAt },
      }));
    case 'DefendantAcquitted':
      return updateDefendant(state, event.data.defendantId, (defendant) => ({
        ...defendant,
        acquitted: { basis: event.data.basis, courtType: event.data.courtType },
      }));
    case 'DefendantSentenced':
      return updateDefendant(state, event.data.defendantId, (defendant) => ({
        ...defendant,
        sentenced: {
          upliftDecided: event.data.offences.some((offence) => offence.uplift !== undefined),
          upliftApplied: event.data.offences.some((offence) => offence.uplift?.applied === true),
        },
      }));
    case 'VictimInformedOfOutcome':
      return updateDefendant(state, event.data.defendantId, (defendant) => {
        const upliftExplained = event.data.upliftExplained || (defendant.victimsInformed?.[event.data.victimId]?.upliftExplained ?? false);
        return { ...defendant, victimsInformed: { ...defendant.victimsInformed, [event.data.victimId]: { upliftExplained } } };
      });
    default:
      return assertNever(event, 'courts event');
  }
}

function updateDefendant(state: CourtCase, defendantId: string, change: (defendant: CourtDefendant) => CourtDefendant): CourtCase {
  const defendant = state.defendants[defendantId];
  if (!defendant) return state;
  return { ...state, defendants: { ...state.defendants, [defendantId]: change(defendant) } };
}

// ---- commands -------------------------------------------------------------------------------
/** Sent by the consumer of the CPS topic, from a `PreChargeDecisionMade` charge: nothing is re-keyed. */
export type ReceiveCaseFromCps = {
  readonly type: 'ReceiveCaseFromCps';
  readonly chargeEventId: string;
  readonly receivedAt: string;
  readonly charge: {
    readonly caseId: string;
    readonly urn: string;
    readonly defendantId: string;
    readonly charges: readonly Offence[];
    readonly hateCrime?: HateCrimeFlag;
    readonly cpsArea: string;
  };
};

/** The flag as the court's system holds it for one defendant: recorded when it differs from what the case holds. */
export type RecordHateCrimeFlag = {
  readonly type: 'RecordHateCrimeFlag';
  readonly caseId: string;
  readonly defendantId: string;
  readonly record: FlagRecord;
  readonly recordedAt: string;
};

/** The first hearing, always at a magistrates' court. */
export type ListCase = {
  readonly type: 'ListCase';
  readonly caseId: string;
  readonly defendantId: string;
  readonly courtCode: string;
  /** `YYYY-MM-DD` */
  readonly hearingDate: string;
  readonly listedAt: string;
};

/** Sent for trial, or committed for sentence after a conviction at the magistrates' court. */
export type SendToCrownCourt = {
  readonly type: 'SendToCrownCourt';
  readonly caseId: string;
  readonly defendantId: string;
  readonly crownCourtCode: string;
  readonly sentAt: string;
};

export type EnterPlea = {
  readonly type: 'EnterPlea';
  readonly caseId: string;
  readonly defendantId: string;
  readonly plea: Plea;
  readonly courtType: CourtType;
  readonly enteredAt: string;
};

export type ConvictDefendant = {
  readonly type: 'ConvictDefendant';
  readonly caseId: string;
  readonly defendantId: string;
  readonly convictedAt: string;
  readonly basis: ConvictionBasis;
  readonly courtType: CourtType;
};

export type AcquitDefendant = {
  readonly type: 'AcquitDefendant';
  readonly caseId: string;
  readonly defendantId: string;
  readonly basis: AcquittalBasis;
  readonly courtType: CourtType;
  readonly acquittedAt: string;
};

/** One sentence per charged offence, each with its own uplift decision in a flagged case. */
export type SentenceDefendant = {
  readonly type: 'SentenceDefendant';
  readonly caseId: string;
  readonly defendantId: string;
  readonly sentencedAt: string;
  readonly courtType: CourtType;
  readonly offences: readonly OffenceSentence[];
};

export type InformVictimOfOutcome = {
  readonly type: 'InformVictimOfOutcome';
  readonly caseId: string;
  readonly defendantId: string;
  readonly victimId: string;
  readonly informedAt: string;
  readonly upliftExplained: boolean;
};

export type CourtCommand =
  | ReceiveCaseFromCps
  | RecordHateCrimeFlag
  | ListCase
  | SendToCrownCourt
  | EnterPlea
  | ConvictDefendant
  | AcquitDefendant
  | SentenceDefendant
  | InformVictimOfOutcome;

// ---- decide ---------------------------------------------------------------------------------
export function decide(command: CourtCommand, state: CourtCase): Decision<CourtsEvent> {
  switch (command.type) {
    case 'ReceiveCaseFromCps':
      return receiveCaseFromCps(command, state);
    case 'RecordHateCrimeFlag':
      return recordHateCrimeFlag(command, state);
    case 'ListCase':
      return listCase(command, state);
    case 'SendToCrownCourt':
      return sendToCrownCourt(command, state);
    case 'EnterPlea':
      return enterPlea(command, state);
    case 'ConvictDefendant':
      return convictDefendant(command, state);
    case 'AcquitDefendant':
      return acquitDefendant(command, state);
    case 'SentenceDefendant':
      return sentenceDefendant(command, state);
    case 'InformVictimOfOutcome':
      return informVictimOfOutcome(command, state);
    default:
      return assertNever(command, 'court command');
  }
}

function receiveCaseFromCps(command: ReceiveCaseFromCps, state: CourtCase): Decision<CourtsEvent> {
  const { charge } = command;
  const existing = state.defendants[charge.defendantId];
  if (existing) {
    if (existing.chargeEventId === command.chargeEventId) return decided([]);
    throw new DomainError('defendant_already_before_court', `defendant ${charge.defendantId} is already before the court on case ${charge.caseId}`, 'conflict');
  }
  if (state.urn && state.urn !== charge.urn) {
    throw new DomainError('urn_changed', `case ${charge.caseId} is held under URN ${state.urn}, not ${charge.urn}`, 'conflict');
  }
  return decided([
    {
      type: 'CaseReceivedFromCps',
      data: {
        caseId: charge.caseId,
        urn: charge.urn,
        defendantId: charge.defendantId,
        receivedAt: command.receivedAt,
        chargeEventId: command.chargeEventId,
        charges: charge.charges,
        ...(charge.hateCrime ? { hateCrime: charge.hateCrime } : {}),
        cpsArea: charge.cpsArea,
      },
    },
  ]);
}

/** The court's system holds this record of the defendant's flag: recorded when it differs from what the case holds. */
function recordHateCrimeFlag(command: RecordHateCrimeFlag, state: CourtCase): Decision<CourtsEvent> {
  const defendant = requireDefendant(state, command.caseId, command.defendantId);
  const record = checkFlagRecord(command.record);
  if (sameFlagRecord(defendant.flagRecord, record)) return decided([]);
  const flag = flagOfRecord(record);
  const upstream = defendant.chargeFlag;
  const warnings: Warning[] = [];
  const aggravated = checkAggravatedOffences(defendant.charges, flag);
  if (upstream && !flag && !record.reason) {
    warnings.push({
      code: 'flag_not_held',
      finding: 'lost',
      boundary: 'cps_to_court',
      message: `the CPS charged defendant ${command.defendantId} on case ${command.caseId} flagged (${upstream.strands.join(', ')}) and the court record now holds no flag and no reason: the audit counts the flag as lost between the CPS and the court, and the uplift cannot be expected at sentence`,
      remedy: 'if the case is a hate crime, record the flag (holds flagged); if the court holds it is not, send holds not_hate_crime with the reason',
    });
  } else if (upstream && flag && !sameStrands(upstream.strands, flag.strands)) {
    warnings.push({
      code: 'strands_differ_from_cps',
      finding: 'strands_changed',
      boundary: 'cps_to_court',
      message: `the court holds defendant ${command.defendantId} flagged ${flag.strands.join(', ')}; the CPS charged with the flag ${upstream.strands.join(', ')}`,
      remedy: 'nothing if the court changed the strands on purpose; otherwise record the strands of the charge',
    });
  }
  return decided(
    [{ type: 'HateCrimeFlagRecorded', data: { caseId: command.caseId, defendantId: command.defendantId, ...record, recordedAt: command.recordedAt } }],
    [...warnings, ...aggravated],
  );
}

function listCase(command: ListCase, state: CourtCase): Decision<CourtsEvent> {
  const defendant = requireDefendant(state, command.caseId, command.defendantId);
  if (defendant.listed) {
    throw new DomainError(
      'already_listed',
      `defendant ${command.defendantId} on case ${command.caseId} was already listed for a first hearing at ${defendant.listed.courtCode}`,
      'conflict',
    );
  }
  const { type: _type, ...data } = command;
  return decided([{ type: 'CaseListed', data: { ...data, courtType: 'magistrates' } }]);
}

function sendToCrownCourt(command: SendToCrownCourt, state: CourtCase): Decision<CourtsEvent> {
  const defendant = requireDefendant(state, command.caseId, command.defendantId);
  // Every case starts at a magistrates' court, so a record without the listing left it out.
  const warnings: Warning[] = defendant.listed
    ? []
    : [
        {
          code: 'not_listed',
          finding: null,
          boundary: null,
          message: `defendant ${command.defendantId} on case ${command.caseId} is sent to the Crown Court with no first hearing at a magistrates' court recorded`,
          remedy: "send the first listing at the magistrates' court (POST .../listing) if the court's system holds it",
        },
      ];
  if (defendant.sentToCrownCourt) {
    throw new DomainError(
      'already_sent_to_crown_court',
      `defendant ${command.defendantId} on case ${command.caseId} was already sent to the Crown Court at ${defendant.sentToCrownCourt.crownCourtCode}`,
      'conflict',
    );
  }
  refuseAfterAcquittal(defendant, command, 'sent to the Crown Court');
  if (defendant.sentenced) {
    throw new DomainError('already_sentenced', `defendant ${command.defendantId} was already sentenced on case ${command.caseId}`, 'conflict');
  }
  const { type: _type, ...data } = command;
  return decided([{ type: 'DefendantSentToCrownCourt', data }], warnings);
}

function enterPlea(command: EnterPlea, state: CourtCase): Decision<CourtsEvent> {
  const defendant = requireDefendant(state, command.caseId, command.defendantId);
  refuseAfterAcquittal(defendant, command, 'asked to plead');
  if (defendant.convicted) {
    throw new DomainError('already_convicted', `defendant ${command.defendantId} was already convicted on case ${command.caseId}; a plea comes before the verdict`, 'conflict');
  }
  requireCourt(defendant, command, command.courtType);
  const { type: _type, ...data } = command;
  return decided([{ type: 'PleaEntered', data }]);
}

function convictDefendant(command: ConvictDefendant, state: CourtCase): Decision<CourtsEvent> {
  const defendant = requireDefendant(state, command.caseId, command.defendantId);
  refuseAfterAcquittal(defendant, command, 'convicted');
  if (defendant.convicted) {
    throw new DomainError('already_convicted', `defendant ${command.defendantId} was already convicted on case ${command.caseId}`, 'conflict');
  }
  requireCourt(defendant, command, command.courtType);
  // Lenient on purpose: a court system may send the conviction without the plea; but a standing
  // not guilty plea contradicts a conviction on a guilty plea.
  if (command.basis === 'guilty_plea' && defendant.plea === 'not_guilty') {
    throw new DomainError(
      'no_guilty_plea',
      `defendant ${command.defendantId} on case ${command.caseId} pleaded not guilty: record the change of plea to guilty first, or convict after trial`,
    );
  }
  const { type: _type, ...data } = command;
  return decided([{ type: 'DefendantConvicted', data }]);
}

function acquitDefendant(command: AcquitDefendant, state: CourtCase): Decision<CourtsEvent> {
  const defendant = requireDefendant(state, command.caseId, command.defendantId);
  if (defendant.convicted) {
    throw new DomainError('already_convicted', `defendant ${command.defendantId} was already convicted on case ${command.caseId}, so cannot be acquitted`, 'conflict');
  }
  refuseAfterAcquittal(defendant, command, 'acquitted again');
  requireCourt(defendant, command, command.courtType);
  const { type: _type, ...data } = command;
  return decided([{ type: 'DefendantAcquitted', data }]);
}

function sentenceDefendant(command: SentenceDefendant, state: CourtCase): Decision<CourtsEvent> {
  const defendant = requireDefendant(state, command.caseId, command.defendantId);
  refuseAfterAcquittal(defendant, command, 'sentenced');
  if (!defendant.convicted) {
    throw new DomainError('no_sentence_before_conviction', `defendant ${command.defendantId} has not been convicted on case ${command.caseId}`);
  }
  if (defendant.sentenced) {
    throw new DomainError('already_sentenced', `defendant ${command.defendantId} was already sentenced on case ${command.caseId}`, 'conflict');
  }
  requireCourt(defendant, command, command.courtType);
  const warnings = sentencingWarnings(command, defendant, defendant.convicted.convictedAt);

  return decided([
    {
      type: 'DefendantSentenced',
      data: {
        caseId: command.caseId,
        defendantId: command.defendantId,
        sentencedAt: command.sentencedAt,
        courtType: command.courtType,
        offences: command.offences.map((offence) => ({
          offenceId: offence.offenceId,
          sentenceType: offence.sentenceType,
          ...(offence.uplift ? { uplift: { ...offence.uplift, strandsRecognised: normaliseStrands(offence.uplift.strandsRecognised) } } : {}),
        })),
      },
    },
  ], warnings);
}

function informVictimOfOutcome(command: InformVictimOfOutcome, state: CourtCase): Decision<CourtsEvent> {
  const defendant = requireDefendant(state, command.caseId, command.defendantId);
  if (!defendant.convicted && !defendant.acquitted) {
    throw new DomainError(
      'no_outcome_yet',
      `defendant ${command.defendantId} on case ${command.caseId} has been neither convicted nor acquitted, so there is no outcome to tell the victim`,
    );
  }
  // The victim may be told of an uplift decision whether the court applied the uplift or declined it; there must be one.
  if (command.upliftExplained && !defendant.sentenced?.upliftDecided) {
    throw new DomainError(
      'no_uplift_to_explain',
      `defendant ${command.defendantId} on case ${command.caseId} has not been sentenced with an uplift decision (applied or declined), so upliftExplained must be false`,
    );
  }
  const { type: _type, ...data } = command;
  return decided([{ type: 'VictimInformedOfOutcome', data }]);
}

function requireDefendant(state: CourtCase, caseId: string, defendantId: string): CourtDefendant {
  const defendant = state.defendants[defendantId];
  if (!defendant) {
    throw new DomainError('defendant_not_before_court', `defendant ${defendantId} has not been sent to court by the CPS on case ${caseId}`, 'not_found');
  }
  return defendant;
}

function refuseAfterAcquittal(defendant: CourtDefendant, command: { caseId: string; defendantId: string }, what: string): void {
  if (defendant.acquitted) {
    throw new DomainError(
      'already_acquitted',
      `defendant ${command.defendantId} was acquitted (${defendant.acquitted.basis}) on case ${command.caseId}, so cannot be ${what}`,
      'conflict',
    );
  }
}

/** Pleas, verdicts and sentences come from the court that has the case: magistrates', unless sent to the Crown Court. */
function requireCourt(defendant: CourtDefendant, command: { caseId: string; defendantId: string }, courtType: CourtType): void {
  const where = courtOf(defendant);
  if (where === courtType) return;
  throw new DomainError(
    'wrong_court',
    where === 'magistrates'
      ? `defendant ${command.defendantId} on case ${command.caseId} is before the magistrates' court: send the case to the Crown Court first, or send courtType magistrates`
      : `defendant ${command.defendantId} on case ${command.caseId} was sent to the Crown Court: send courtType crown`,
  );
}

export const courtCaseDecider: Decider<CourtCommand, CourtsEvent, CourtCase> = { initialState, evolve, decide };
