import { isDeepStrictEqual } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DataSource, type QueryRunner } from 'typeorm';
import { environment } from '@hc/config';
import { FORCES, HATE_CRIME_STRANDS } from '@hc/contracts';
import { generateDataset, type ExpectedFinding } from '../infra/scripts/generator';
import { publicTable } from '../services/projection/src/disclosure/public-release';
import { additiveGroups, type Row } from '../services/projection/src/disclosure/public-table';
import { createProjectionApp } from '../services/projection/src/main';
import { ReadModelV21763770000002 } from '../services/projection/src/migrations/1763770000002-read-model-v2';
import {
  ATTRITION_FUNNEL, FLAG_RETENTION, OUTCOME_RATES, PUBLIC_TABLES, TIMELINESS, numericColumns, type StatisticsTable,
} from '../services/projection/src/statistics/statistics-tables';
import { recoverWithheld } from './support/differencing';
import { publishOntoTopics, untilProjected } from './support/projection-feed';
import { CaseBuilder, RACE } from '../services/projection/src/journey/testing/case-builder';

/**
 * The projection service alone, fed generated events straight onto its topics: the flag audit
 * finds exactly the losses (and other findings) the generator seeded, and the statistics answer
 * over SQL and HTTP, filtered, as CSV, and for publication with disclosure control.
 */
jest.setTimeout(180_000);

/** The disclosure threshold the service runs with (DISCLOSURE_THRESHOLD, default 10). */
const THRESHOLD = environment().DISCLOSURE_THRESHOLD;

/** A force with no case at all: the generated cases of the City of London, if any, are left out. */
const ABSENT_FORCE = FORCES.get('48')!;
const generated = generateDataset({ seed: 11, cases: 900 });
const leftOut = new Set(
  generated.cases
    .filter((item) => item.events.some((event) => (event.envelope.data as { forceCode?: string }).forceCode === ABSENT_FORCE.code))
    .map((item) => item.caseId),
);
const cases = generated.cases.filter((item) => !leftOut.has(item.caseId));
const dataset = { cases, events: cases.flatMap((item) => item.events), expected: cases.flatMap((item) => item.expected) };
/** A case the police flagged and referred without its flag, for the inspectors' timeline. */
const lostAtReferral = new CaseBuilder();
lostAtReferral.recorded(RACE);
const suspect = lostAtReferral.suspect();
const referral = lostAtReferral.referred([suspect], undefined);
lostAtReferral.received([suspect], undefined, referral);
const events = [...dataset.events.map((event) => event.envelope), ...lostAtReferral.events];

const key = (finding: Pick<ExpectedFinding, 'caseId' | 'defendantId' | 'boundary' | 'finding'>) =>
  `${finding.caseId}|${finding.defendantId ?? '-'}|${finding.boundary}|${finding.finding}`;

describe('projection analytics', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  let database: DataSource;

  beforeAll(async () => {
    app = await createProjectionApp();
    http = request(app.getHttpServer());
    database = app.get(DataSource);
    await publishOntoTopics(events);
    await untilProjected(events.length, async () => (await http.get('/projection/status')).body);
  });

  afterAll(async () => {
    await app?.close();
  });

  describe('the flag audit', () => {
    it('finds every loss and every other finding the generator seeded, and nothing else', async () => {
      const response = await http.get('/flag-audit?limit=100000').expect(200);
      const generated = new Set(dataset.cases.map((item) => item.caseId));
      const found = (response.body as Row[])
        .filter((row) => generated.has(row.case_id as string))
        .map((row) => key({ caseId: row.case_id as string, defendantId: row.defendant_id as string | null, boundary: row.boundary as never, finding: row.finding as never }));
      expect(found.sort()).toEqual(dataset.expected.map(key).sort());
      const losses = dataset.expected.filter((finding) => finding.finding === 'lost' || finding.finding === 'no_uplift_decision');
      expect(new Set(losses.map((finding) => finding.boundary))).toEqual(new Set(['police_to_cps', 'cps_to_court', 'conviction_to_sentence']));
    });

    it('reads the same in SQL, with the slices of each case', async () => {
      const [{ count }] = await database.query(`SELECT count(*)::int AS count FROM inspection.flag_audit(row_limit => NULL)`);
      expect(count).toBe(dataset.expected.length + 1);
      const [row] = await database.query(`SELECT * FROM inspection.flag_audit(case_id => $1)`, [lostAtReferral.caseId]);
      expect(row).toMatchObject({ urn: '01/AB/12345/24', force_code: '01', cps_area: 'London North', boundary: 'police_to_cps', finding: 'lost', event_id: referral.id });
    });

    it('filters by boundary, finding, force, strand and year, and pages', async () => {
      const lost = (await http.get('/flag-audit?boundary=cps_to_court&finding=lost&limit=100000').expect(200)).body as Row[];
      expect(lost.length).toBe(dataset.expected.filter((item) => item.boundary === 'cps_to_court' && item.finding === 'lost').length);
      const race = (await http.get('/flag-audit?strand=race&force=01&year=2018/19').expect(200)).body as Row[];
      expect(race.every((row) => (row.strands as string[]).includes('race') && row.force_code === '01' && row.financial_year === '2018/19')).toBe(true);
      const page = (await http.get('/flag-audit?limit=5&offset=5').expect(200)).body as Row[];
      const all = (await http.get('/flag-audit?limit=10').expect(200)).body as Row[];
      expect(page).toEqual(all.slice(5, 10));
    });

    it('counts each boundary and finding exactly as the list has them, whatever the filters', async () => {
      for (const filters of ['', 'strand=race', 'force=01&year=2018/19', 'boundary=cps_to_court', 'cpsArea=London North&courtType=crown']) {
        const counts = (await http.get(`/flag-audit/counts?${filters}`).expect(200)).body as Array<{ boundary: string; finding: string; findings: number; cases: number }>;
        const list = (await http.get(`/flag-audit?${filters}&limit=100000`).expect(200)).body as Row[];
        const listed = new Map<string, { findings: number; cases: Set<unknown> }>();
        for (const row of list) {
          const key = `${row.boundary}|${row.finding}`;
          const entry = listed.get(key) ?? { findings: 0, cases: new Set() };
          entry.findings += 1;
          entry.cases.add(row.case_id);
          listed.set(key, entry);
        }
        expect({ filters, counts: Object.fromEntries(counts.map((row) => [`${row.boundary}|${row.finding}`, [row.findings, row.cases]])) }).toEqual({
          filters,
          counts: Object.fromEntries([...listed].map(([key, entry]) => [key, [entry.findings, entry.cases.size]])),
        });
      }
      const counts = (await http.get('/flag-audit/counts').expect(200)).body as Array<{ findings: number }>;
      expect(counts.reduce((sum, row) => sum + row.findings, 0)).toBe(dataset.expected.length + 1); // and the case built by hand
    });

    it('draws the same sample of cases for the same seed, a different one for another, N per finding', async () => {
      const first = (await http.get('/flag-audit/sample?seed=review-2026&perFinding=3').expect(200)).body as Row[];
      const again = (await http.get('/flag-audit/sample?seed=review-2026&perFinding=3').expect(200)).body as Row[];
      const other = (await http.get('/flag-audit/sample?seed=another&perFinding=3').expect(200)).body as Row[];
      expect(again).toEqual(first);
      expect(other.map((row) => row.case_id)).not.toEqual(first.map((row) => row.case_id));
      const counts = (await http.get('/flag-audit/counts').expect(200)).body as Array<{ boundary: string; finding: string; cases: number }>;
      for (const { boundary, finding, cases } of counts) {
        const drawn = first.filter((row) => row.boundary === boundary && row.finding === finding);
        expect({ boundary, finding, drawn: drawn.length }).toEqual({ boundary, finding, drawn: Math.min(3, cases) });
        expect(new Set(drawn.map((row) => row.case_id)).size).toBe(drawn.length);
        expect(drawn.map((row) => row.drawn)).toEqual(drawn.map((_, i) => i + 1));
      }
      // A sample of one finding is that finding's part of the whole sample: the draw does not depend on the other findings.
      const lost = (await http.get('/flag-audit/sample?seed=review-2026&perFinding=3&boundary=cps_to_court&finding=lost').expect(200)).body as Row[];
      expect(lost).toEqual(first.filter((row) => row.boundary === 'cps_to_court' && row.finding === 'lost'));
      const csv = (await http.get('/flag-audit/sample?seed=review-2026&perFinding=3&format=csv').expect(200)).text;
      expect(csv.split('\r\n')[0]).toBe('boundary,finding,drawn,case_id,urn,force_code,force_name,cps_area,financial_year,findings,first_detected_at');
      const refused = await http.get('/flag-audit/sample?perFinding=0&seed=a b').expect(400);
      expect(refused.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['perFinding', 'seed']);
    });

    it('opens the case rows behind any count of any statistic: exactly as many as the count', async () => {
      let seed = 3;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const query: Record<string, string> = { financial_year: 'year', strand: 'strand', cps_area: 'cpsArea', force_code: 'force', court_type: 'courtType', boundary: 'boundary' };
      const differing: unknown[] = [];
      let opened = 0;
      for (const table of PUBLIC_TABLES) {
        const name = table.view.replace(/_/g, '-');
        const rows = (await http.get(`/statistics/${name}`).expect(200)).body as Row[];
        const withCases = rows.filter((row) => table.spec.counts.some((column) => (row[column] as number) > 0));
        const sample = [...withCases.filter(() => random() < 24 / withCases.length), rows[Math.floor(random() * rows.length)]!];
        for (const row of sample) {
          const slice = new URLSearchParams(
            Object.entries(query).filter(([column]) => row[column] !== undefined).map(([column, parameter]): [string, string] => [parameter, String(row[column])]),
          );
          for (const column of table.spec.counts) {
            const { body } = await http.get(`/statistics/${name}/${column}/cases?${slice}&limit=100000`).expect(200);
            opened += 1;
            if (body.count !== row[column] || body.rows.length !== row[column]) differing.push({ table: name, slice: slice.toString(), column, cell: row[column], count: body.count, rows: body.rows.length });
          }
        }
      }
      expect(differing).toEqual([]);
      expect(opened).toBeGreaterThan(200);
      const lost = (await http.get('/statistics/flag-retention/lost/cases?boundary=cps_to_court&year=all&strand=all&cpsArea=all&force=all').expect(200)).body;
      expect(lost.count).toBe(dataset.expected.filter((item) => item.boundary === 'cps_to_court' && item.finding === 'lost').length);
      await http.get('/statistics/flag-retention/lost/cases').expect(400); // which boundary?
      await http.get('/statistics/attrition-funnel/colour/cases').expect(400);
      await http.get('/statistics/attrition-by-strand/recorded/cases?force=01').expect(400); // no force slice
      await http.get('/statistics/crime-survey/recorded/cases').expect(404);
    });

    it('is never public', async () => {
      const response = await http.get('/flag-audit?public=true').expect(400);
      expect(response.body.errors).toEqual([{ field: 'public', messages: [expect.stringContaining('never public')] }]);
    });
  });

  describe('the case timeline for inspectors', () => {
    it('lists every event across the agencies in order and marks where the flag was lost', async () => {
      const response = await http.get(`/cases/${lostAtReferral.caseId}/timeline`).expect(200);
      expect(response.body.urn).toBe('01/AB/12345/24');
      expect(response.body.events.map((entry: { agency: string; type: string }) => `${entry.agency}.${entry.type}`)).toEqual([
        'police.CrimeRecorded',
        'police.SuspectIdentified',
        'police.CaseReferredToCps',
        'cps.CaseReceivedFromPolice',
      ]);
      const lost = response.body.events.filter((entry: { flagLost: boolean }) => entry.flagLost);
      expect(lost).toEqual([expect.objectContaining({ eventId: referral.id, flag: { flagged: false, strands: [] } })]);
      expect(response.body.events[0].flag).toEqual({ flagged: true, strands: ['race'] });
      expect(response.body.findings).toEqual([expect.objectContaining({ boundary: 'police_to_cps', finding: 'lost' })]);
      const csv = await http.get(`/cases/${lostAtReferral.caseId}/timeline?format=csv`).expect(200);
      expect(csv.text.split('\r\n')[0]).toBe('position,eventId,agency,type,occurredAt,streamVersion,flagLost,held,flagged,strands,findings');
      expect(csv.text).toContain('police_to_cps: lost');
    });

    it('answers 404 for a case it holds nothing of and 400 for an id that is not a UUID', async () => {
      await http.get('/cases/5d9f3f5e-1d2c-4e6b-9a1b-2c3d4e5f6a7b/timeline').expect(404);
      await http.get('/cases/5d9f3f5e-1d2c-4e6b-9a1b-2c3d4e5f6a7b/journey').expect(404);
      await http.get('/cases/not-a-case/timeline').expect(400);
    });
  });

  describe('statistics', () => {
    it('counts the funnel from the case journeys: a multi-strand case once in all and once in each strand', async () => {
      const rows = (await http.get('/statistics/attrition-funnel?year=2018/19&cpsArea=all&courtType=all').expect(200)).body as Row[];
      for (const strand of ['all', 'race', 'religion', 'sexual_orientation', 'disability', 'transgender']) {
        const row = rows.find((candidate) => candidate.strand === strand)!;
        const [expected] = await database.query(
          `SELECT count(*) FILTER (WHERE first_row)::int AS recorded, count(*) FILTER (WHERE stage_index >= 3)::int AS charged,
                  count(*) FILTER (WHERE uplift_announced)::int AS uplift_announced
             FROM inspection.case_journey WHERE hate_crime AND financial_year = '2018/19' AND ($1 = 'all' OR $1 = ANY(strands))`,
          [strand],
        );
        expect({ recorded: row.recorded, charged: row.charged, uplift_announced: row.uplift_announced }).toEqual(expected);
      }
      const all = rows.find((row) => row.strand === 'all')!;
      const strands = rows.filter((row) => row.strand !== 'all').reduce((sum, row) => sum + (row.recorded as number), 0);
      expect(strands).toBeGreaterThan(all.recorded as number); // multi-strand cases count in each strand
    });

    it('gives each rate with its numerator and denominator, and filters by force and court type', async () => {
      const rows = (await http.get('/statistics/outcome-rates?force=01&courtType=crown&year=all').expect(200)).body as Row[];
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row).toMatchObject({ force_code: '01', court_type: 'crown', financial_year: 'all', cps_area: 'London North' });
        const rate = (numerator: string, denominator: string) =>
          (row[denominator] as number) === 0 ? null : Math.round((1000 * (row[numerator] as number)) / (row[denominator] as number)) / 10;
        expect(row.charge_rate_pct).toBe(rate('charges', 'pre_charge_decisions'));
        expect(row.conviction_rate_pct).toBe(rate('convictions', 'completed_prosecutions'));
        expect(row.guilty_plea_rate_pct).toBe(rate('guilty_pleas', 'completed_prosecutions'));
        expect(row.uplift_rate_pct).toBe(rate('uplifts_announced', 'hate_crime_convictions'));
      }
    });

    it('gives flag retention per boundary and timeliness with medians and the Victims\' Code figures', async () => {
      const retention = (await http.get('/statistics/flag-retention?year=all&strand=all&cpsArea=all').expect(200)).body as Row[];
      expect(retention.map((row) => row.boundary)).toEqual(['police_to_cps', 'cps_to_court', 'conviction_to_sentence']);
      for (const row of retention) {
        expect(row.flagged_upstream).toBe((row.kept as number) + (row.removed_with_reason as number) + (row.lost as number));
      }
      const lostToCourt = dataset.expected.filter((item) => item.boundary === 'cps_to_court' && item.finding === 'lost').length;
      expect(retention[1]!.lost).toBe(lostToCourt);
      const [national] = (await http.get('/statistics/timeliness?year=all&strand=all&cpsArea=all&courtType=all').expect(200)).body as Row[];
      expect(national!.recorded_to_suspect_n).toBeGreaterThan(100);
      expect(national!.recorded_to_suspect_median_days).toBeGreaterThan(0);
      expect(national!.recorded_to_suspect_p90_days).toBeGreaterThanOrEqual(national!.recorded_to_suspect_median_days as number);
      expect(national!.enhanced_victim_outcomes).toBeGreaterThan(0);
    });

    it('keeps the attrition by strand for police-flagged crimes', async () => {
      const rows = (await http.get('/statistics/attrition-by-strand').expect(200)).body as Row[];
      expect(rows.map((row) => row.strand)).toEqual(['all', 'race', 'religion', 'sexual_orientation', 'disability', 'transgender']);
      const [{ flagged }] = await database.query(`SELECT count(*)::int AS flagged FROM inspection.case_journey WHERE first_row AND police_flagged_at_recording`);
      expect(rows[0]!.recorded).toBe(flagged);
    });

    it('answers CSV for every table, by ?format=csv or by Accept: text/csv', async () => {
      for (const path of ['/statistics/attrition-funnel', '/statistics/outcome-rates', '/statistics/flag-retention', '/statistics/timeliness', '/statistics/attrition-by-strand', '/flag-audit']) {
        const byFormat = await http.get(`${path}?format=csv`).expect(200);
        expect(byFormat.headers['content-type']).toMatch(/^text\/csv/);
        const byAccept = await http.get(path).set('Accept', 'text/csv').expect(200);
        expect(byAccept.text).toBe(byFormat.text);
        expect(byFormat.text.split('\r\n').length).toBeGreaterThan(2);
      }
      const funnel = (await http.get('/statistics/attrition-funnel?format=csv&year=all&strand=all&force=all&courtType=all').expect(200)).text;
      expect(funnel.split('\r\n')[0]).toBe(
        'financial_year,strand,cps_area,force_code,force_name,court_type,recorded,suspect_identified,referred_to_cps,charged,prosecution_completed,convicted,sentenced,uplift_announced',
      );
    });

    it('names every bad filter (400)', async () => {
      const response = await http.get('/statistics/attrition-funnel?year=2018&strand=racism&force=99&courtType=county&threshold=2&public=maybe&colour=red').expect(400);
      expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['colour', 'courtType', 'force', 'public', 'strand', 'threshold', 'year']);
      const retention = await http.get('/statistics/flag-retention?courtType=crown').expect(400);
      expect(retention.body.errors[0].field).toBe('courtType');
    });
  });

  describe('public statistics', () => {
    it('withhold every count under the threshold, and whatever would give one away', async () => {
      for (const table of [ATTRITION_FUNNEL, OUTCOME_RATES]) {
        const path = `/statistics/${table.view.replace(/_/g, '-')}`;
        const rows = (await http.get(`${path}?public=true`).expect(200)).body as Array<Row & { suppressed: string[] }>;
        const exact = (await http.get(path).expect(200)).body as Row[];
        expect(rows).toHaveLength(exact.length);
        // (Each check collects what breaks it and expects nothing: one expectation per check, not per cell.)
        const cells = rows.flatMap((row, r) => table.spec.counts.map((column) => ({ r, column, value: row[column] })));
        expect(cells.filter(({ value }) => value !== null && value !== 0 && (value as number) < THRESHOLD)).toEqual([]);
        expect(cells.filter(({ value }) => value === null).length).toBeGreaterThan(0);
        // No total and its members with one withheld cell only, a small one: a subtraction would give it
        // away. (A large count withheld alone gives nothing away: it was withheld to protect another.)
        const groups = additiveGroups(rows, table.spec);
        const small = (index: number, column: string) => (exact[index]![column] as number) > 0 && (exact[index]![column] as number) < THRESHOLD;
        const givenAway = table.spec.counts.flatMap((column) =>
          groups
            .map((group) => [group.total, ...group.members].filter((index) => rows[index]![column] === null))
            .filter((withheld) => withheld.length === 1 && small(withheld[0]!, column))
            .map(([index]) => ({ column, row: rows[index!] })),
        );
        expect(givenAway).toEqual([]);
        // Rates are withheld with the counts they are computed from.
        const rateShown = rows.flatMap((row) =>
          (table.spec.derived ?? []).filter((derived) => derived.from.some((source) => row[source] === null) && row[derived.column] !== null).map((derived) => ({ row, rate: derived.column })),
        );
        expect(rateShown).toEqual([]);
      }
    });

    it('are one release: no count withheld anywhere is recovered by differencing across tables, slices and years', async () => {
      const attacked = await Promise.all(
        PUBLIC_TABLES.map(async (table) => {
          const path = `/statistics/${table.view.replace(/_/g, '-')}`;
          const rows = (await http.get(path).expect(200)).body as Row[];
          const published = (await http.get(`${path}?public=true`).expect(200)).body as Row[];
          return { table: { name: table.view, spec: table.spec, rows }, published };
        }),
      );
      expect(attacked.map(({ table, published }) => [table.name, published.length])).toEqual(attacked.map(({ table }) => [table.name, table.rows.length]));
      expect(recoverWithheld(attacked, THRESHOLD)).toEqual([]);
      // The same reader against each table protected on its own, as they were before: counts come
      // back (a stage of the funnel is a count of the outcome rates), so this check can fail.
      const alone = await Promise.all(attacked.map(async ({ table }) => ({ table, published: await publicTable(table.rows, table.spec, THRESHOLD) })));
      expect(recoverWithheld(alone, THRESHOLD).length).toBeGreaterThan(0);
    });

    it('use the threshold the service is configured with, which a request cannot choose', async () => {
      const response = await http.get('/statistics/outcome-rates?public=true&threshold=10').expect(400);
      expect(response.body.errors).toEqual([{ field: 'threshold', messages: [expect.stringMatching(/DISCLOSURE_THRESHOLD/)] }]);
      await http.get('/statistics/attrition-by-strand?public=true&threshold=3').expect(400);
      const published = await http.get('/statistics/outcome-rates?public=true&year=all').expect(200);
      expect(published.headers['disclosure-threshold']).toBe(String(THRESHOLD));
      const { statistics } = (await http.get('/projection/status').expect(200)).body;
      expect(published.headers['statistics-refreshed-at']).toBe(statistics.refreshedAt);
    });

    it('filter the protected table, so every slice agrees with every other', async () => {
      const full = (await http.get('/statistics/attrition-funnel?public=true').expect(200)).body as Row[];
      const slice = (await http.get('/statistics/attrition-funnel?public=true&strand=race&force=01').expect(200)).body as Row[];
      expect(slice).toEqual(full.filter((row) => row.strand === 'race' && row.force_code === '01'));
      const csv = (await http.get('/statistics/attrition-funnel?public=true&format=csv').expect(200)).text;
      expect(csv).toContain('[c]');
      expect(csv.split('\r\n')[0]).not.toContain('suppressed');
    });
  });

  describe('a row for every combination of slices', () => {
    const STRANDS = ['all', ...HATE_CRIME_STRANDS];
    const COURT_TYPES = ['all', 'magistrates', 'crown', 'none'];
    const BOUNDARIES = ['police_to_cps', 'cps_to_court', 'conviction_to_sentence'];
    const BY_COURT_TYPE = [ATTRITION_FUNNEL, OUTCOME_RATES, TIMELINESS];
    const sliceKey = (row: Row) => ['boundary', 'financial_year', 'strand', 'cps_area', 'force_code', 'court_type'].map((column) => row[column] ?? '-').join('|');
    /** The figures of a row that an empty slice must not have: every count is 0, every rate, percentage, median and 90th percentile null. */
    const notEmpty = (table: StatisticsTable, row: Row) =>
      [...numericColumns(table.spec)]
        .map((column) => ({ slice: sliceKey(row), column, value: row[column] === null ? null : Number(row[column]) }))
        .filter(({ column, value }) => value !== (table.spec.counts.includes(column) ? 0 : null));
    const expectEmpty = (table: StatisticsTable, ...rows: Row[]) => expect(rows.flatMap((row) => notEmpty(table, row))).toEqual([]);

    /** The slices the statistics take: 'all' and each year recorded; 'all' and each strand; England and Wales, each area, each force. */
    async function slices(): Promise<{ years: string[]; geography: Array<{ cps_area: string; force_code: string }> }> {
      const years: Array<{ year: string }> = await database.query(
        `SELECT DISTINCT coalesce(financial_year, 'unknown') AS year FROM inspection.case_journey WHERE hate_crime ORDER BY 1`,
      );
      const occurring: Array<{ cps_area: string; force_code: string }> = await database.query(
        `SELECT DISTINCT coalesce(cps_area, 'unknown') AS cps_area, coalesce(force_code, 'unknown') AS force_code FROM inspection.case_journey WHERE hate_crime`,
      );
      const geography = new Map<string, { cps_area: string; force_code: string }>();
      const add = (cps_area: string, force_code: string) => geography.set(`${cps_area}|${force_code}`, { cps_area, force_code });
      add('all', 'all');
      for (const { cpsArea, code } of [...FORCES.values()].map((force) => ({ cpsArea: force.cpsArea, code: force.code })).concat(
        occurring.map((row) => ({ cpsArea: row.cps_area, code: row.force_code })),
      )) {
        add(cpsArea, 'all');
        add(cpsArea, code);
      }
      return { years: ['all', ...years.map((row) => row.year)], geography: [...geography.values()] };
    }

    it('holds exactly the grid of years, strands, England and Wales, areas and forces, and court types (or boundaries)', async () => {
      const { years, geography } = await slices();
      expect(years).toEqual(['all', '2018/19', '2024/25']); // the generated year, and the case built by hand
      const areas = new Set([...FORCES.values()].map((force) => force.cpsArea));
      expect(geography).toHaveLength(1 + areas.size + FORCES.size); // every case's force is in the list, under its area
      const expectedKeys = (withCourtType: boolean) =>
        (withCourtType ? [undefined] : BOUNDARIES).flatMap((boundary) =>
          years.flatMap((year) =>
            STRANDS.flatMap((strand) =>
              geography.flatMap((place) =>
                (withCourtType ? COURT_TYPES : [undefined]).map((court_type) =>
                  sliceKey({ boundary, financial_year: year, strand, ...place, court_type }),
                ),
              ),
            ),
          ),
        );
      for (const table of [...BY_COURT_TYPE, FLAG_RETENTION]) {
        const rows: Row[] = await database.query(`SELECT * FROM analytics.${table.view}`);
        const expected = expectedKeys(table !== FLAG_RETENTION);
        expect({ view: table.view, rows: rows.length }).toEqual({
          view: table.view,
          rows: years.length * STRANDS.length * geography.length * (table === FLAG_RETENTION ? BOUNDARIES.length : COURT_TYPES.length),
        });
        expect(rows.map(sliceKey).sort()).toEqual(expected.sort());
      }
    });

    it('gives a force with no case rows of zeros with null rates, in SQL and over HTTP', async () => {
      const [{ cases }] = await database.query(`SELECT count(*)::int AS cases FROM inspection.case_journey WHERE force_code = $1`, [ABSENT_FORCE.code]);
      expect(cases).toBe(0);
      const { years } = await slices();
      for (const table of [...BY_COURT_TYPE, FLAG_RETENTION]) {
        const rows: Row[] = await database.query(`SELECT * FROM analytics.${table.view} WHERE force_code = $1`, [ABSENT_FORCE.code]);
        expect(rows).toHaveLength(years.length * STRANDS.length * (table === FLAG_RETENTION ? BOUNDARIES.length : COURT_TYPES.length));
        expect(new Set(rows.map((row) => `${row.cps_area}|${row.force_name}`))).toEqual(new Set([`${ABSENT_FORCE.cpsArea}|${ABSENT_FORCE.name}`]));
        expectEmpty(table, ...rows);
      }
      const crown = (await http.get(`/statistics/attrition-funnel?force=${ABSENT_FORCE.code}&courtType=crown`).expect(200)).body as Row[];
      expect(crown).toHaveLength(years.length * STRANDS.length);
      for (const row of crown) {
        expect(row).toMatchObject({ force_code: ABSENT_FORCE.code, court_type: 'crown', recorded: 0, convicted: 0, uplift_announced: 0 });
      }
      const rates = (await http.get(`/statistics/outcome-rates?force=${ABSENT_FORCE.code}&year=all&strand=all&courtType=all`).expect(200)).body as Row[];
      expect(rates).toHaveLength(1);
      expectEmpty(OUTCOME_RATES, rates[0]!);
      const timeliness = (await http.get(`/statistics/timeliness?force=${ABSENT_FORCE.code}&year=2018/19&strand=race&courtType=magistrates`).expect(200)).body as Row[];
      expect(timeliness).toHaveLength(1);
      expectEmpty(TIMELINESS, timeliness[0]!);
      const retention = (await http.get(`/statistics/flag-retention?force=${ABSENT_FORCE.code}&year=all&strand=all`).expect(200)).body as Row[];
      expect(retention.map((row) => row.boundary)).toEqual(BOUNDARIES);
      expectEmpty(FLAG_RETENTION, ...retention);
      // For publication: zeros identify no one, so they are shown (withheld, if ever, only to protect another cell).
      const published = (await http.get(`/statistics/attrition-funnel?public=true&force=${ABSENT_FORCE.code}`).expect(200)).body as Row[];
      expect(published).toHaveLength(years.length * STRANDS.length * COURT_TYPES.length);
      const values = published.flatMap((row) => ATTRITION_FUNNEL.spec.counts.map((column) => row[column]));
      expect(values.every((value) => value === 0 || value === null)).toBe(true);
      expect(values.filter((value) => value === 0).length).toBeGreaterThan(values.length / 2);
    });

    it('gives a force and court type with no case rows of zeros, beside the force\'s other rows', async () => {
      const [pair] = await database.query(
        `SELECT force_code, c.court_type, count(*) FILTER (WHERE j.first_row)::int AS cases
           FROM inspection.case_journey j CROSS JOIN unnest(ARRAY['magistrates', 'crown', 'none']) AS c(court_type)
          WHERE j.hate_crime
          GROUP BY force_code, c.court_type
         HAVING count(*) FILTER (WHERE j.case_court_type = c.court_type) = 0
          ORDER BY count(*) FILTER (WHERE j.first_row) DESC, force_code, c.court_type
          LIMIT 1`,
      );
      expect(pair).toBeDefined();
      const { years } = await slices();
      for (const table of BY_COURT_TYPE) {
        const rows: Row[] = await database.query(`SELECT * FROM analytics.${table.view} WHERE force_code = $1 AND court_type = $2`, [pair.force_code, pair.court_type]);
        expect(rows).toHaveLength(years.length * STRANDS.length);
        expectEmpty(table, ...rows);
      }
      const [all] = (await http.get(`/statistics/attrition-funnel?force=${pair.force_code}&year=all&strand=all&courtType=all`).expect(200)).body as Row[];
      expect(all!.recorded).toBe(pair.cases);
      const empty = (await http.get(`/statistics/outcome-rates?force=${pair.force_code}&year=all&strand=all&courtType=${pair.court_type}`).expect(200)).body as Row[];
      expect(empty).toHaveLength(1);
      expectEmpty(OUTCOME_RATES, empty[0]!);
    });

    it('keeps every figure version 2 first computed for the slices that have a case, and adds only empty rows', async () => {
      // The statistics function as migration 1763770000002 created it, run in a transaction that is rolled back.
      const statements: string[] = [];
      await new ReadModelV21763770000002().up({ query: async (sql: string) => void statements.push(sql) } as unknown as QueryRunner);
      const first = statements.find((sql) => sql.includes('CREATE FUNCTION projection_v2.refresh_statistics()'))!;
      const tables: Array<[StatisticsTable, string]> = [
        [ATTRITION_FUNNEL, 'stat_attrition_funnel'], [OUTCOME_RATES, 'stat_outcome_rates'], [FLAG_RETENTION, 'stat_flag_retention'], [TIMELINESS, 'stat_timeliness'],
      ];
      const now = new Map<string, Row[]>();
      const then = new Map<string, Row[]>();
      const runner = database.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        for (const [, name] of tables) now.set(name, await runner.query(`SELECT * FROM projection_v2.${name}`));
        await runner.query(first.replace('CREATE FUNCTION projection_v2.refresh_statistics()', 'CREATE FUNCTION pg_temp.refresh_statistics_as_first()'));
        await runner.query(`SELECT pg_temp.refresh_statistics_as_first()`);
        for (const [, name] of tables) then.set(name, await runner.query(`SELECT * FROM projection_v2.${name}`));
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
      for (const [table, name] of tables) {
        const before = then.get(name)!;
        const after = new Map(now.get(name)!.map((row) => [sliceKey(row), row]));
        expect(after.size).toBe(now.get(name)!.length);
        expect(before.length).toBeGreaterThan(0);
        expect(before.filter((row) => !isDeepStrictEqual(after.get(sliceKey(row)), row))).toEqual([]);
        const had = new Set(before.map(sliceKey));
        const empty = now.get(name)!.filter((row) => !had.has(sliceKey(row)));
        expect(empty.length).toBe(after.size - before.length);
        expect(empty.length).toBeGreaterThan(0);
        expectEmpty(table, ...empty);
      }
    });

    it('shows every strand of the attrition by strand, a strand with no crime as zeros', async () => {
      const runner = database.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        await runner.query(
          `UPDATE projection_v2.stat_attrition_by_strand
              SET recorded = 0, suspects_identified = 0, referred_to_cps = 0, pre_charge_decisions = 0, charged = 0, convicted = 0, sentenced = 0, uplift_announced = 0
            WHERE strand = 'transgender'`,
        );
        const rows: Row[] = await runner.query(`SELECT * FROM analytics.attrition_by_strand`);
        expect(rows.map((row) => row.strand)).toEqual(['all', ...HATE_CRIME_STRANDS]);
        expect(rows[5]).toMatchObject({ strand: 'transgender', recorded: '0', uplift_announced: '0', charge_rate_pct: null, uplift_rate_pct: null });
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
    });
  });

  describe('the analyst role', () => {
    it('reads the analytics views and nothing else', async () => {
      await database.transaction(async (manager) => {
        await manager.query('SET LOCAL ROLE analyst');
        const views: Array<{ table_name: string }> = await manager.query(`SELECT table_name FROM information_schema.views WHERE table_schema = 'analytics' ORDER BY 1`);
        expect(views.map((view) => view.table_name)).toEqual([
          'attrition_by_strand', 'attrition_funnel', 'flag_retention', 'outcome_rates', 'statistics_freshness', 'timeliness',
        ]);
        for (const { table_name: view } of views) await manager.query(`SELECT * FROM analytics."${view}" LIMIT 1`);
      });
      for (const forbidden of [
        'SELECT * FROM projection_v2.journeys LIMIT 1',
        'SELECT * FROM projection.read_model_versions',
        'CREATE VIEW analytics.mine AS SELECT 1',
        'SELECT projection_v2.refresh_statistics()',
        'SELECT * FROM inspection.case_journey LIMIT 1',
        `SELECT * FROM inspection.flag_audit()`,
      ]) {
        await expect(
          database.transaction(async (manager) => {
            await manager.query('SET LOCAL ROLE analyst');
            await manager.query(forbidden);
          }),
        ).rejects.toThrow(/permission denied/);
      }
    });
  });

  it('recomputes the statistics beside a batch that holds the attrition-by-strand rows, without a deadlock', async () => {
    // A batch locks the attrition-by-strand rows, then may recompute the statistics in its own
    // transaction; the runner recomputes them on their own once batches pause. Both at once must
    // queue, not deadlock.
    const batch = database.createQueryRunner();
    const refresh = database.createQueryRunner();
    await batch.connect();
    await refresh.connect();
    try {
      await batch.startTransaction();
      await batch.query(`SELECT strand FROM projection_v2.stat_attrition_by_strand ORDER BY strand FOR UPDATE`);
      const [{ pid }] = await refresh.query(`SELECT pg_backend_pid() AS pid`);
      const standalone = refresh.query(`SELECT projection_v2.refresh_statistics()`);
      // Until the stand-alone refresh is waiting for a lock the batch holds.
      for (let waited = 0; ; waited += 50) {
        const [activity] = await database.query(`SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1`, [pid]);
        if (activity?.wait_event_type === 'Lock') break;
        if (waited > 10_000) throw new Error('the stand-alone refresh never waited for the batch');
        await new Promise((wait) => setTimeout(wait, 50));
      }
      await batch.query(`SELECT projection_v2.refresh_statistics()`);
      await batch.commitTransaction();
      await expect(standalone).resolves.toBeDefined();
    } finally {
      if (batch.isTransactionActive) await batch.rollbackTransaction();
      await batch.release();
      await refresh.release();
    }
  });

  describe('verification of the read model', () => {
    it('finds every case as its events give it, nothing behind and the statistics current', async () => {
      const body = (await http.get('/projection/verification?cases=all').expect(200)).body;
      expect(body).toMatchObject({
        verdict: 'consistent',
        cases: { checked: body.cases.held, differing: [], differingCount: 0 },
        statistics: { eventsHeld: events.length, throughEvents: events.length, fresh: true, attritionByStrandExact: true },
      });
      expect(body.cases.held).toBe(dataset.cases.length + 1);
      expect(body.partitions).toHaveLength(9);
      expect(body.partitions.every((partition: { behind: number }) => partition.behind === 0)).toBe(true);
      const sampled = (await http.get('/projection/verification?cases=25').expect(200)).body;
      expect(sampled.cases.checked).toBe(25);
    });

    it('names a case whose stored rows no longer match its events, and an attrition table that drifted', async () => {
      const [tampered] = await database.query(
        `SELECT case_id::text, stage_reached FROM projection_v2.journeys WHERE first_row AND hate_crime AND stage_reached <> 'sentenced' LIMIT 1`,
      );
      await database.query(`UPDATE projection_v2.journeys SET stage_reached = 'sentenced' WHERE case_id = $1 AND first_row`, [tampered.case_id]);
      await database.query(`UPDATE projection_v2.stat_attrition_by_strand SET recorded = recorded + 1 WHERE strand = 'all'`);
      try {
        const body = (await http.get('/projection/verification?cases=all').expect(200)).body;
        expect(body.verdict).toBe('inconsistent');
        expect(body.cases.differing).toEqual([tampered.case_id]);
        expect(body.cases.differingCount).toBe(1);
        expect(body.statistics.attritionByStrandExact).toBe(false);
      } finally {
        await database.query(`UPDATE projection_v2.stat_attrition_by_strand SET recorded = recorded - 1 WHERE strand = 'all'`);
        await database.query(`UPDATE projection_v2.journeys SET stage_reached = $2 WHERE case_id = $1 AND first_row`, [tampered.case_id, tampered.stage_reached]);
      }
      expect((await http.get('/projection/verification?cases=all').expect(200)).body.verdict).toBe('consistent');
    });

    it('refuses a sample size it cannot use, naming the field', async () => {
      const response = await http.get('/projection/verification?cases=lots').expect(400);
      expect(JSON.stringify(response.body)).toMatch(/cases must be a number of cases from 1 to 1000000, or 'all'/);
    });
  });

  it('reports its read model version, the events it holds and how fresh the statistics are', async () => {
    const status = (await http.get('/projection/status').expect(200)).body;
    expect(status).toMatchObject({ version: 'v2', state: 'active', events: events.length, cases: dataset.cases.length + 1 });
    expect(status.statistics.throughEvents).toBe(events.length);
    expect(status.versions).toEqual([expect.objectContaining({ version: 'v2', state: 'active', schema_name: 'projection_v2', consumer: 'projection-v2' })]);
  });
});
