import { randomUUID } from 'node:crypto';
import {
  eventTypeName,
  agencySource,
  type Agency,
  type CaseReceivedFromCps,
  type CaseReceivedFromPolice,
  type CaseReferredToCps,
  type CrimeRecorded,
  type DefendantConvicted,
  type DefendantSentenced,
  type EventEnvelope,
  type HateCrimeFlag,
  type Offence,
  type PreChargeDecisionMade,
  type SuspectIdentified,
  type UpliftDecision,
} from '@hc/contracts';
import { buildCaseJourney, financialYear, type CaseJourney } from './case-journey';

const caseId = '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b';
/** Charged, convicted at the magistrates' court and committed to the Crown Court for sentence. */
const chargedDefendant = '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01';
/** No further action on the evidence. */
const nfaDefendant = '9d8c7b6a-5e4f-4a3b-9c2d-1e0f9a8b7c6d';

const urn = '01/AB/12345/24';
const flag: HateCrimeFlag = { strands: ['religion', 'race'], perceivedBy: ['victim', 'officer'], religionTargetedGroup: 'anti_muslim' };
const aggravatedHarassment: Offence = {
  offenceId: 'off-1',
  code: '8L',
  description: 'Racially or religiously aggravated harassment, alarm or distress',
  aggravatedUnder: 'CDA1998_s31',
};

type AnyEvent =
  | CrimeRecorded
  | SuspectIdentified
  | CaseReferredToCps
  | CaseReceivedFromPolice
  | PreChargeDecisionMade
  | CaseReceivedFromCps
  | DefendantConvicted
  | DefendantSentenced;

const AGENCY_OF: Record<AnyEvent['type'], Agency> = {
  CrimeRecorded: 'police',
  SuspectIdentified: 'police',
  CaseReferredToCps: 'police',
  CaseReceivedFromPolice: 'cps',
  PreChargeDecisionMade: 'cps',
  CaseReceivedFromCps: 'courts',
  DefendantConvicted: 'courts',
  DefendantSentenced: 'courts',
};

function envelope(streamversion: number, event: AnyEvent): EventEnvelope {
  const agency = AGENCY_OF[event.type];
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: agencySource(agency),
    type: eventTypeName(agency, event.type),
    time: '2024-07-29T14:00:00Z',
    subject: caseId,
    datacontenttype: 'application/json',
    causationid: randomUUID(),
    correlationid: caseId,
    streamversion,
    schemaversion: 1,
    data: event.data,
  };
}

const crimeRecorded = (recordedAt = '2024-05-02T21:15:00Z') =>
  envelope(1, {
    type: 'CrimeRecorded',
    data: { caseId, crimeReference: '5201234/24', forceCode: '01', recordedAt, offences: [aggravatedHarassment], hateCrime: flag },
  });

const police = {
  recorded: crimeRecorded(),
  chargedSuspect: envelope(2, { type: 'SuspectIdentified', data: { caseId, suspectId: chargedDefendant, identifiedAt: '2024-05-10T09:00:00Z' } }),
  nfaSuspect: envelope(3, { type: 'SuspectIdentified', data: { caseId, suspectId: nfaDefendant, identifiedAt: '2024-05-11T16:20:00Z' } }),
  referred: envelope(4, {
    type: 'CaseReferredToCps',
    data: {
      caseId, urn, forceCode: '01', referredAt: '2024-05-20T14:00:00Z', suspectIds: [chargedDefendant, nfaDefendant],
      offences: [aggravatedHarassment], hateCrime: flag, victimNeedsPassedOn: true,
    },
  }),
};

const cps = {
  received: envelope(1, {
    type: 'CaseReceivedFromPolice',
    data: {
      caseId, urn, forceCode: '01', cpsArea: 'London North', receivedAt: '2024-05-20T14:00:05Z', referralEventId: police.referred.id,
      defendantIds: [chargedDefendant, nfaDefendant], offences: [aggravatedHarassment], hateCrime: flag, victimNeedsReceived: true,
    },
  }),
  charged: envelope(2, {
    type: 'PreChargeDecisionMade',
    data: {
      caseId, urn, defendantId: chargedDefendant, decision: 'charge', decidedAt: '2024-06-03T11:30:00Z',
      charges: [aggravatedHarassment], hateCrime: flag, cpsArea: 'London North',
    },
  }),
  nfa: envelope(3, {
    type: 'PreChargeDecisionMade',
    data: {
      caseId, urn, defendantId: nfaDefendant, decision: 'no_further_action_evidential', decidedAt: '2024-06-04T10:00:00Z',
      charges: [], hateCrime: flag, cpsArea: 'London North',
    },
  }),
};

const upliftAnnounced: UpliftDecision = { applied: true, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: ['religion', 'race'] };

const sentencedWith = (uplift: UpliftDecision | undefined) =>
  envelope(3, {
    type: 'DefendantSentenced',
    data: {
      caseId, defendantId: chargedDefendant, sentencedAt: '2024-08-19T12:00:00Z', courtType: 'crown',
      sentence: '18 months imprisonment', ...(uplift ? { uplift } : {}),
    },
  });

const courts = {
  received: envelope(1, {
    type: 'CaseReceivedFromCps',
    data: {
      caseId, urn, defendantId: chargedDefendant, receivedAt: '2024-06-03T11:30:04Z', chargeEventId: cps.charged.id,
      charges: [aggravatedHarassment], hateCrime: flag, cpsArea: 'London North',
    },
  }),
  convicted: envelope(2, {
    type: 'DefendantConvicted',
    data: { caseId, defendantId: chargedDefendant, convictedAt: '2024-07-01T10:30:00Z', basis: 'guilty_plea', courtType: 'magistrates' },
  }),
  sentenced: sentencedWith(upliftAnnounced),
};

const wholeCase: EventEnvelope[] = [
  police.recorded, police.chargedSuspect, police.nfaSuspect, police.referred,
  cps.received, cps.charged, cps.nfa,
  courts.received, courts.convicted, courts.sentenced,
];

/** A seeded Fisher-Yates shuffle (mulberry32), so a failing order can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

function defendantRow(journey: CaseJourney, defendantId: string) {
  const row = journey.defendants.find((candidate) => candidate.defendantId === defendantId);
  if (!row) throw new Error(`no row for defendant ${defendantId}`);
  return row;
}

describe('case journey', () => {
  describe('depends only on which events arrived', () => {
    const inOrder = buildCaseJourney(caseId, wholeCase);

    it.each([1, 2, 3, 42, 2024, 31337])('gives the same journey for the events shuffled with seed %i', (seed) => {
      const events = shuffled(wholeCase, seed);
      expect(events).not.toEqual(wholeCase);
      expect(buildCaseJourney(caseId, events)).toStrictEqual(inOrder);
    });

    it('gives the same journey for the events in reverse order', () => {
      expect(buildCaseJourney(caseId, [...wholeCase].reverse())).toStrictEqual(inOrder);
    });

    it('gives the same journey when events are delivered more than once', () => {
      const redelivered = [...wholeCase, courts.sentenced, police.referred, structuredClone(cps.charged), ...wholeCase.slice(0, 3)];
      expect(buildCaseJourney(caseId, shuffled(redelivered, 7))).toStrictEqual(inOrder);
    });

    it('takes the court type from the sentencing court when a defendant is committed for sentence, whatever the arrival order', () => {
      const sentenceFirst = [courts.sentenced, courts.convicted, courts.received, ...wholeCase.slice(0, 7)];
      expect(defendantRow(buildCaseJourney(caseId, sentenceFirst), chargedDefendant).courtType).toBe('crown');
    });
  });

  describe('a case with one defendant convicted and one not charged', () => {
    const journey = buildCaseJourney(caseId, shuffled(wholeCase, 11));

    it('records the case as the police flagged it, referred it and the CPS received it', () => {
      expect(journey.caseRow).toStrictEqual({
        caseId,
        forceCode: '01',
        crimeReference: '5201234/24',
        recordedAt: '2024-05-02T21:15:00Z',
        financialYear: '2024/25',
        policeFlagged: true,
        policeStrands: ['race', 'religion'],
        religionTargetedGroup: 'anti_muslim',
        perceivedBy: ['victim', 'officer'],
        urn,
        referredAt: '2024-05-20T14:00:00Z',
        victimNeedsPassedOn: true,
        referralFlagged: true,
        referralStrands: ['race', 'religion'],
        cpsReceivedAt: '2024-05-20T14:00:05Z',
        cpsArea: 'London North',
        cpsFlagged: true,
        cpsStrands: ['race', 'religion'],
      });
    });

    it('has one row per defendant, ordered by defendant id', () => {
      expect(journey.defendants.map((row) => row.defendantId)).toEqual([chargedDefendant, nfaDefendant].sort());
    });

    it('follows the charged defendant to a sentence with the uplift announced', () => {
      expect(defendantRow(journey, chargedDefendant)).toStrictEqual({
        caseId,
        defendantId: chargedDefendant,
        suspectIdentifiedAt: '2024-05-10T09:00:00Z',
        referredAt: '2024-05-20T14:00:00Z',
        preChargeDecision: 'charge',
        decidedAt: '2024-06-03T11:30:00Z',
        chargedAt: '2024-06-03T11:30:00Z',
        courtReceivedAt: '2024-06-03T11:30:04Z',
        courtFlagged: true,
        courtStrands: ['race', 'religion'],
        convictedAt: '2024-07-01T10:30:00Z',
        convictionBasis: 'guilty_plea',
        courtType: 'crown',
        sentencedAt: '2024-08-19T12:00:00Z',
        upliftApplied: true,
        upliftProvision: 'SA2020_s66',
        upliftStatedInOpenCourt: true,
        upliftStrands: ['race', 'religion'],
        upliftAnnounced: true,
        stageReached: 'uplift_announced',
      });
    });

    it('stops the defendant with no further action at the referral, never charged nor before a court', () => {
      expect(defendantRow(journey, nfaDefendant)).toStrictEqual({
        caseId,
        defendantId: nfaDefendant,
        suspectIdentifiedAt: '2024-05-11T16:20:00Z',
        referredAt: '2024-05-20T14:00:00Z',
        preChargeDecision: 'no_further_action_evidential',
        decidedAt: '2024-06-04T10:00:00Z',
        chargedAt: null,
        courtReceivedAt: null,
        courtFlagged: null,
        courtStrands: [],
        convictedAt: null,
        convictionBasis: null,
        courtType: null,
        sentencedAt: null,
        upliftApplied: null,
        upliftProvision: null,
        upliftStatedInOpenCourt: null,
        upliftStrands: [],
        upliftAnnounced: false,
        stageReached: 'referred_to_cps',
      });
    });
  });

  describe('stage reached by a defendant', () => {
    const stageAfter = (events: EventEnvelope[]) => defendantRow(buildCaseJourney(caseId, events), chargedDefendant).stageReached;

    it.each([
      ['suspect_identified', [police.recorded, police.chargedSuspect]],
      ['referred_to_cps', [police.recorded, police.chargedSuspect, police.referred, cps.received]],
      ['charged', [police.recorded, police.chargedSuspect, police.referred, cps.received, cps.charged]],
      ['charged', [police.recorded, police.chargedSuspect, police.referred, cps.received, cps.charged, courts.received]],
      ['convicted', [...wholeCase.slice(0, 6), courts.received, courts.convicted]],
      ['sentenced', [...wholeCase.slice(0, 6), courts.received, courts.convicted, sentencedWith(undefined)]],
      ['uplift_announced', wholeCase],
    ] as const)('is %s after the events so far', (stage, events) => {
      expect(stageAfter([...events])).toBe(stage);
    });

    it('has no defendant rows while no suspect has been identified', () => {
      expect(buildCaseJourney(caseId, [police.recorded]).defendants).toEqual([]);
    });
  });

  describe('uplift announced', () => {
    it.each([
      [true, true, true, 'uplift_announced'],
      [true, false, false, 'sentenced'],
      [false, true, false, 'sentenced'],
      [false, false, false, 'sentenced'],
    ] as const)('applied %p and stated in open court %p: announced %p, stage %s', (applied, statedInOpenCourt, announced, stage) => {
      const uplift: UpliftDecision = {
        applied,
        provision: 'SA2020_s66',
        statedInOpenCourt,
        strandsRecognised: applied ? ['race'] : [],
        ...(applied ? {} : { reasonNotApplied: 'Hostility not proved' }),
      };
      const row = defendantRow(buildCaseJourney(caseId, [...wholeCase.slice(0, 9), sentencedWith(uplift)]), chargedDefendant);
      expect(row.upliftApplied).toBe(applied);
      expect(row.upliftStatedInOpenCourt).toBe(statedInOpenCourt);
      expect(row.upliftAnnounced).toBe(announced);
      expect(row.stageReached).toBe(stage);
    });

    it('is not announced, and the uplift columns stay empty, when the sentence carries no uplift decision', () => {
      const row = defendantRow(buildCaseJourney(caseId, [...wholeCase.slice(0, 9), sentencedWith(undefined)]), chargedDefendant);
      expect(row).toMatchObject({ upliftApplied: null, upliftProvision: null, upliftStatedInOpenCourt: null, upliftStrands: [], upliftAnnounced: false });
    });
  });

  describe('financial year, April to March in UK local time', () => {
    it.each([
      ['2024-03-31T23:30:00Z', '2024/25', '00:30 BST on 1 April'],
      ['2024-03-31T22:59:00Z', '2023/24', '23:59 BST on 31 March'],
      ['2025-03-31T23:00:00Z', '2025/26', 'midnight BST on 1 April'],
      ['2024-04-01T00:00:00Z', '2024/25', '01:00 BST on 1 April'],
      ['2024-01-15T12:00:00Z', '2023/24', 'January belongs to the year that started the April before'],
      ['2025-01-01T00:00:00Z', '2024/25', 'New Year'],
      ['2024-12-31T23:59:59Z', '2024/25', 'New Year\'s Eve in GMT'],
      ['2099-06-01T12:00:00Z', '2099/00', 'the turn of a century'],
    ])('puts %s in %s (%s)', (time, year) => {
      expect(financialYear(time)).toBe(year);
    });

    it('is taken from when the crime was recorded', () => {
      const journey = buildCaseJourney(caseId, [crimeRecorded('2024-03-31T23:30:00Z')]);
      expect(journey.caseRow.financialYear).toBe('2024/25');
    });
  });
});
