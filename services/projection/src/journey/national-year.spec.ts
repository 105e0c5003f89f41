import { validateEnvelope, type HateCrimeStrand } from '@hc/contracts';
import { generateCases, generateDataset, PUBLISHED, type ExpectedFinding } from '../../../../infra/scripts/generator';
import { buildCaseJourney, type JourneyRow } from './case-journey';

/**
 * The synthetic generator against the published figures and against the flag audit: every event
 * is a valid envelope, the statistics of a generated year match the calibration within sampling
 * error, and the audit finds exactly the findings seeded (the truth kept aside), nothing else.
 */
const key = (finding: Pick<ExpectedFinding, 'caseId' | 'defendantId' | 'boundary' | 'finding'>) =>
  `${finding.caseId}|${finding.defendantId ?? '-'}|${finding.boundary}|${finding.finding}`;

describe('synthetic national year', () => {
  const sample = generateDataset({ seed: 7, cases: 30_000 });
  const journeys = sample.cases.map((generated) => buildCaseJourney(generated.caseId, generated.events.map((event) => event.envelope)));
  const rows: JourneyRow[] = journeys.flatMap((journey) => journey.rows);
  const hate = rows.filter((row) => row.hate_crime);
  const share = (numerator: number, denominator: number) => numerator / denominator;

  it('is the same for the same seed and different for another', () => {
    const again = [...generateCases({ seed: 7, cases: 50 })];
    expect(again.map((generated) => generated.events)).toEqual(sample.cases.slice(0, 50).map((generated) => generated.events));
    const other = [...generateCases({ seed: 8, cases: 50 })];
    expect(other[0]!.caseId).not.toBe(sample.cases[0]!.caseId);
  });

  it('publishes only envelopes every consumer accepts, each on the topic of its agency', () => {
    for (const { agency, envelope } of sample.events) {
      const verdict = validateEnvelope(JSON.stringify(envelope));
      if (!verdict.valid) throw new Error(`${envelope.type}: ${verdict.reason}`);
      expect(envelope.type.split('.')[4]).toBe(agency);
    }
  });

  it('has about four to five events per recorded crime, as a national year of 100,000-150,000 crimes needs', () => {
    const perCase = sample.events.length / sample.cases.length;
    expect(perCase).toBeGreaterThan(3);
    expect(perCase).toBeLessThan(6);
  });

  it('matches the 2018/19 strand mix with about 12% of crimes multi-strand', () => {
    const policeFlagged = rows.filter((row) => row.first_row && row.police_flagged);
    const total = Object.values(PUBLISHED.strandCounts).reduce((a, b) => a + b, 0);
    const mentions = policeFlagged.reduce((sum, row) => sum + row.police_strands.length, 0);
    for (const [strand, count] of Object.entries(PUBLISHED.strandCounts)) {
      const generated = policeFlagged.filter((row) => row.police_strands.includes(strand as HateCrimeStrand)).length;
      expect(Math.abs(share(generated, mentions) - count / total)).toBeLessThan(0.01);
    }
    const multi = share(policeFlagged.filter((row) => row.police_strands.length > 1).length, policeFlagged.length);
    expect(Math.abs(multi - PUBLISHED.multiStrandShare)).toBeLessThan(0.015);
  });

  it('matches the police charge share and the CPS charge, conviction, guilty plea and uplift rates', () => {
    const cases = hate.filter((row) => row.first_row && row.police_outcome_code !== null);
    const policeChargeShare = share(cases.filter((row) => row.police_outcome_code === 1).length, cases.length);
    const decided = hate.filter((row) => row.pre_charge_decision !== null);
    const chargeRate = share(decided.filter((row) => row.pre_charge_decision === 'charge').length, decided.length);
    const completed = hate.filter((row) => row.prosecution_outcome !== null);
    const convictions = completed.filter((row) => ['guilty_plea', 'conviction_after_trial', 'proof_in_absence'].includes(row.prosecution_outcome!));
    const convictionRate = share(convictions.length, completed.length);
    const guiltyPleaRate = share(completed.filter((row) => row.prosecution_outcome === 'guilty_plea').length, completed.length);
    const upliftRate = share(convictions.filter((row) => row.uplift_announced).length, convictions.length);
    // three standard errors of a proportion on these sample sizes
    const within = (value: number, target: number, n: number) => expect(Math.abs(value - target)).toBeLessThan(3 * Math.sqrt((target * (1 - target)) / n) + 0.005);
    within(policeChargeShare, PUBLISHED.policeChargeShare, cases.length);
    within(chargeRate, PUBLISHED.cpsChargeRate, decided.length);
    within(convictionRate, PUBLISHED.cpsConvictionRate, completed.length);
    within(guiltyPleaRate, PUBLISHED.cpsGuiltyPleaRate, completed.length);
    within(upliftRate, PUBLISHED.cpsUpliftRate, convictions.length);
  });

  it('seeds flag losses at every boundary, and the audit finds every seeded finding and nothing else', () => {
    const found = journeys.flatMap((journey) => journey.findings).map((finding) =>
      key({ caseId: finding.case_id, defendantId: finding.defendant_id, boundary: finding.boundary, finding: finding.finding }),
    );
    const seeded = sample.expected.map(key);
    const losses = (boundary: string, finding: string) => sample.expected.filter((item) => item.boundary === boundary && item.finding === finding).length;
    expect(losses('police_to_cps', 'lost')).toBeGreaterThan(50);
    expect(losses('cps_to_court', 'lost')).toBeGreaterThan(50);
    expect(losses('conviction_to_sentence', 'no_uplift_decision')).toBeGreaterThan(50);
    for (const finding of ['strands_changed', 'removed_with_reason', 'first_applied_downstream', 'victim_needs_not_passed_on', 'victim_not_told_of_uplift']) {
      expect(sample.expected.some((item) => item.finding === finding)).toBe(true);
    }
    expect([...found].sort()).toEqual([...seeded].sort());
  });
});
