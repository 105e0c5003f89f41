/**
 * @api-auth required
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { issueApiKey, revokeApiKey } from '@hc/service-kit';
import { pollUntil, startPipeline, type Pipeline } from './support/pipeline';

/** Each agency system may send only its own agency's commands, for cases it holds; reads of case data are logged. */
describe('access control', () => {
  let pipeline: Pipeline;
  const keys: Record<string, string> = {};
  const bearer = (name: string) => `Bearer ${keys[name]}`;
  const crime = (forceCode: string) => ({
    crimeReference: `AC/${randomUUID()}`,
    forceCode,
    offences: [{ offenceId: 'o1', code: '105A' }],
    hateCrime: { strands: ['race'], perceivedBy: ['victim'] },
  });

  beforeAll(async () => {
    pipeline = await startPipeline();
    const issue = async (name: string, service: 'police' | 'cps' | 'courts' | 'projection', grant: Parameters<typeof issueApiKey>[2]) => {
      keys[name] = (await issueApiKey(pipeline.apps[service].get(DataSource), service, grant)).apiKey;
    };
    await issue('gmp', 'police', { principal: 'Greater Manchester Police', role: 'police', scope: '06' });
    await issue('national-police', 'police', { principal: 'National police system', role: 'police' });
    await issue('police-inspector', 'police', { principal: 'HMICFRS inspector', role: 'inspector' });
    await issue('cps', 'cps', { principal: 'CPS case management', role: 'cps' });
    await issue('cps-london-north', 'cps', { principal: 'CPS London North', role: 'cps', scope: 'London North' });
    await issue('cps-north-west', 'cps', { principal: 'CPS North West', role: 'cps', scope: 'North West' });
    await issue('cps-analyst', 'cps', { principal: 'Analyst with a CPS key', role: 'analyst' });
    await issue('analyst', 'projection', { principal: 'Home Office statistician', role: 'analyst' });
    await issue('inspector', 'projection', { principal: 'HMCPSI inspector', role: 'inspector' });
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('lets anyone check health, and nobody without a key send a command', async () => {
    await pipeline.police.get('/health').expect(200);
    const response = await pipeline.police.post('/cases').send(crime('06')).expect(401);
    expect(response.body.message).toMatch(/Authorization: Bearer/);
    await pipeline.police.post('/cases').set('authorization', 'Bearer hc_0123456789abcdef.not-the-right-secret-at-all').send(crime('06')).expect(401);
  });

  it("accepts a force's own crimes and refuses another force's", async () => {
    await pipeline.police.post('/cases').set('authorization', bearer('gmp')).send(crime('06')).expect(201);
    const refused = await pipeline.police.post('/cases').set('authorization', bearer('gmp')).send(crime('01')).expect(403);
    expect(refused.body.message).toMatch(/acts for force 06, not for force 01/);
  });

  it("refuses a force's key on a case another force holds", async () => {
    const met = await pipeline.police.post('/cases').set('authorization', bearer('national-police')).send(crime('01')).expect(201);
    await pipeline.police.post(`/cases/${met.body.caseId}/suspects`).set('authorization', bearer('gmp')).send({}).expect(403);
  });

  it("scopes Idempotency-Keys to the system that sends them: one force's key never blocks another's command", async () => {
    const key = `crime-${randomUUID()}`;
    const gmp = await pipeline.police.post('/cases').set('authorization', bearer('gmp')).set('Idempotency-Key', key).send(crime('06')).expect(201);
    const national = await pipeline.police.post('/cases').set('authorization', bearer('national-police')).set('Idempotency-Key', key).send(crime('01')).expect(201);
    expect(national.body.caseId).not.toBe(gmp.body.caseId);
    const again = await pipeline.police.post('/cases').set('authorization', bearer('gmp')).set('Idempotency-Key', key).send(crime('06')).expect(409);
    expect(again.body.code).toBe('idempotency_key_reused');
  });

  it("answers a bulk line outside the key's force 403, so the nightly job does not send it again for ever", async () => {
    const met = await pipeline.police.post('/cases').set('authorization', bearer('national-police')).send(crime('01')).expect(201);
    const ndjson = [
      JSON.stringify({ command: 'IdentifySuspect', params: { caseId: met.body.caseId }, body: {} }),
      JSON.stringify({ command: 'RecordCrime', body: crime('06') }),
    ].join('\n');
    const response = await pipeline.police.post('/cases/bulk').set('authorization', bearer('gmp')).set('Content-Type', 'application/x-ndjson').send(ndjson).expect(200);
    expect(response.body.results.map((result: { status: number; message?: string }) => [result.status, result.status === 403 ? result.message : undefined])).toEqual([
      [403, expect.stringMatching(/acts for force 06, not for force 01/)],
      [201, undefined],
    ]);
  });

  it("keeps a force's key away from another force's personal details: no read, no overwrite, no erasure", async () => {
    const met = await pipeline.police.post('/cases').set('authorization', bearer('national-police')).send(crime('01')).expect(201);
    const suspect = await pipeline.police.post(`/cases/${met.body.caseId}/suspects`).set('authorization', bearer('national-police')).send({}).expect(201);
    const path = `/cases/${met.body.caseId}/people/${suspect.body.suspectId}`;
    await pipeline.police.put(path).set('authorization', bearer('national-police')).send({ role: 'suspect', name: 'Kept In Force' }).expect(200);
    await pipeline.police.get(path).set('authorization', bearer('gmp')).expect(403);
    await pipeline.police.put(path).set('authorization', bearer('gmp')).send({ role: 'suspect', name: 'Overwritten' }).expect(403);
    await pipeline.police.delete(`/people/${suspect.body.suspectId}`).set('authorization', bearer('gmp')).send({ reason: 'Erasure request' }).expect(403);
    const read = await pipeline.police.get(path).set('authorization', bearer('national-police')).expect(200);
    expect(read.body.name).toBe('Kept In Force');
  });

  it("refuses a force's key reading a case another force holds, and logs the attempt", async () => {
    const met = await pipeline.police.post('/cases').set('authorization', bearer('national-police')).send(crime('01')).expect(201);
    const refused = await pipeline.police.get(`/cases/${met.body.caseId}`).set('authorization', bearer('gmp')).expect(403);
    expect(refused.body.message).toMatch(/acts for force 06, not for force 01/);
    await pipeline.police.get(`/cases/${met.body.caseId}`).set('authorization', bearer('national-police')).expect(200);
    const log = await pipeline.apps.police.get(DataSource).query(`SELECT actor FROM police.access_log WHERE case_id = $1 ORDER BY id`, [met.body.caseId]);
    expect(log.map((row: { actor: string }) => row.actor.split(' (')[0])).toEqual(['police:Greater Manchester Police', 'police:National police system']);
  });

  it("lets a CPS area's key act on and read its area's cases only", async () => {
    // A Metropolitan Police case goes to CPS London North.
    const met = await pipeline.police.post('/cases').set('authorization', bearer('national-police')).send(crime('01')).expect(201);
    const caseId: string = met.body.caseId;
    await pipeline.police.post(`/cases/${caseId}/suspects`).set('authorization', bearer('national-police')).send({ suspectId: randomUUID() }).expect(201);
    await pipeline.police
      .post(`/cases/${caseId}/referral`)
      .set('authorization', bearer('national-police'))
      .send({ urn: `01/AC/${Math.floor(Math.random() * 9_999_999)}/24`, victimNeedsPassedOn: true })
      .expect(201);
    await pollUntil('the CPS to receive the case', async () =>
      (await pipeline.cps.get(`/cases/${caseId}`).set('authorization', bearer('cps'))).status === 200 ? true : undefined,
    );
    const read = await pipeline.cps.get(`/cases/${caseId}`).set('authorization', bearer('cps-north-west')).expect(403);
    expect(read.body.message).toMatch(/acts for CPS area North West, not for CPS area London North/);
    await pipeline.cps.post(`/cases/${caseId}/flag/confirmation`).set('authorization', bearer('cps-north-west')).send({}).expect(403);
    await pipeline.cps.get(`/cases/${caseId}`).set('authorization', bearer('cps-london-north')).expect(200);
    await pipeline.cps.post(`/cases/${caseId}/flag/confirmation`).set('authorization', bearer('cps-london-north')).send({}).expect(201);
  });

  it('issues a scoped key only for a force or CPS area that exists, and national keys elsewhere', async () => {
    await expect(issueApiKey(pipeline.apps.cps.get(DataSource), 'cps', { principal: 'Typo', role: 'cps', scope: 'London Nort' })).rejects.toThrow(
      /London Nort is not a CPS area; one of: .*London North/,
    );
    await expect(issueApiKey(pipeline.apps.police.get(DataSource), 'police', { principal: 'Typo', role: 'police', scope: '99' })).rejects.toThrow(/99 is not a force/);
    await expect(issueApiKey(pipeline.apps.courts.get(DataSource), 'courts', { principal: 'Court', role: 'courts', scope: '06' })).rejects.toThrow(
      /keys of the courts service are national/,
    );
  });

  it("refuses a police key at the CPS, and a role that may not send the CPS's commands", async () => {
    const caseId = randomUUID();
    await pipeline.cps.post(`/cases/${caseId}/flag`).set('authorization', bearer('gmp')).send({}).expect(401);
    const analyst = await pipeline.cps.post(`/cases/${caseId}/flag`).set('authorization', bearer('cps-analyst')).send({}).expect(403);
    expect(analyst.body.message).toMatch(/analyst key may not do this/);
  });

  it('lets an inspector read a case, and logs the read', async () => {
    const recorded = await pipeline.police.post('/cases').set('authorization', bearer('gmp')).send(crime('06')).expect(201);
    await pipeline.police.get(`/cases/${recorded.body.caseId}`).set('authorization', bearer('police-inspector')).expect(200);
    await pipeline.police.post('/cases').set('authorization', bearer('police-inspector')).send(crime('06')).expect(403);
    const log = await pipeline.apps.police
      .get(DataSource)
      .query(`SELECT actor, action FROM police.access_log WHERE case_id = $1`, [recorded.body.caseId]);
    expect(log).toEqual([{ actor: expect.stringMatching(/^inspector:HMICFRS inspector \([0-9a-f]{16}\)$/), action: 'read-case' }]);
  });

  it('lets analysts read statistics but not case-level data, which inspectors read with a log entry', async () => {
    const recorded = await pipeline.police.post('/cases').set('authorization', bearer('gmp')).send(crime('06')).expect(201);
    const caseId: string = recorded.body.caseId;
    await pollUntil('the projection to hold the case', async () => {
      const journey = await pipeline.projection.get(`/cases/${caseId}/journey`).set('authorization', bearer('inspector'));
      return journey.status === 200 ? true : undefined;
    });
    await pipeline.projection.get('/statistics/attrition-by-strand').set('authorization', bearer('analyst')).expect(200);
    await pipeline.projection.get('/statistics/attrition-by-strand').expect(401);
    await pipeline.projection.get(`/cases/${caseId}/journey`).set('authorization', bearer('analyst')).expect(403);
    await pipeline.projection.get(`/cases/${caseId}/timeline`).set('authorization', bearer('analyst')).expect(403);
    await pipeline.projection.get(`/cases/${caseId}/timeline`).set('authorization', bearer('inspector')).expect(200);
    const log = await pipeline.apps.projection
      .get(DataSource)
      .query(`SELECT action FROM projection.access_log WHERE case_id = $1 AND actor LIKE 'inspector:HMCPSI inspector%' ORDER BY id`, [caseId]);
    expect(log.map((row: { action: string }) => row.action)).toEqual(expect.arrayContaining(['read-case-journey', 'read-case-timeline']));
    // The route read through the inspection functions, each call listed in its one row.
    const timeline = await pipeline.apps.projection
      .get(DataSource)
      .query(`SELECT reads FROM projection.access_log WHERE case_id = $1 AND action = 'read-case-timeline' AND actor LIKE 'inspector:HMCPSI inspector%'`, [caseId]);
    expect(timeline).toEqual([
      { reads: ['inspection.case_events', 'inspection.flag_audit', 'inspection.case_journey'].map((name) => expect.objectContaining({ function: name })) },
    ]);
    const refused = await pipeline.apps.projection
      .get(DataSource)
      .query(`SELECT action FROM projection.access_log WHERE case_id = $1 AND actor LIKE 'analyst:Home Office statistician%' ORDER BY id`, [caseId]);
    expect(refused.map((row: { action: string }) => row.action)).toEqual(['refused-read /cases/:caseId/journey', 'refused-read /cases/:caseId/timeline']);
  });

  it('refuses a revoked key', async () => {
    const { keyId, apiKey } = await issueApiKey(pipeline.apps.police.get(DataSource), 'police', { principal: 'Retired system', role: 'police' });
    await pipeline.police.post('/cases').set('authorization', `Bearer ${apiKey}`).send(crime('20')).expect(201);
    expect(await revokeApiKey(pipeline.apps.police.get(DataSource), 'police', keyId)).toBe(true);
    await pipeline.police.post('/cases').set('authorization', `Bearer ${apiKey}`).send(crime('20')).expect(401);
  });
});
