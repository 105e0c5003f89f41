/**
 * @database-roles per-service
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { environment } from '@hc/config';
import { urlAsRole } from '../libs/config/src/database-admin';
import { pollUntil, startPipeline, type Pipeline } from './support/pipeline';

/** The statistics views: everything analysts may read. */
const STATISTICS_VIEWS = ['attrition_by_strand', 'attrition_funnel', 'flag_retention', 'outcome_rates', 'statistics_freshness', 'timeliness'];
const CASE_LEVEL_VIEWS = ['case_events', 'case_journey', 'flag_audit'];

/**
 * Each service connects as its own role, owns its schema and reaches no other; analysts read the
 * statistics only; inspectors read case-level data only through functions that log every read.
 */
describe('database roles', () => {
  let pipeline: Pipeline;
  let caseId: string;
  // A person's login in the inspector group role, as an operator would create it (roles are cluster-wide: a name of its own).
  const inspectorLogin = `inspector_${randomBytes(6).toString('hex')}`;
  const asAdmin = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: environment().DATABASE_URL });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  const accessLogOf = (login: string) =>
    asAdmin(async (client) =>
      (await client.query(`SELECT actor, action, case_id, db_user, db_role, reads FROM projection.access_log WHERE db_user = $1 ORDER BY id`, [login])).rows,
    );
  const asRole = async <T>(role: string, work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: urlAsRole(environment().DATABASE_URL, role) });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    pipeline = await startPipeline();
    const recorded = await pipeline.police
      .post('/cases')
      .send({ crimeReference: `ROLE/${randomUUID()}`, forceCode: '13', offences: [{ offenceId: 'o1', code: '105A' }], hateCrime: { strands: ['race'], perceivedBy: ['victim'] } })
      .expect(201);
    caseId = recorded.body.caseId;
    await pollUntil('the projection to hold the case', async () =>
      (await pipeline.projection.get(`/cases/${caseId}/journey`)).status === 200 ? true : undefined,
    );
    await asAdmin((client) => client.query(`CREATE ROLE "${inspectorLogin}" LOGIN IN ROLE inspector`));
  });

  afterAll(async () => {
    await pipeline?.close();
    await asAdmin((client) => client.query(`DROP ROLE IF EXISTS "${inspectorLogin}"`)).catch(() => undefined);
  });

  it('runs every service as its own role, owning its schema', async () => {
    const owners = await asRole('hatecrime_police', async (client) =>
      (await client.query(`SELECT nspname, pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname IN ('police', 'cps', 'courts', 'projection', 'analytics') ORDER BY nspname`)).rows,
    );
    expect(owners).toEqual([
      { nspname: 'analytics', owner: 'hatecrime_projection' },
      { nspname: 'courts', owner: 'hatecrime_courts' },
      { nspname: 'cps', owner: 'hatecrime_cps' },
      { nspname: 'police', owner: 'hatecrime_police' },
      { nspname: 'projection', owner: 'hatecrime_projection' },
    ]);
    const tables = await asRole('hatecrime_police', async (client) => (await client.query(`SELECT count(*)::int AS n FROM police.events`)).rows[0].n);
    expect(tables).toBeGreaterThanOrEqual(1);
  });

  it("refuses a service another agency's store", async () => {
    await expect(asRole('hatecrime_police', (client) => client.query(`SELECT * FROM cps.events`))).rejects.toThrow(/permission denied for schema cps/);
    await expect(asRole('hatecrime_cps', (client) => client.query(`INSERT INTO police.inbox (message_id) VALUES ('x')`))).rejects.toThrow(/permission denied for schema police/);
    await expect(asRole('hatecrime_projection', (client) => client.query(`SELECT * FROM courts.events`))).rejects.toThrow(/permission denied for schema courts/);
  });

  it('lets the analyst role read the statistics views and refuses it every case-level object', async () => {
    await asAdmin(async (admin) => {
      await admin.query('SET ROLE analyst');
      const views = (await admin.query(`SELECT table_name FROM information_schema.views WHERE table_schema = 'analytics' ORDER BY 1`)).rows;
      expect(views.map((view) => view.table_name)).toEqual(STATISTICS_VIEWS);
      for (const view of STATISTICS_VIEWS) await admin.query(`SELECT * FROM analytics."${view}" LIMIT 1`);
      for (const forbidden of [
        ...CASE_LEVEL_VIEWS.map((view) => `SELECT * FROM inspection.${view} LIMIT 1`),
        `SELECT * FROM inspection.case_journey('${caseId}')`,
        `SELECT * FROM inspection.case_journey_by_urn('01/KD/41873/24')`,
        `SELECT * FROM inspection.case_events('${caseId}')`,
        `SELECT * FROM inspection.flag_audit()`,
      ]) {
        await expect(admin.query(forbidden)).rejects.toThrow(/permission denied for schema inspection/);
      }
      await expect(admin.query(`SELECT * FROM projection.cases`)).rejects.toThrow(/permission denied for schema projection/);
      await expect(admin.query(`SELECT * FROM projection_v2.journeys`)).rejects.toThrow(/permission denied for schema projection_v2/);
      await expect(admin.query(`SELECT * FROM police.events`)).rejects.toThrow(/permission denied for schema police/);
    });
    // Every object of the inspection schema, listed by the catalog, not by this test's knowledge of it.
    const objects = await asAdmin(async (admin) =>
      (await admin.query(
        `SELECT c.oid::regclass::text AS name, has_table_privilege('analyst', c.oid, 'SELECT') AS readable
           FROM pg_class c WHERE c.relnamespace = 'inspection'::regnamespace
         UNION ALL
         SELECT p.oid::regprocedure::text, has_function_privilege('analyst', p.oid, 'EXECUTE')
           FROM pg_proc p WHERE p.pronamespace = 'inspection'::regnamespace`,
      )).rows,
    );
    expect(objects.length).toBeGreaterThanOrEqual(7);
    expect(objects.filter((object) => object.readable)).toEqual([]);
    expect(await asAdmin(async (admin) => (await admin.query(`SELECT has_schema_privilege('analyst', 'inspection', 'USAGE') AS usage`)).rows[0].usage)).toBe(false);
  });

  it('refuses the inspector role the tables and the case-level views, which it reads only through the functions', async () => {
    await asRole(inspectorLogin, async (inspector) => {
      for (const view of STATISTICS_VIEWS) await inspector.query(`SELECT * FROM analytics."${view}" LIMIT 1`);
      for (const view of CASE_LEVEL_VIEWS) {
        await expect(inspector.query(`SELECT * FROM inspection.${view} LIMIT 1`)).rejects.toThrow(new RegExp(`permission denied for view ${view}`));
      }
      for (const table of ['journeys', 'flag_audit', 'case_events']) {
        await expect(inspector.query(`SELECT * FROM projection_v2.${table} LIMIT 1`)).rejects.toThrow(/permission denied for schema projection_v2/);
      }
      await expect(inspector.query(`SELECT * FROM projection.cases`)).rejects.toThrow(/permission denied for schema projection/);
      await expect(inspector.query(`CREATE VIEW inspection.mine AS SELECT 1`)).rejects.toThrow(/permission denied for schema inspection/);

      const journey = (await inspector.query(`SELECT * FROM inspection.case_journey($1)`, [caseId])).rows;
      expect(journey).toEqual([expect.objectContaining({ case_id: caseId, force_code: '13', strands: ['race'], stage_reached: 'recorded' })]);
      const events = (await inspector.query(`SELECT * FROM inspection.case_events($1)`, [caseId])).rows;
      expect(events.map((event) => event.event_type)).toEqual(['CrimeRecorded']);
      await inspector.query(`SELECT * FROM inspection.flag_audit(force_code => '13', finding => 'lost', row_limit => 10)`);
      await inspector.query(`SELECT * FROM inspection.case_journey_by_urn('01/KD/41873/24')`);
    });
    expect(await accessLogOf(inspectorLogin)).toEqual([
      { actor: inspectorLogin, action: 'inspection.case_journey', case_id: caseId, db_user: inspectorLogin, db_role: null,
        reads: [{ function: 'inspection.case_journey', arguments: { case_id: caseId } }] },
      { actor: inspectorLogin, action: 'inspection.case_events', case_id: caseId, db_user: inspectorLogin, db_role: null,
        reads: [{ function: 'inspection.case_events', arguments: { case_id: caseId } }] },
      { actor: inspectorLogin, action: 'inspection.flag_audit', case_id: null, db_user: inspectorLogin, db_role: null,
        reads: [{ function: 'inspection.flag_audit', arguments: { force_code: '13', finding: 'lost', row_limit: 10, row_offset: 0 } }] },
      { actor: inspectorLogin, action: 'inspection.case_journey_by_urn', case_id: null, db_user: inspectorLogin, db_role: null,
        reads: [{ function: 'inspection.case_journey_by_urn', arguments: { urn: '01/KD/41873/24' } }] },
    ]);
  });

  it('names the role set with SET ROLE, and lets only the projection service read on behalf of an HTTP caller', async () => {
    await asAdmin(async (admin) => {
      await admin.query('SET ROLE inspector');
      await admin.query(`SELECT * FROM inspection.case_events($1)`, [caseId]);
      await expect(admin.query(`SELECT * FROM inspection.case_events($1, http_caller => 'inspector:someone else')`, [caseId])).rejects.toThrow(
        /only the projection service \(hatecrime_projection\) may read on behalf of an HTTP caller/,
      );
    });
    const [setRole] = (await accessLogOf('postgres')).filter((row) => row.case_id === caseId);
    expect(setRole).toEqual(expect.objectContaining({ actor: 'postgres', action: 'inspection.case_events', db_user: 'postgres', db_role: 'inspector' }));
    expect((await accessLogOf('postgres')).filter((row) => row.actor !== 'postgres')).toEqual([]);
  });

  it('keeps one row per HTTP read, naming the caller, the route and each function it called', async () => {
    const before = (await accessLogOf('hatecrime_projection')).length;
    await pipeline.projection.get(`/cases/${caseId}/timeline`).expect(200);
    const after = await accessLogOf('hatecrime_projection');
    expect(after.slice(before)).toEqual([
      {
        actor: 'unauthenticated', // this file calls the API without keys; test/access-control.e2e-spec.ts names the key's holder
        action: 'read-case-timeline',
        case_id: caseId,
        db_user: 'hatecrime_projection',
        db_role: null,
        reads: [
          { function: 'inspection.case_events', arguments: { case_id: caseId } },
          { function: 'inspection.flag_audit', arguments: { case_id: caseId, row_offset: 0 } },
          { function: 'inspection.case_journey', arguments: { case_id: caseId } },
        ],
      },
    ]);
  });

  it('lets the inspector neither write nor delete the access log', async () => {
    await asRole(inspectorLogin, async (inspector) => {
      for (const write of [
        `INSERT INTO projection.access_log (actor, action) VALUES ('nobody', 'nothing')`,
        `UPDATE projection.access_log SET actor = 'nobody'`,
        `DELETE FROM projection.access_log`,
        `TRUNCATE projection.access_log`,
        `SELECT projection.record_case_read('inspection.case_journey', '{}', NULL, 'nobody', 'nothing')`,
      ]) {
        await expect(inspector.query(write)).rejects.toThrow(/permission denied for schema projection/);
      }
    });
    expect(await asAdmin(async (admin) => (await admin.query(
      `SELECT bool_or(has_table_privilege('inspector', 'projection.access_log', privilege)) AS any
         FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS privilege`,
    )).rows[0].any)).toBe(false);
    expect(await accessLogOf(inspectorLogin)).toHaveLength(4);
  });
});
