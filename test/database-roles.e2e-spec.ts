/**
 * @database-roles per-service
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { environment } from '@hc/config';
import { urlAsRole } from '../libs/config/src/database-admin';
import { pollUntil, startPipeline, type Pipeline } from './support/pipeline';

/** Each service connects as its own role, owns its schema and reaches no other; analysts read analytics only. */
describe('database roles', () => {
  let pipeline: Pipeline;
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
    await pollUntil('the projection to hold the case', async () =>
      (await pipeline.projection.get(`/cases/${recorded.body.caseId}/journey`)).status === 200 ? true : undefined,
    );
  });

  afterAll(async () => {
    await pipeline?.close();
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

  it('lets the analyst role read the analytics views and nothing else', async () => {
    const admin = new Client({ connectionString: environment().DATABASE_URL });
    await admin.connect();
    try {
      await admin.query('SET ROLE analyst');
      const views = (await admin.query(`SELECT table_name FROM information_schema.views WHERE table_schema = 'analytics'`)).rows;
      expect(views.length).toBeGreaterThan(0);
      for (const { table_name: view } of views) await admin.query(`SELECT * FROM analytics."${view}" LIMIT 1`);
      await expect(admin.query(`SELECT * FROM projection.cases`)).rejects.toThrow(/permission denied for schema projection/);
      await expect(admin.query(`SELECT * FROM police.events`)).rejects.toThrow(/permission denied for schema police/);
    } finally {
      await admin.end();
    }
  });
});
