import { AGGRAVATED_OFFENCE_SECTIONS, POLICE_OUTCOME_CODES, RISK_LEVELS, SPECIAL_MEASURES, VICTIM_NEEDS } from './police.events';
import { HATE_CRIME_STRANDS, PERCEIVERS, RELIGION_TARGETED_GROUPS } from './hate-crime';
import { PRE_CHARGE_DECISIONS, PROSECUTION_OUTCOMES } from './cps.events';
import { ACQUITTAL_BASES, CONVICTION_BASES, COURT_TYPES, PLEAS, UPLIFT_PROVISIONS } from './courts.events';
import { FLAG_APPLIED_REASONS, FLAG_CHANGED_REASONS, NOT_HATE_CRIME_REASONS, SENTENCE_TYPES, UPLIFT_NOT_APPLIED_REASONS } from './codes';
import { URN_PATTERN } from './urn';

/**
 * JSON Schema (draft 2020-12 subset understood by Ajv) for the envelope and for every version of
 * each event's data. Consumers validate every message against the schema of its own version before
 * they act on it (a message that fails goes to the dead-letter topic with the errors below as its
 * reason), then upcast it to the latest. The latest versions carry no free text: codes only.
 */
type Schema = Record<string, unknown>;

const isoTime: Schema = { type: 'string', format: 'date-time' };
const id: Schema = { type: 'string', minLength: 1, maxLength: 100 };
const uuid: Schema = { type: 'string', format: 'uuid' };
const urn: Schema = { type: 'string', pattern: URN_PATTERN.source };

const hateCrimeFlag: Schema = {
  type: 'object',
  required: ['strands', 'perceivedBy'],
  additionalProperties: false,
  properties: {
    strands: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...HATE_CRIME_STRANDS] } },
    perceivedBy: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...PERCEIVERS] } },
    religionTargetedGroup: { enum: [...RELIGION_TARGETED_GROUPS] },
  },
};

/** The uplift decision of `DefendantSentenced` versions 1 and 2: the reason not applied was free text. */
const upliftV2: Schema = {
  type: 'object',
  required: ['applied', 'provision', 'statedInOpenCourt', 'strandsRecognised'],
  additionalProperties: false,
  properties: {
    applied: { type: 'boolean' },
    provision: { enum: [...UPLIFT_PROVISIONS] },
    statedInOpenCourt: { type: 'boolean' },
    strandsRecognised: { type: 'array', uniqueItems: true, items: { enum: [...HATE_CRIME_STRANDS] } },
    reasonNotApplied: { type: 'string', minLength: 1, maxLength: 500 },
  },
};
const uplift: Schema = {
  ...upliftV2,
  properties: { ...(upliftV2.properties as Record<string, Schema>), reasonNotApplied: { enum: [...UPLIFT_NOT_APPLIED_REASONS] } },
};

/** An offence as version 1 carried it, with its description as typed. */
const offenceV1: Schema = {
  type: 'object',
  required: ['offenceId', 'code', 'description'],
  additionalProperties: false,
  properties: {
    offenceId: id,
    code: { type: 'string', minLength: 1, maxLength: 20 },
    description: { type: 'string', minLength: 1, maxLength: 500 },
    aggravatedUnder: { enum: [...AGGRAVATED_OFFENCE_SECTIONS] },
  },
};
const offencesV1: Schema = { type: 'array', items: offenceV1, maxItems: 100 };
/** An offence from version 2: its code, no description. */
const offence: Schema = {
  type: 'object',
  required: ['offenceId', 'code'],
  additionalProperties: false,
  properties: {
    offenceId: id,
    code: { type: 'string', minLength: 1, maxLength: 20 },
    aggravatedUnder: { enum: [...AGGRAVATED_OFFENCE_SECTIONS] },
  },
};
const offences: Schema = { type: 'array', items: offence, maxItems: 100 };
/** The reason of version 1 of the flag events: free text. */
const reasonText: Schema = { type: 'string', minLength: 1, maxLength: 1000 };
const appliedReason: Schema = { enum: [...FLAG_APPLIED_REASONS] };
const changedReason: Schema = { enum: [...FLAG_CHANGED_REASONS] };
const notHateCrimeReason: Schema = { enum: [...NOT_HATE_CRIME_REASONS] };
const strandList: Schema = { type: 'array', uniqueItems: true, items: { enum: [...HATE_CRIME_STRANDS] } };
const specialMeasures: Schema = { type: 'array', uniqueItems: true, items: { enum: [...SPECIAL_MEASURES] } };
const courtCode: Schema = { type: 'string', pattern: '^[A-Z0-9]{3,10}$' };

function object(required: string[], properties: Record<string, Schema>): Schema {
  return { type: 'object', required, additionalProperties: false, properties };
}

/** An agency's record of the flag: the flag exactly when it holds one, a reason only when it says not a hate crime. */
function flagRecorded(reason: Schema, extra: Record<string, Schema>, required: string[] = []): Schema {
  const base = { caseId: uuid, ...extra, recordedAt: isoTime };
  const keys = ['caseId', ...required, 'holds', 'recordedAt'];
  return {
    type: 'object',
    oneOf: [
      object([...keys, 'hateCrime'], { ...base, holds: { const: 'flagged' }, hateCrime: hateCrimeFlag }),
      object(keys, { ...base, holds: { const: 'no_flag' } }),
      object(keys, { ...base, holds: { const: 'not_hate_crime' }, reason }),
    ],
  };
}

const forceCode: Schema = { type: 'string', pattern: '^\\d{2}$' };

function crimeRecorded(offenceList: Schema): Schema {
  return object(['caseId', 'crimeReference', 'forceCode', 'recordedAt', 'offences'], {
    caseId: uuid, crimeReference: id, forceCode, recordedAt: isoTime, offences: { ...offenceList, minItems: 1 }, hateCrime: hateCrimeFlag,
  });
}

function caseReferredToCps(offenceList: Schema): Schema {
  return object(['caseId', 'urn', 'forceCode', 'referredAt', 'suspectIds', 'offences', 'victimNeedsPassedOn'], {
    caseId: uuid,
    urn,
    forceCode,
    referredAt: isoTime,
    suspectIds: { type: 'array', minItems: 1, items: uuid },
    offences: offenceList,
    hateCrime: hateCrimeFlag,
    victimNeedsPassedOn: { type: 'boolean' },
  });
}

function caseReceivedFromPolice(offenceList: Schema): Schema {
  return object(['caseId', 'urn', 'forceCode', 'cpsArea', 'receivedAt', 'referralEventId', 'defendantIds', 'offences', 'victimNeedsReceived'], {
    caseId: uuid,
    urn,
    forceCode,
    cpsArea: id,
    receivedAt: isoTime,
    referralEventId: uuid,
    defendantIds: { type: 'array', minItems: 1, items: uuid },
    offences: offenceList,
    hateCrime: hateCrimeFlag,
    victimNeedsReceived: { type: 'boolean' },
  });
}

function preChargeDecisionMade(offenceList: Schema): Schema {
  return object(['caseId', 'urn', 'defendantId', 'decision', 'decidedAt', 'charges', 'cpsArea'], {
    caseId: uuid,
    urn,
    defendantId: uuid,
    decision: { enum: [...PRE_CHARGE_DECISIONS] },
    decidedAt: isoTime,
    charges: offenceList,
    hateCrime: hateCrimeFlag,
    cpsArea: id,
  });
}

function caseReceivedFromCps(offenceList: Schema): Schema {
  return object(['caseId', 'urn', 'defendantId', 'receivedAt', 'chargeEventId', 'charges', 'cpsArea'], {
    caseId: uuid,
    urn,
    defendantId: uuid,
    receivedAt: isoTime,
    chargeEventId: uuid,
    charges: { ...offenceList, minItems: 1 },
    hateCrime: hateCrimeFlag,
    cpsArea: id,
  });
}

function defendantSentenced(offenceSentence: Schema): Schema {
  return object(['caseId', 'defendantId', 'sentencedAt', 'courtType', 'offences'], {
    caseId: uuid,
    defendantId: uuid,
    sentencedAt: isoTime,
    courtType: { enum: [...COURT_TYPES] },
    offences: { type: 'array', minItems: 1, maxItems: 100, items: offenceSentence },
  });
}

function flagApplied(reason: Schema): Schema {
  return object(['caseId', 'hateCrime', 'appliedAt', 'reason'], { caseId: uuid, hateCrime: hateCrimeFlag, appliedAt: isoTime, reason });
}

function flagChanged(reason: Schema): Schema {
  return object(['caseId', 'hateCrime', 'previousStrands', 'changedAt', 'reason'], {
    caseId: uuid, hateCrime: hateCrimeFlag, previousStrands: strandList, changedAt: isoTime, reason,
  });
}

function flagRemoved(reason: Schema): Schema {
  return object(['caseId', 'removedAt', 'reason'], { caseId: uuid, removedAt: isoTime, reason });
}

export const EVENT_DATA_SCHEMAS: Record<string, Record<number, Schema>> = {
  'police.CrimeRecorded': {
    1: crimeRecorded(offencesV1),
    2: crimeRecorded(offences),
  },
  'police.SuspectIdentified': {
    1: object(['caseId', 'suspectId', 'identifiedAt'], { caseId: uuid, suspectId: uuid, identifiedAt: isoTime }),
  },
  'police.CaseReferredToCps': {
    1: caseReferredToCps(offencesV1),
    2: caseReferredToCps(offences),
  },
  'cps.CaseReceivedFromPolice': {
    1: caseReceivedFromPolice(offencesV1),
    2: caseReceivedFromPolice(offences),
  },
  'cps.PreChargeDecisionMade': {
    1: preChargeDecisionMade(offencesV1),
    2: preChargeDecisionMade(offences),
  },
  'courts.CaseReceivedFromCps': {
    1: caseReceivedFromCps(offencesV1),
    2: caseReceivedFromCps(offences),
  },
  'courts.DefendantConvicted': {
    1: object(['caseId', 'defendantId', 'convictedAt', 'basis', 'courtType'], {
      caseId: uuid,
      defendantId: uuid,
      convictedAt: isoTime,
      basis: { enum: [...CONVICTION_BASES] },
      courtType: { enum: [...COURT_TYPES] },
    }),
  },
  'courts.DefendantSentenced': {
    1: object(['caseId', 'defendantId', 'sentencedAt', 'courtType', 'sentence'], {
      caseId: uuid,
      defendantId: uuid,
      sentencedAt: isoTime,
      courtType: { enum: [...COURT_TYPES] },
      sentence: { type: 'string', minLength: 1, maxLength: 500 },
      uplift: upliftV2,
    }),
    2: defendantSentenced(object(['offenceId', 'sentence'], { offenceId: id, sentence: { type: 'string', minLength: 1, maxLength: 500 }, uplift: upliftV2 })),
    3: defendantSentenced(object(['offenceId', 'sentenceType'], { offenceId: id, sentenceType: { enum: [...SENTENCE_TYPES] }, uplift })),
  },
  'courts.CaseListed': {
    1: object(['caseId', 'defendantId', 'courtType', 'courtCode', 'hearingDate', 'listedAt'], {
      caseId: uuid, defendantId: uuid, courtType: { const: 'magistrates' }, courtCode, hearingDate: { type: 'string', format: 'date' }, listedAt: isoTime,
    }),
  },
  'courts.DefendantSentToCrownCourt': {
    1: object(['caseId', 'defendantId', 'crownCourtCode', 'sentAt'], { caseId: uuid, defendantId: uuid, crownCourtCode: courtCode, sentAt: isoTime }),
  },
  'courts.PleaEntered': {
    1: object(['caseId', 'defendantId', 'plea', 'courtType', 'enteredAt'], {
      caseId: uuid, defendantId: uuid, plea: { enum: [...PLEAS] }, courtType: { enum: [...COURT_TYPES] }, enteredAt: isoTime,
    }),
  },
  'courts.DefendantAcquitted': {
    1: object(['caseId', 'defendantId', 'basis', 'courtType', 'acquittedAt'], {
      caseId: uuid, defendantId: uuid, basis: { enum: [...ACQUITTAL_BASES] }, courtType: { enum: [...COURT_TYPES] }, acquittedAt: isoTime,
    }),
  },
  'courts.VictimInformedOfOutcome': {
    1: object(['caseId', 'defendantId', 'victimId', 'informedAt', 'upliftExplained'], {
      caseId: uuid, defendantId: uuid, victimId: uuid, informedAt: isoTime, upliftExplained: { type: 'boolean' },
    }),
  },
  'police.HateCrimeFlagApplied': { 1: flagApplied(reasonText), 2: flagApplied(appliedReason) },
  'police.HateCrimeFlagChanged': {
    1: flagChanged(reasonText),
    2: flagChanged(changedReason),
  },
  'police.HateCrimeFlagRemoved': { 1: flagRemoved(reasonText), 2: flagRemoved(notHateCrimeReason) },
  'police.HateCrimeFlagRecorded': { 1: flagRecorded(reasonText, {}), 2: flagRecorded(notHateCrimeReason, {}) },
  'cps.HateCrimeFlagRecorded': { 1: flagRecorded(reasonText, {}), 2: flagRecorded(notHateCrimeReason, {}) },
  'courts.HateCrimeFlagRecorded': {
    1: flagRecorded(reasonText, { defendantId: uuid }, ['defendantId']),
    2: flagRecorded(notHateCrimeReason, { defendantId: uuid }, ['defendantId']),
  },
  'police.VictimNeedsAssessed': {
    1: object(['caseId', 'victimId', 'assessedAt', 'riskLevel', 'needs', 'enhancedService', 'specialMeasuresWanted'], {
      caseId: uuid,
      victimId: uuid,
      assessedAt: isoTime,
      riskLevel: { enum: [...RISK_LEVELS] },
      needs: { type: 'array', uniqueItems: true, items: { enum: [...VICTIM_NEEDS] } },
      enhancedService: { type: 'boolean' },
      specialMeasuresWanted: specialMeasures,
    }),
  },
  'police.PoliceOutcomeAssigned': {
    1: object(['caseId', 'outcomeCode', 'assignedAt'], { caseId: uuid, outcomeCode: { enum: [...POLICE_OUTCOME_CODES] }, assignedAt: isoTime }),
  },
  'cps.HateCrimeFlagConfirmed': {
    1: object(['caseId', 'hateCrime', 'confirmedAt'], { caseId: uuid, hateCrime: hateCrimeFlag, confirmedAt: isoTime }),
  },
  'cps.HateCrimeFlagApplied': { 1: flagApplied(reasonText), 2: flagApplied(appliedReason) },
  'cps.HateCrimeFlagRemoved': { 1: flagRemoved(reasonText), 2: flagRemoved(notHateCrimeReason) },
  'cps.SpecialMeasuresAppliedFor': {
    1: object(['caseId', 'victimId', 'measures', 'appliedAt'], { caseId: uuid, victimId: uuid, measures: { ...specialMeasures, minItems: 1 }, appliedAt: isoTime }),
  },
  'cps.ProsecutionCompleted': {
    1: object(['caseId', 'defendantId', 'outcome', 'completedAt'], {
      caseId: uuid, defendantId: uuid, outcome: { enum: [...PROSECUTION_OUTCOMES] }, completedAt: isoTime, courtEventId: uuid,
    }),
  },
};

/** The schema version new events of each type are written in. */
export const LATEST_SCHEMA_VERSION: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(EVENT_DATA_SCHEMAS).map(([name, versions]) => [name, Math.max(...Object.keys(versions).map(Number))]),
);

export const ENVELOPE_SCHEMA: Schema = {
  type: 'object',
  required: [
    'specversion', 'id', 'source', 'type', 'time', 'subject', 'datacontenttype',
    'causationid', 'correlationid', 'streamversion', 'schemaversion', 'data',
  ],
  additionalProperties: false,
  properties: {
    specversion: { const: '1.0' },
    id: uuid,
    source: { enum: ['/agencies/police', '/agencies/cps', '/agencies/courts'] },
    type: { type: 'string', pattern: '^uk\\.gov\\.cjs\\.hatecrime\\.(police|cps|courts)\\.[A-Za-z]+$' },
    time: isoTime,
    subject: uuid,
    datacontenttype: { const: 'application/json' },
    causationid: id,
    correlationid: id,
    streamversion: { type: 'integer', minimum: 1 },
    schemaversion: { type: 'integer', minimum: 1 },
    data: { type: 'object' },
  },
};
