import { agencySource, eventTypeName, type Agency, type EventEnvelope } from './envelope';
import { LATEST_SCHEMA_VERSION, validateEnvelope } from './schemas';
import { schemaName, upcast } from './upcasters';

const caseId = '6f1c2a8e-3b4d-5e6f-8a9b-0c1d2e3f4a5b';
const suspectId = '0b7e6a52-9c1f-4d3e-8a2b-5f6e7d8c9a01';
const eventId = '3e2d1c0b-4a59-4876-9a5b-4c3d2e1f0a9b';
const urn = '01/AB/12345/24';
const flag = { strands: ['race', 'religion'], perceivedBy: ['victim'], religionTargetedGroup: 'anti_muslim' };
const aggravatedHarassment = {
  offenceId: 'off-1',
  code: '8L',
  description: 'Racially or religiously aggravated harassment, alarm or distress',
  aggravatedUnder: 'CDA1998_s31',
};

/** Valid version 1 data of every published event, by agency and type. */
const VALID_DATA: Record<string, { agency: Agency; data: Record<string, unknown> }> = {
  CrimeRecorded: {
    agency: 'police',
    data: { caseId, crimeReference: '5201234/24', forceCode: '01', recordedAt: '2024-05-02T21:15:00Z', offences: [aggravatedHarassment], hateCrime: flag },
  },
  SuspectIdentified: { agency: 'police', data: { caseId, suspectId, identifiedAt: '2024-05-10T09:00:00Z' } },
  CaseReferredToCps: {
    agency: 'police',
    data: {
      caseId, urn, forceCode: '01', referredAt: '2024-05-20T14:00:00Z', suspectIds: [suspectId],
      offences: [aggravatedHarassment], hateCrime: flag, victimNeedsPassedOn: true,
    },
  },
  CaseReceivedFromPolice: {
    agency: 'cps',
    data: {
      caseId, urn, forceCode: '01', cpsArea: 'London North', receivedAt: '2024-05-20T14:00:05Z', referralEventId: eventId,
      defendantIds: [suspectId], offences: [aggravatedHarassment], hateCrime: flag, victimNeedsReceived: true,
    },
  },
  PreChargeDecisionMade: {
    agency: 'cps',
    data: {
      caseId, urn, defendantId: suspectId, decision: 'charge', decidedAt: '2024-06-03T11:30:00Z',
      charges: [aggravatedHarassment], hateCrime: flag, cpsArea: 'London North',
    },
  },
  CaseReceivedFromCps: {
    agency: 'courts',
    data: {
      caseId, urn, defendantId: suspectId, receivedAt: '2024-06-03T11:30:04Z', chargeEventId: eventId,
      charges: [aggravatedHarassment], hateCrime: flag, cpsArea: 'London North',
    },
  },
  DefendantConvicted: {
    agency: 'courts',
    data: { caseId, defendantId: suspectId, convictedAt: '2024-07-01T10:30:00Z', basis: 'guilty_plea', courtType: 'magistrates' },
  },
  DefendantSentenced: {
    agency: 'courts',
    data: {
      caseId, defendantId: suspectId, sentencedAt: '2024-07-29T14:00:00Z', courtType: 'crown', sentence: '18 months imprisonment',
      uplift: { applied: true, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: ['race', 'religion'] },
    },
  },
};

type MutableEnvelope = { -readonly [K in keyof EventEnvelope]: EventEnvelope[K] } & Record<string, unknown>;

function envelopeOf(type: keyof typeof VALID_DATA): MutableEnvelope {
  const { agency, data } = VALID_DATA[type]!;
  return {
    specversion: '1.0',
    id: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
    source: agencySource(agency),
    type: eventTypeName(agency, type),
    time: '2024-07-29T14:00:01Z',
    subject: caseId,
    datacontenttype: 'application/json',
    causationid: eventId,
    correlationid: caseId,
    streamversion: 3,
    schemaversion: 1,
    data: structuredClone(data),
  };
}

function reasonFor(raw: unknown): string {
  const result = validateEnvelope(raw);
  if (result.valid) throw new Error('expected the envelope to be rejected, but it was accepted');
  return result.reason;
}

describe('validateEnvelope', () => {
  describe('accepts', () => {
    // toEqual, not toStrictEqual: objects from JSON.parse come from Node's own realm, not Jest's sandbox (jestjs/jest#2549).
    it.each(Object.keys(VALID_DATA))('a valid %s envelope, as a JSON string (read at the latest schema version)', (type) => {
      const envelope = envelopeOf(type);
      expect(validateEnvelope(JSON.stringify(envelope))).toEqual({ valid: true, envelope: upcast(envelope) });
    });

    it('a version 1 DefendantSentenced, upcast to version 3 with the uplift on the whole sentence and no sentence text', () => {
      const result = validateEnvelope(envelopeOf('DefendantSentenced'));
      expect(result.valid && result.envelope.schemaversion).toBe(3);
      expect(result.valid && result.envelope.data).toEqual({
        caseId, defendantId: suspectId, sentencedAt: '2024-07-29T14:00:00Z', courtType: 'crown',
        offences: [{ offenceId: 'all', sentenceType: 'unclassified', uplift: { applied: true, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: ['race', 'religion'] } }],
      });
    });

    it('a Kafka message value as a Buffer', () => {
      const envelope = envelopeOf('SuspectIdentified');
      expect(validateEnvelope(Buffer.from(JSON.stringify(envelope), 'utf8'))).toEqual({ valid: true, envelope });
    });

    it('an already parsed object', () => {
      expect(validateEnvelope(envelopeOf('SuspectIdentified')).valid).toBe(true);
    });

    it('an unflagged crime and a sentence without an uplift decision', () => {
      const crime = envelopeOf('CrimeRecorded');
      delete (crime.data as Record<string, unknown>).hateCrime;
      const sentence = envelopeOf('DefendantSentenced');
      delete (sentence.data as Record<string, unknown>).uplift;
      expect(validateEnvelope(crime).valid).toBe(true);
      expect(validateEnvelope(sentence).valid).toBe(true);
    });
  });

  describe('rejects, naming what is wrong', () => {
    it('a message that is not JSON', () => {
      expect(reasonFor('{"specversion":"1.0",')).toMatch(/^message is not JSON/);
      expect(reasonFor(Buffer.from('CrimeRecorded 01/AB/12345/24'))).toMatch(/^message is not JSON/);
    });

    it.each(['id', 'source', 'type', 'subject', 'causationid', 'correlationid', 'streamversion', 'schemaversion', 'data'])(
      'an envelope without its %s attribute',
      (attribute) => {
        const envelope = envelopeOf('CrimeRecorded');
        delete envelope[attribute];
        expect(reasonFor(envelope)).toContain(`must have required property '${attribute}'`);
      },
    );

    it('an event type nobody publishes', () => {
      const envelope = envelopeOf('CrimeRecorded');
      envelope.type = 'uk.gov.cjs.hatecrime.police.CrimeDeleted' as EventEnvelope['type'];
      expect(reasonFor(envelope)).toContain('unknown event type or schema version: uk.gov.cjs.hatecrime.police.CrimeDeleted v1');
    });

    it('an event type outside the hate crime namespace', () => {
      const envelope = envelopeOf('CrimeRecorded');
      envelope.type = 'uk.gov.cjs.other.police.CrimeRecorded' as EventEnvelope['type'];
      expect(reasonFor(envelope)).toContain('envelope/type must match pattern');
    });

    it('a schema version that does not exist', () => {
      const envelope = envelopeOf('CrimeRecorded');
      envelope.schemaversion = 3;
      expect(reasonFor(envelope)).toContain('unknown event type or schema version: uk.gov.cjs.hatecrime.police.CrimeRecorded v3');
    });

    it('a strand that is not one of the five monitored strands', () => {
      const envelope = envelopeOf('CaseReferredToCps');
      (envelope.data as { hateCrime: { strands: string[] } }).hateCrime.strands = ['race', 'age'];
      expect(reasonFor(envelope)).toMatch(/data\/hateCrime\/strands\/1 must be equal to one of the allowed values \(race, religion, sexual_orientation, disability, transgender\)/);
    });

    it('a strand the court recognised in an uplift that is not a monitored strand', () => {
      const envelope = envelopeOf('DefendantSentenced');
      (envelope.data as { uplift: { strandsRecognised: string[] } }).uplift.strandsRecognised = ['gender'];
      expect(reasonFor(envelope)).toContain('data/uplift/strandsRecognised/0 must be equal to one of the allowed values');
    });

    it.each(['01-AB-12345-24', '01/ab/12345/24', '1/AB/12345/24', '01/AB/12345/2024'])('the malformed URN %p', (malformed) => {
      const envelope = envelopeOf('PreChargeDecisionMade');
      (envelope.data as { urn: string }).urn = malformed;
      expect(reasonFor(envelope)).toContain('data/urn must match pattern');
    });

    it('a subject that is not the case id in the data', () => {
      const envelope = envelopeOf('DefendantConvicted');
      envelope.subject = '11111111-2222-4333-8444-555555555555';
      expect(reasonFor(envelope)).toBe(`envelope subject 11111111-2222-4333-8444-555555555555 does not match data.caseId`);
    });

    it('an extra attribute on the envelope', () => {
      const envelope = envelopeOf('CrimeRecorded');
      envelope.partitionkey = caseId;
      expect(reasonFor(envelope)).toContain("envelope must NOT have additional properties 'partitionkey'");
    });

    it('an extra property in the data, such as personal details that must never leave the force', () => {
      const envelope = envelopeOf('SuspectIdentified');
      (envelope.data as Record<string, unknown>).suspectName = 'John Smith';
      expect(reasonFor(envelope)).toContain("data must NOT have additional properties 'suspectName'");
    });

    it('an extra property inside the hate crime flag', () => {
      const envelope = envelopeOf('CrimeRecorded');
      (envelope.data as { hateCrime: Record<string, unknown> }).hateCrime.victimEthnicity = 'W1';
      expect(reasonFor(envelope)).toContain("data/hateCrime must NOT have additional properties 'victimEthnicity'");
    });

    it.each([
      ['/agencies/cps', 'police', 'CrimeRecorded'],
      ['/agencies/police', 'cps', 'PreChargeDecisionMade'],
      ['/agencies/cps', 'courts', 'DefendantSentenced'],
    ] as const)('an event from %s under the %s type %s', (source, agency, type) => {
      const envelope = envelopeOf(type);
      envelope.source = source;
      expect(reasonFor(envelope)).toBe(`envelope invalid: source ${source} cannot publish ${eventTypeName(agency, type)}`);
    });

    it('a source that is not one of the three agencies', () => {
      const envelope = envelopeOf('CrimeRecorded');
      envelope.source = '/agencies/probation';
      expect(reasonFor(envelope)).toContain('envelope/source must be equal to one of the allowed values');
    });

    it('a case id that is not a UUID', () => {
      const envelope = envelopeOf('SuspectIdentified');
      (envelope.data as { caseId: string }).caseId = '5201234/24';
      expect(reasonFor(envelope)).toContain('data/caseId must match format "uuid"');
    });
  });

  describe('free text: the latest versions carry codes only, and older events are upcast without their text', () => {
    const NAME = 'Amira Haddad';
    const latest = (type: string, agency: Agency, data: Record<string, unknown>): MutableEnvelope => ({
      ...envelopeOf('SuspectIdentified'),
      source: agencySource(agency),
      type: eventTypeName(agency, type),
      schemaversion: LATEST_SCHEMA_VERSION[`${agency}.${type}`]!,
      data: { caseId, ...data },
    });
    const legacy = (type: string, agency: Agency, data: Record<string, unknown>): MutableEnvelope => ({ ...latest(type, agency, data), schemaversion: 1 });
    const offence = { offenceId: 'off-1', code: '8L', aggravatedUnder: 'CDA1998_s31' };
    const described = { ...offence, description: `harassment of ${NAME}` };

    it('writes a new version of every event type that held free text', () => {
      expect(LATEST_SCHEMA_VERSION).toMatchObject({
        'police.CrimeRecorded': 2, 'police.CaseReferredToCps': 2, 'police.HateCrimeFlagApplied': 2, 'police.HateCrimeFlagChanged': 2,
        'police.HateCrimeFlagRemoved': 2, 'police.HateCrimeFlagRecorded': 2, 'cps.CaseReceivedFromPolice': 2, 'cps.PreChargeDecisionMade': 2,
        'cps.HateCrimeFlagApplied': 2, 'cps.HateCrimeFlagRemoved': 2, 'cps.HateCrimeFlagRecorded': 2, 'courts.CaseReceivedFromCps': 2,
        'courts.HateCrimeFlagRecorded': 2, 'courts.DefendantSentenced': 3,
      });
    });

    it.each(['CrimeRecorded', 'CaseReferredToCps', 'CaseReceivedFromPolice', 'PreChargeDecisionMade', 'CaseReceivedFromCps'] as const)(
      'refuses an offence description in the latest %s, and drops it from version 1 (the code stays)',
      (type) => {
        const v1 = envelopeOf(type);
        const list = 'charges' in (v1.data as object) ? 'charges' : 'offences';
        (v1.data as Record<string, unknown>)[list] = [described];
        const result = validateEnvelope(v1);
        expect(result.valid && (result.envelope.data as Record<string, unknown>)[list]).toEqual([offence]);
        expect(JSON.stringify(result.valid && result.envelope)).not.toContain(NAME);

        const v2 = { ...v1, schemaversion: LATEST_SCHEMA_VERSION[schemaName(v1.type)]! };
        expect(reasonFor(v2)).toContain(`data/${list}/0 must NOT have additional properties 'description'`);
      },
    );

    it.each([
      ['police', 'HateCrimeFlagApplied', { hateCrime: flag, appliedAt: '2024-05-06T10:00:00Z' }],
      ['police', 'HateCrimeFlagChanged', { hateCrime: flag, previousStrands: ['race'], changedAt: '2024-05-06T10:00:00Z' }],
      ['police', 'HateCrimeFlagRemoved', { removedAt: '2024-05-06T10:00:00Z' }],
      ['cps', 'HateCrimeFlagApplied', { hateCrime: flag, appliedAt: '2024-05-06T10:00:00Z' }],
      ['cps', 'HateCrimeFlagRemoved', { removedAt: '2024-05-06T10:00:00Z' }],
      ['police', 'HateCrimeFlagRecorded', { holds: 'not_hate_crime', recordedAt: '2024-05-06T10:00:00Z' }],
      ['cps', 'HateCrimeFlagRecorded', { holds: 'not_hate_crime', recordedAt: '2024-05-06T10:00:00Z' }],
      ['courts', 'HateCrimeFlagRecorded', { defendantId: suspectId, holds: 'not_hate_crime', recordedAt: '2024-05-06T10:00:00Z' }],
    ] as const)('refuses a typed reason in the latest %s %s, and upcasts version 1 to unclassified', (agency, type, data) => {
      const typed = `${NAME} told us it was a misunderstanding`;
      expect(reasonFor(latest(type, agency, { ...data, reason: typed }))).toContain('data/reason must be equal to one of the allowed values');
      const result = validateEnvelope(legacy(type, agency, { ...data, reason: typed }));
      expect(result.valid && (result.envelope.data as { reason: string }).reason).toBe('unclassified');
      expect(JSON.stringify(result.valid && result.envelope)).not.toContain(NAME);
    });

    it('keeps a version 1 reason that already is a code, and a record without a reason without one (a lost flag stays lost)', () => {
      const coded = validateEnvelope(legacy('HateCrimeFlagRemoved', 'police', { removedAt: '2024-05-06T10:00:00Z', reason: 'recorded_in_error' }));
      expect(coded.valid && coded.envelope.data).toMatchObject({ reason: 'recorded_in_error' });
      const lost = validateEnvelope(legacy('HateCrimeFlagRecorded', 'cps', { holds: 'not_hate_crime', recordedAt: '2024-05-06T10:00:00Z' }));
      expect(lost.valid && lost.envelope.data).toEqual({ caseId, holds: 'not_hate_crime', recordedAt: '2024-05-06T10:00:00Z' });
    });

    it('upcasts a version 2 sentence: the sentence text and the typed reason not applied become codes', () => {
      const uplift = { applied: false, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: [], reasonNotApplied: `${NAME} was provoked` };
      const v2 = latest('DefendantSentenced', 'courts', {
        defendantId: suspectId, sentencedAt: '2024-07-29T14:00:00Z', courtType: 'crown',
        offences: [{ offenceId: 'off-1', sentence: `fine, paid to ${NAME}`, uplift }, { offenceId: 'off-2', sentence: 'fine' }],
      });
      v2.schemaversion = 2;
      const result = validateEnvelope(v2);
      expect(result.valid && result.envelope.data).toMatchObject({
        offences: [
          { offenceId: 'off-1', sentenceType: 'unclassified', uplift: { applied: false, reasonNotApplied: 'unclassified' } },
          { offenceId: 'off-2', sentenceType: 'fine' },
        ],
      });
      expect(JSON.stringify(result.valid && result.envelope)).not.toContain(NAME);
    });

    it('refuses sentence text and a typed reason not applied in the latest DefendantSentenced', () => {
      const sentenced = (offence: Record<string, unknown>) =>
        latest('DefendantSentenced', 'courts', { defendantId: suspectId, sentencedAt: '2024-07-29T14:00:00Z', courtType: 'crown', offences: [offence] });
      expect(reasonFor(sentenced({ offenceId: 'off-1', sentenceType: 'fine', sentence: 'Fine of £200' }))).toContain("must NOT have additional properties 'sentence'");
      expect(reasonFor(sentenced({ offenceId: 'off-1', sentenceType: '£200 fine' }))).toContain('data/offences/0/sentenceType must be equal to one of the allowed values');
      const uplift = { applied: false, provision: 'SA2020_s66', statedInOpenCourt: true, strandsRecognised: [], reasonNotApplied: 'Not proved' };
      expect(reasonFor(sentenced({ offenceId: 'off-1', sentenceType: 'fine', uplift }))).toContain('data/offences/0/uplift/reasonNotApplied must be equal to one of the allowed values');
      expect(validateEnvelope(sentenced({ offenceId: 'off-1', sentenceType: 'fine', uplift: { ...uplift, reasonNotApplied: 'hostility_not_proved' } })).valid).toBe(true);
    });
  });
});
