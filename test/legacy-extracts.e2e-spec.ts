import { randomUUID } from 'node:crypto';
import { policeCaseId } from '../services/police/src/cases/case-id';
import { pollUntil, startPipeline, type Pipeline } from './support/pipeline';

/**
 * Nightly extracts as the agencies' legacy systems send them: one CaseSnapshot line per case, the
 * case as the agency's system holds it tonight. Each agency records as events what differs from
 * what it holds, and nothing when nothing changed, so an extract sent twice is harmless; the
 * losses the systems hold (a CPS record without the flag, a sentence without an uplift decision)
 * are recorded with warnings and reach the flag audit.
 */
jest.setTimeout(180_000);

const RACE = { strands: ['race'], perceivedBy: ['victim'] };
const ASSAULT = { offenceId: 'o1', code: '105A' };

describe('legacy extracts: snapshot lines at the bulk endpoints', () => {
  let pipeline: Pipeline;
  const crimeReference = `NIGHTLY/${randomUUID()}`;
  const caseId = policeCaseId('04', crimeReference);
  const suspectId = randomUUID();
  const victimId = randomUUID();

  const extract = (agency: 'police' | 'cps' | 'courts', ...lines: object[]) =>
    pipeline[agency]
      .post('/cases/bulk')
      .set('Content-Type', 'application/x-ndjson')
      .send(lines.map((line) => JSON.stringify(line)).join('\n'))
      .expect(200)
      .then((response) => response.body);
  const eventsOf = async (agency: 'police' | 'cps' | 'courts') => (await pipeline[agency].get(`/cases/${caseId}`).expect(200)).body.events as Array<{ type: string }>;

  const policeLine = (overrides: object = {}) => ({
    command: 'CaseSnapshot',
    body: {
      crimeReference, forceCode: '04', recordedAt: '2024-05-01T10:00:00Z', offences: [ASSAULT],
      flag: { holds: 'flagged', hateCrime: RACE },
      suspects: [{ suspectId, identifiedAt: '2024-05-02T10:00:00Z' }],
      victims: [{ victimId, assessedAt: '2024-05-02T11:00:00Z', riskLevel: 'high', needs: ['safeguarding'], enhancedService: true, specialMeasuresWanted: [] }],
      referral: { urn: '04/KD/77123/24', referredAt: '2024-05-20T10:00:00Z', victimNeedsPassedOn: true },
      takenAt: '2024-05-21T02:00:00Z',
      ...overrides,
    },
  });
  const cpsLine = (flag: object, decision?: object) => ({
    command: 'CaseSnapshot',
    params: { caseId },
    body: { flag, defendants: [{ defendantId: suspectId, ...(decision ? { decision } : {}) }], takenAt: '2024-06-02T02:00:00Z' },
  });

  beforeAll(async () => {
    pipeline = await startPipeline();
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('records a new case from the police snapshot, and nothing when the same extract is sent again', async () => {
    const first = await extract('police', policeLine());
    expect(first.results[0]).toMatchObject({
      outcome: 'accepted',
      status: 201,
      response: { caseId, version: 4, events: ['CrimeRecorded', 'SuspectIdentified', 'VictimNeedsAssessed', 'CaseReferredToCps'], warnings: [] },
    });
    const again = await extract('police', policeLine());
    expect(again.results[0].response).toEqual({ caseId, version: 4, events: [], warnings: [] });
    expect((await eventsOf('police')).length).toBe(4);
  });

  it('records exactly one event for a snapshot that changes one fact', async () => {
    const changed = await extract('police', policeLine({ outcome: { outcomeCode: 1, assignedAt: '2024-06-10T10:00:00Z' } }));
    expect(changed.results[0].response).toEqual({ caseId, version: 5, events: ['PoliceOutcomeAssigned'], warnings: [] });
    expect((await eventsOf('police')).map((event) => event.type.split('.').pop())).toEqual([
      'CrimeRecorded', 'SuspectIdentified', 'VictimNeedsAssessed', 'CaseReferredToCps', 'PoliceOutcomeAssigned',
    ]);
  });

  it('records the CPS case management record without the flag and the charge it made, warning of the loss, once', async () => {
    await pollUntil('the CPS to open the case from the referral', async () => ((await pipeline.cps.get(`/cases/${caseId}`)).status === 200 ? true : undefined));
    const charge = { decision: 'charge', decidedAt: '2024-06-01T10:00:00Z', charges: [ASSAULT] };
    const first = await extract('cps', cpsLine({ holds: 'no_flag' }, charge));
    expect(first.results[0].response).toMatchObject({ caseId, version: 3, events: ['HateCrimeFlagRecorded', 'PreChargeDecisionMade'] });
    expect(first.results[0].response.warnings.map((warning: { code: string; finding: string }) => [warning.code, warning.finding])).toEqual([
      ['flag_not_held', 'lost'],
      ['charged_without_flag', 'lost'],
    ]);
    const again = await extract('cps', cpsLine({ holds: 'no_flag' }, charge));
    expect(again.results[0].response).toEqual({ caseId, version: 3, events: [], warnings: [] });
    const decision = (await eventsOf('cps')).at(-1) as unknown as { data: Record<string, unknown> };
    expect(decision.data).not.toHaveProperty('hateCrime');
  });

  it('refuses a line that contradicts what the agency holds, recording nothing of it, and runs the next line', async () => {
    const refused = await extract(
      'cps',
      cpsLine({ holds: 'flagged', hateCrime: RACE }, { decision: 'no_further_action_evidential', decidedAt: '2024-06-03T10:00:00Z', charges: [] }),
      { command: 'CaseSnapshot', params: { caseId: randomUUID() }, body: { flag: { holds: 'no_flag' } } },
    );
    expect(refused.results.map((result: { status: number; code: string }) => [result.status, result.code])).toEqual([
      [409, 'decision_already_made'],
      [404, 'no_referral'],
    ]);
    expect((await eventsOf('cps')).length).toBe(3);
  });

  it("records the court system's snapshot, its flag and a sentence without uplift decision, and the flag audit finds each finding", async () => {
    await pollUntil('the court to open the case from the charge', async () => ((await pipeline.courts.get(`/cases/${caseId}`)).status === 200 ? true : undefined));
    const courtLine = {
      command: 'CaseSnapshot',
      params: { caseId },
      body: {
        defendants: [{
          defendantId: suspectId,
          flag: { holds: 'flagged', hateCrime: RACE },
          listing: { courtCode: 'B04LY00', hearingDate: '2024-06-17' },
          conviction: { basis: 'guilty_plea', courtType: 'magistrates', convictedAt: '2024-06-17T11:00:00Z' },
          sentence: { courtType: 'magistrates', sentencedAt: '2024-07-01T11:00:00Z', offences: [{ offenceId: 'o1', sentenceType: 'community_order' }] },
        }],
        takenAt: '2024-07-02T02:00:00Z',
      },
    };
    const first = await extract('courts', courtLine);
    // The court's system holds the flag the CPS charged without, so the sentence needs its uplift decision.
    expect(first.results[0].response).toMatchObject({
      caseId, version: 5, events: ['HateCrimeFlagRecorded', 'CaseListed', 'DefendantConvicted', 'DefendantSentenced'],
    });
    expect(first.results[0].response.warnings.map((warning: { code: string }) => warning.code)).toEqual(['no_uplift_decision']);
    expect((await extract('courts', courtLine)).results[0].response).toEqual({ caseId, version: 5, events: [], warnings: [] });

    const findings = await pollUntil('the projection to audit the case', async () => {
      const audit = await pipeline.projection.get(`/flag-audit?limit=100`).expect(200);
      const rows = (audit.body as Array<{ case_id: string; boundary: string; finding: string }>).filter((row) => row.case_id === caseId);
      return rows.length === 3 ? rows : undefined;
    });
    expect(findings.map((row) => `${row.boundary}:${row.finding}`).sort()).toEqual([
      'conviction_to_sentence:no_uplift_decision',
      'cps_to_court:first_applied_downstream',
      'police_to_cps:lost',
    ]);
  });
});
