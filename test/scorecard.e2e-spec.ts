/**
 * @api-auth required
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { issueApiKey } from '@hc/service-kit';
import { generateDataset } from '../infra/scripts/generator';
import { createProjectionApp } from '../services/projection/src/main';
import { EVIDENCE, RELATIONSHIPS } from '../services/projection/src/scorecard/relationships';
import { publishOntoTopics, untilProjected } from './support/projection-feed';

/**
 * The relationship scorecard on the projection: each evidence figure is the count the case
 * journeys hold, the action score and colour follow the documented thresholds, and framework
 * scores are versioned and never overwritten.
 */
jest.setTimeout(180_000);

const dataset = generateDataset({ seed: 5, cases: 300 });
const events = dataset.cases.flatMap((item) => item.events.map((event) => event.envelope));

describe('the relationship scorecard', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let database: DataSource;
  const keys: Record<'analyst' | 'inspector', string> = { analyst: '', inspector: '' };

  beforeAll(async () => {
    app = await createProjectionApp();
    http = request(app.getHttpServer());
    database = app.get(DataSource);
    keys.analyst = (await issueApiKey(database, 'projection', { principal: 'Scorecard analyst', role: 'analyst' })).apiKey;
    keys.inspector = (await issueApiKey(database, 'projection', { principal: 'HMICFRS inspector', role: 'inspector' })).apiKey;
    await publishOntoTopics(events);
    await untilProjected(events.length, async () => (await http.get('/projection/status').set('Authorization', `Bearer ${keys.analyst}`)).body);
  });

  afterAll(async () => {
    await app?.close();
  });

  const as = (role: 'analyst' | 'inspector') => ({
    get: (path: string) => http.get(path).set('Authorization', `Bearer ${keys[role]}`),
    post: (path: string, body: object) => http.post(path).set('Authorization', `Bearer ${keys[role]}`).send(body),
  });

  it('gives every evidence figure as the case journeys count it, with the action score its thresholds give', async () => {
    const { body } = await as('analyst').get('/scorecard').expect(200);
    expect(body.relationships.map((entry: { relationship: string }) => entry.relationship)).toEqual([...RELATIONSHIPS]);
    for (const entry of body.relationships) {
      for (const figure of entry.evidence) {
        const definition = EVIDENCE[entry.relationship as (typeof RELATIONSHIPS)[number]].evidence.find((item) => item.key === figure.key)!;
        // Counted again here, one figure at a time, from the rows themselves (the service counts them all in one scan).
        const [{ of }] = await database.query(`SELECT count(*)::int AS of FROM inspection.case_journey j WHERE j.hate_crime AND ${definition.of}`);
        const [{ showing }] = await database.query(`SELECT count(*)::int AS showing FROM inspection.case_journey j WHERE j.hate_crime AND ${definition.of} AND ${definition.showing}`);
        expect({ key: figure.key, numerator: figure.numerator, denominator: figure.denominator }).toEqual({ key: figure.key, numerator: showing, denominator: of });
        expect(figure.pct).toBe(of === 0 ? null : Math.round((1000 * showing) / of) / 10);
      }
      const shares = entry.evidence.map((figure: { pct: number | null }) => figure.pct).filter((pct: number | null) => pct !== null);
      const mean = shares.reduce((sum: number, pct: number) => sum + pct, 0) / shares.length;
      expect({ relationship: entry.relationship, action: entry.actionScore }).toEqual({
        relationship: entry.relationship,
        action: shares.length === 0 ? null : mean >= 90 ? 3 : mean >= 75 ? 2 : mean >= 50 ? 1 : 0,
      });
      expect(entry).toMatchObject({ framework: null, total: null, colour: null }); // no framework score entered yet
    }
    // The generated year has losses and late victims: not every figure is 100%.
    const shares = body.relationships.flatMap((entry: { evidence: Array<{ denominator: number; pct: number }> }) => entry.evidence.filter((figure) => figure.denominator > 0));
    expect(shares.length).toBeGreaterThan(6);
    expect(shares.some((figure: { pct: number }) => figure.pct < 100)).toBe(true);
  });

  it('opens the cases behind each evidence figure for an inspector: the denominator, the numerator and the rest', async () => {
    const { body } = await as('inspector').get('/scorecard').expect(200);
    for (const entry of body.relationships) {
      for (const figure of entry.evidence) {
        const path = `/scorecard/${entry.relationship}/evidence/${figure.key}/cases?limit=100000`;
        const of = (await as('inspector').get(path).expect(200)).body;
        const showing = (await as('inspector').get(`${path}&showing=true`).expect(200)).body;
        const not = (await as('inspector').get(`${path}&showing=false`).expect(200)).body;
        expect({ key: figure.key, of: [of.count, of.rows.length], showing: [showing.count, showing.rows.length], not: not.count }).toEqual({
          key: figure.key,
          of: [figure.denominator, figure.denominator],
          showing: [figure.numerator, figure.numerator],
          not: figure.denominator - figure.numerator,
        });
      }
    }
    await as('analyst').get('/scorecard/police_cps/evidence/flag_kept_at_referral/cases').expect(403);
    await as('inspector').get('/scorecard/police_cps/evidence/no_such_figure/cases').expect(404);
    const [logged] = await database.query(`SELECT count(*)::int AS n FROM projection.access_log WHERE action LIKE 'read-cases-behind scorecard.%'`);
    expect(logged.n).toBeGreaterThanOrEqual(27);
  });

  it('counts a year alone when asked', async () => {
    const { body } = await as('analyst').get('/scorecard?year=2018/19').expect(200);
    const definition = EVIDENCE.police_victim.evidence[0]!;
    const [{ of, all }] = await database.query(
      `SELECT count(*) FILTER (WHERE j.financial_year = '2018/19')::int AS of, count(*)::int AS all FROM inspection.case_journey j WHERE j.hate_crime AND ${definition.of}`,
    );
    const enhanced = body.relationships.find((entry: { relationship: string }) => entry.relationship === 'police_victim').evidence[0];
    expect({ year: body.year, denominator: enhanced.denominator }).toEqual({ year: '2018/19', denominator: of });
    expect(of).toBeGreaterThan(0);
    expect(of).toBeLessThanOrEqual(all);
    await as('analyst').get('/scorecard?year=2018').expect(400);
  });

  it('keeps every framework score: a new one is the next version, the latest is in force, and the colour follows', async () => {
    const before = (await as('analyst').get('/scorecard').expect(200)).body.relationships.find((entry: { relationship: string }) => entry.relationship === 'police_cps');
    const first = (await as('inspector').post('/scorecard/police_cps/framework-scores', { score: 1, reason: 'Flagging guidance exists; no joint protocol on passing victims\' needs' }).expect(201)).body;
    expect(first).toMatchObject({ relationship: 'police_cps', version: 1, score: 1, enteredBy: expect.stringContaining('HMICFRS inspector') });
    const second = (await as('inspector').post('/scorecard/police_cps/framework-scores', { score: 3, reason: 'Joint CPS-NPCC hate crime protocol agreed' }).expect(201)).body;
    expect(second).toMatchObject({ version: 2, score: 3 });

    const history = (await as('analyst').get('/scorecard/police_cps/framework-scores').expect(200)).body;
    expect(history.map((score: { version: number; score: number }) => [score.version, score.score])).toEqual([[1, 1], [2, 3]]);
    const after = (await as('analyst').get('/scorecard').expect(200)).body.relationships.find((entry: { relationship: string }) => entry.relationship === 'police_cps');
    expect(after.framework).toMatchObject({ version: 2, score: 3 });
    const total = before.actionScore + 3;
    expect(after).toMatchObject({ total, colour: total >= 5 ? 'green' : total >= 3 ? 'amber' : 'red' });

    // Never overwritten, not even by the projection's own connection.
    await expect(database.query(`UPDATE projection.scorecard_framework_scores SET score = 0`)).rejects.toThrow(/never changed or deleted/);
    await expect(database.query(`DELETE FROM projection.scorecard_framework_scores`)).rejects.toThrow(/never changed or deleted/);
    await expect(database.query(`TRUNCATE projection.scorecard_framework_scores`)).rejects.toThrow(/never deleted/);
  });

  it('takes framework scores from inspectors only, valid ones only, naming what is wrong', async () => {
    await as('analyst').post('/scorecard/cps_courts/framework-scores', { score: 2, reason: 'x' }).expect(403);
    const invalid = await as('inspector').post('/scorecard/cps_courts/framework-scores', { score: 4, reason: '  ' }).expect(400);
    expect(invalid.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['reason', 'score']);
    await as('inspector').post('/scorecard/police_cps_courts/framework-scores', { score: 2, reason: 'x' }).expect(400);
    const concurrent = await Promise.all(
      Array.from({ length: 6 }, (_, i) => as('inspector').post('/scorecard/courts_victim/framework-scores', { score: i % 4, reason: `review ${i}` })),
    );
    expect(concurrent.map((response) => response.status)).toEqual(Array(6).fill(201));
    expect(concurrent.map((response) => response.body.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
