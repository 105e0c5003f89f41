import { FORCES } from '@hc/contracts';
import { AgencyCase, type Agency } from './support/agency-case';
import {
  BOUNDARIES, DECLINED_UPLIFT, LOSSES, RECORDED_AT, SCENARIOS, STAGES, UNFLAGGED_FORCE, YEAR,
  type BoundaryResult, type ExpectedWarning, type Scenario, type Stage,
} from './support/flag-audit-scenarios';
import { pollUntil, startPipeline, type Pipeline } from './support/pipeline';

/**
 * Every finding the flag audit can raise, at every boundary it can raise it, produced through the
 * agencies' public HTTP APIs (police, CPS, courts) on the real broker and database: the agency's
 * answer warns of the finding where the command should not have happened, the audit lists it at
 * the event where it shows, the inspectors' timeline marks it there, and the statistics of the
 * case's force (one case per force) count the boundary and the stages the case reached.
 */
jest.setTimeout(120_000);

const areaOf = (force: string) => FORCES.get(force)!.cpsArea;

function retentionRow(result: BoundaryResult | undefined) {
  const upstream = result !== undefined && result !== 'first_applied_downstream' ? 1 : 0;
  const kept = result === 'kept' || result === 'strands_changed' ? 1 : 0;
  return {
    flagged_upstream: upstream,
    kept,
    kept_pct: upstream ? 100 * kept : null,
    strands_changed: result === 'strands_changed' ? 1 : 0,
    removed_with_reason: result === 'removed_with_reason' ? 1 : 0,
    lost: result === 'lost' ? 1 : 0,
    first_applied_downstream: result === 'first_applied_downstream' ? 1 : 0,
  };
}

/** The funnel of one hate crime with one defendant at `stage` (no case at all: undefined). */
function funnelRow(stage: Stage | undefined) {
  const reached = stage === undefined ? -1 : STAGES.indexOf(stage);
  return Object.fromEntries(STAGES.map((name, index) => [name, reached >= index ? 1 : 0]));
}

function ratesRow(stage: Stage | undefined, decision: Scenario['decision']) {
  const reached = stage === undefined ? -1 : STAGES.indexOf(stage);
  const decisions = decision ? 1 : 0;
  const charges = decision === 'charge' ? 1 : 0;
  // Every conviction here is on a guilty plea, which completes the prosecution.
  const convictions = reached >= STAGES.indexOf('convicted') ? 1 : 0;
  const uplifts = reached >= STAGES.indexOf('uplift_announced') ? 1 : 0;
  const pct = (numerator: number, denominator: number) => (denominator === 0 ? null : (100 * numerator) / denominator);
  return {
    pre_charge_decisions: decisions, charges, charge_rate_pct: pct(charges, decisions),
    completed_prosecutions: convictions, convictions, conviction_rate_pct: pct(convictions, convictions),
    guilty_pleas: convictions, guilty_plea_rate_pct: pct(convictions, convictions),
    hate_crime_convictions: convictions, uplifts_announced: uplifts, uplift_rate_pct: pct(uplifts, convictions),
    police_outcomes_assigned: 0, police_charges: 0, police_charge_rate_pct: null,
  };
}

describe('the flag audit, every finding at every boundary, through the agencies\' APIs', () => {
  let pipeline: Pipeline;
  const driven = new Map<string, { readonly c: AgencyCase; readonly error?: unknown }>();
  let unflagged: AgencyCase;
  let eventsSent = 0;

  const slice = (force: string) => ({ force, year: YEAR, strand: 'all', cpsArea: areaOf(force) });
  const auditRows = async (force: string) => (await pipeline.projection.get('/flag-audit').query(slice(force)).expect(200)).body as any[];
  const oneRow = async (path: string, force: string) => {
    const rows = (await pipeline.projection.get(path).query({ ...slice(force), courtType: 'all' }).expect(200)).body as any[];
    expect(rows).toHaveLength(1);
    return rows[0];
  };
  const drivenCase = (scenario: Scenario) => {
    const result = driven.get(scenario.force)!;
    if (result.error) throw result.error;
    return result.c;
  };

  /** Until the projection holds every event the agencies recorded, and its statistics take them all in. */
  const projectionCaughtUp = () =>
    pollUntil(`the projection to hold and count ${eventsSent} events`, async () => {
      const status = (await pipeline.projection.get('/projection/status').expect(200)).body;
      return status.events === eventsSent && status.statistics.throughEvents >= eventsSent ? status : undefined;
    }, { timeoutMs: 60_000, intervalMs: 100 });

  beforeAll(async () => {
    pipeline = await startPipeline();
    const settled = await Promise.allSettled(
      SCENARIOS.map(async (scenario) => {
        const c = new AgencyCase(pipeline, scenario.force, RECORDED_AT);
        driven.set(scenario.force, { c });
        try {
          await scenario.drive(c);
        } catch (error) {
          driven.set(scenario.force, { c, error });
        }
      }).concat(
        (async () => {
          unflagged = new AgencyCase(pipeline, UNFLAGGED_FORCE, RECORDED_AT);
          await unflagged.record(); await unflagged.identifySuspect(); await unflagged.refer(); await unflagged.decide('no_further_action_evidential');
        })(),
      ),
    );
    const counts = await Promise.all([...[...driven.values()].map(({ c }) => c), unflagged].map((c) => c?.eventCount() ?? 0));
    eventsSent = counts.reduce((sum, count) => sum + count, 0);
    await projectionCaughtUp();
    const failed = settled.filter((outcome) => outcome.status === 'rejected');
    if (failed.length > 0) throw (failed[0] as PromiseRejectedResult).reason;
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  describe.each(SCENARIOS.map((scenario) => [scenario.title, scenario] as const))('%s', (_title, scenario) => {
    /** The findings as the audit should list them, with the ids of the events where they show. */
    const expectedFindings = async (c: AgencyCase) =>
      Promise.all(scenario.findings.map(async (finding) => ({ ...finding, eventId: (await c.eventOf(finding.at)).id })));
    const key = (row: { boundary: string; finding: string }) => `${row.boundary}|${row.finding}`;

    it('answers each command with the warning the finding calls for, and every other with none', () => {
      const c = drivenCase(scenario);
      const answered = c.answers.map((answer) => ({ step: answer.step, warnings: answer.body.warnings }));
      expect(answered).toEqual(c.answers.map((answer) => ({
        step: answer.step,
        warnings: (scenario.warnings?.[answer.step] ?? []).map((warning) => ({ ...warning, message: expect.any(String), remedy: expect.any(String) })),
      })));
      // Each command recorded what happened, and answered the version of the stream it reached.
      expect(c.answers.map((answer) => ({ step: answer.step, caseId: answer.body.caseId, events: answer.body.events, version: typeof answer.body.version })))
        .toEqual(c.answers.map((answer) => ({ step: answer.step, caseId: c.caseId, events: answer.expectedEvents, version: 'number' })));
    });

    it('names, in every remedy, an endpoint the agency serves', async () => {
      const c = drivenCase(scenario);
      const named = c.answers.flatMap((answer) =>
        answer.body.warnings.flatMap((warning: { code: string; remedy: string }) =>
          [...warning.remedy.matchAll(/\b(GET|POST|PUT|DELETE) (\/cases\/[^\s,;)]*)/g)].map(([, method, path]) => ({ agency: answer.agency, code: warning.code, method: method!, path: path! }))));
      const served = async (agency: Agency) => (await pipeline[agency].get('/openapi.json').expect(200)).body.paths as Record<string, Record<string, unknown>>;
      const missing = [];
      for (const endpoint of named) {
        if (!(await served(endpoint.agency))[endpoint.path]?.[endpoint.method.toLowerCase()]) missing.push(endpoint);
      }
      expect(missing).toEqual([]);
    });

    it('lists the finding in the flag audit, at the event where it shows', async () => {
      const c = drivenCase(scenario);
      const rows = await auditRows(scenario.force);
      const expected = await expectedFindings(c);
      expect([...rows].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
        [...expected].sort((a, b) => key(a).localeCompare(key(b))).map((finding) => ({
          case_id: c.caseId,
          defendant_id: finding.ofDefendant ? c.defendantId : null,
          urn: c.urn,
          force_code: scenario.force,
          force_name: FORCES.get(scenario.force)!.name,
          cps_area: areaOf(scenario.force),
          financial_year: YEAR,
          strands: scenario.strands ?? ['race'],
          court_type: STAGES.indexOf(scenario.stage) >= STAGES.indexOf('charged') ? 'magistrates' : 'none',
          boundary: finding.boundary,
          finding: finding.finding,
          upstream_flagged: finding.upstream.flagged,
          upstream_strands: finding.upstream.strands,
          downstream_flagged: finding.downstream.flagged,
          downstream_strands: finding.downstream.strands,
          reason: finding.reason ?? null,
          event_id: finding.eventId,
          detected_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
          detail: expect.any(String),
        })),
      );
      // Every warning that named a finding names one the audit now shows.
      const warned = c.answers.flatMap((answer) => answer.body.warnings).filter((warning: ExpectedWarning) => warning.finding !== null);
      for (const warning of warned) expect(rows.map(key)).toContain(key(warning as { boundary: string; finding: string }));
    });

    it('marks the finding on the case timeline, with flagLost exactly where the flag was lost', async () => {
      const c = drivenCase(scenario);
      const timeline = (await pipeline.projection.get(`/cases/${c.caseId}/timeline`).expect(200)).body;
      expect(timeline.events).toHaveLength(await c.eventCount());
      const expected = await expectedFindings(c);
      const describeFinding = (finding: { boundary: string; finding: string; defendant_id: string | null }) =>
        `${finding.boundary}|${finding.finding}|${finding.defendant_id ?? '-'}`;
      const marked = timeline.events
        .filter((entry: { findings: unknown[] }) => entry.findings.length > 0)
        .flatMap((entry: { eventId: string; findings: Array<{ boundary: string; finding: string; defendant_id: string | null }> }) =>
          entry.findings.map((finding) => `${entry.eventId}|${describeFinding(finding)}`));
      expect(marked.sort()).toEqual(
        expected.map((finding) => `${finding.eventId}|${describeFinding({ ...finding, defendant_id: finding.ofDefendant ? c.defendantId : null })}`).sort(),
      );
      const lostAt = timeline.events.filter((entry: { flagLost: boolean }) => entry.flagLost).map((entry: { eventId: string }) => entry.eventId);
      expect(lostAt).toEqual([...new Set(expected.filter((finding) => LOSSES.has(finding.finding)).map((finding) => finding.eventId))]);
    });

    it('counts what became of the flag at each boundary in the flag retention of its force', async () => {
      drivenCase(scenario);
      const rows = (await pipeline.projection.get('/statistics/flag-retention').query(slice(scenario.force)).expect(200)).body;
      expect(rows).toEqual(BOUNDARIES.map((boundary) => expect.objectContaining({
        boundary, financial_year: YEAR, strand: 'all', force_code: scenario.force, cps_area: areaOf(scenario.force), ...retentionRow(scenario.crossings[boundary]),
      })));
    });

    it('counts the case, a hate crime, in the funnel and the outcome rates of its force', async () => {
      drivenCase(scenario);
      expect(await oneRow('/statistics/attrition-funnel', scenario.force)).toMatchObject(funnelRow(scenario.stage));
      expect(await oneRow('/statistics/outcome-rates', scenario.force)).toMatchObject(ratesRow(scenario.stage, scenario.decision));
    });
  });

  it('gives every scenario a force of its own, so its force\'s statistics hold that case alone', () => {
    const forces = [...SCENARIOS.map((scenario) => scenario.force), UNFLAGGED_FORCE];
    expect(new Set(forces).size).toBe(forces.length);
    expect(forces.filter((force) => !FORCES.has(force))).toEqual([]);
  });

  describe('the population', () => {
    it('counts a case whose flag was lost as a hate crime', async () => {
      const dropped = drivenCase(SCENARIOS.find((scenario) => scenario.force === '04')!);
      const journey = (await pipeline.projection.get(`/cases/${dropped.caseId}/journey`).expect(200)).body;
      expect(journey.defendants).toEqual([expect.objectContaining({ hate_crime: true, strands: ['race'], police_flagged: false, police_to_cps: 'lost' })]);
      expect(await oneRow('/statistics/attrition-funnel', '04')).toMatchObject({ recorded: 1, referred_to_cps: 1 });
    });

    it('leaves out a case no agency flagged', async () => {
      const journey = (await pipeline.projection.get(`/cases/${unflagged.caseId}/journey`).expect(200)).body;
      expect(journey.defendants).toEqual([expect.objectContaining({ hate_crime: false, police_to_cps: null, stage_reached: 'referred_to_cps' })]);
      expect(await auditRows(UNFLAGGED_FORCE)).toEqual([]);
      expect(await oneRow('/statistics/attrition-funnel', UNFLAGGED_FORCE)).toMatchObject(funnelRow(undefined));
      expect(await oneRow('/statistics/outcome-rates', UNFLAGGED_FORCE)).toMatchObject(ratesRow(undefined, undefined));
      const retention = (await pipeline.projection.get('/statistics/flag-retention').query(slice(UNFLAGGED_FORCE)).expect(200)).body;
      expect(retention).toEqual(BOUNDARIES.map((boundary) => expect.objectContaining({ boundary, ...retentionRow(undefined) })));
    });
  });

  it('clears victim_not_told_of_uplift once the victim is told of the declined uplift', async () => {
    const c = drivenCase(DECLINED_UPLIFT);
    const answer = await c.informVictim(true, 'victim told of the uplift decision');
    expect(answer.body).toMatchObject({ events: ['VictimInformedOfOutcome'], warnings: [] });
    eventsSent += 1;
    await projectionCaughtUp();
    expect(await auditRows(DECLINED_UPLIFT.force)).toEqual([]);
    const timeline = (await pipeline.projection.get(`/cases/${c.caseId}/timeline`).expect(200)).body;
    expect(timeline.findings).toEqual([]);
    expect(timeline.events.filter((entry: { findings: unknown[]; flagLost: boolean }) => entry.findings.length > 0 || entry.flagLost)).toEqual([]);
    expect(timeline.events.map((entry: { eventId: string }) => entry.eventId)).toContain((await c.eventOf('victim told of the uplift decision')).id);
    // Telling the victim changes nothing the boundary counts: the uplift was decided.
    const retention = (await pipeline.projection.get('/statistics/flag-retention').query({ ...slice(DECLINED_UPLIFT.force), boundary: 'conviction_to_sentence' }).expect(200)).body;
    expect(retention).toEqual([expect.objectContaining(retentionRow('kept'))]);
  });
});
