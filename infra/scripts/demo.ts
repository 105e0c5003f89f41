import { DataSource } from 'typeorm';
import { environment } from '@hc/config';
import { issueApiKey } from '@hc/service-kit';
import { driveCase, expectedEventCount, waitFor, type HttpClient, type Service } from './case-driver';
import { DEMO_CASES } from './demo-cases';

/**
 * The demo's driver: waits for the four services, sends the demo cases through the police, CPS and
 * court APIs, waits until the projection has every event, and prints the statistics.
 */
function baseUrl(service: Service): string {
  const config = environment();
  const port = { police: config.POLICE_PORT, cps: config.CPS_PORT, courts: config.COURTS_PORT, projection: config.PROJECTION_PORT }[service];
  return `http://127.0.0.1:${port}`;
}

/** The API key each demo client presents: one per agency system, and an inspector's for the statistics. */
const apiKeys: Partial<Record<Service, string>> = {};
/** An analyst's key for the dashboard, printed at the end (a person signs in with it: docs/dashboard.md). */
let dashboardKey = '';

async function issueDemoKeys(): Promise<void> {
  const dataSource = await new DataSource({ type: 'postgres', url: environment().DATABASE_URL }).initialize();
  try {
    apiKeys.police = (await issueApiKey(dataSource, 'police', { principal: 'Demo national police system', role: 'police' })).apiKey;
    apiKeys.cps = (await issueApiKey(dataSource, 'cps', { principal: 'Demo CPS case management', role: 'cps' })).apiKey;
    apiKeys.courts = (await issueApiKey(dataSource, 'courts', { principal: 'Demo court system', role: 'courts' })).apiKey;
    apiKeys.projection = (await issueApiKey(dataSource, 'projection', { principal: 'Demo inspector', role: 'inspector' })).apiKey;
    dashboardKey = (await issueApiKey(dataSource, 'projection', { principal: 'Demo analyst', role: 'analyst' })).apiKey;
  } finally {
    await dataSource.destroy();
  }
}

const headers = (service: Service) => ({ 'content-type': 'application/json', authorization: `Bearer ${apiKeys[service]}` });

const http: HttpClient = {
  async post(service, path, body) {
    const response = await fetch(`${baseUrl(service)}${path}`, { method: 'POST', headers: headers(service), body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  },
  async get(service, path) {
    const response = await fetch(`${baseUrl(service)}${path}`, { headers: headers(service) });
    return { status: response.status, body: await response.json() };
  },
};

async function healthy(service: Service): Promise<boolean> {
  try {
    return (await fetch(`${baseUrl(service)}/health`)).ok;
  } catch {
    return false;
  }
}

function printTable(rows: Array<Record<string, unknown>>, columns: Array<[string, string]>): void {
  const show = (key: string, value: unknown) =>
    value === null || value === undefined ? '-' : key.endsWith('_pct') ? Number(value).toFixed(1) : String(value);
  const cells = rows.map((row) => columns.map(([key]) => show(key, row[key])));
  const widths = columns.map(([, title], i) => Math.max(title.length, ...cells.map((cell) => cell[i]!.length)));
  const line = (values: string[]) => values.map((value, i) => (i === 0 ? value.padEnd(widths[i]!) : value.padStart(widths[i]!))).join('  ');
  console.log(line(columns.map(([, title]) => title)));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const cell of cells) console.log(line(cell));
}

async function main(): Promise<void> {
  const services: Service[] = ['police', 'cps', 'courts', 'projection'];
  for (const service of services) await waitFor(`the ${service} service`, () => healthy(service), 90000);
  await issueDemoKeys();
  console.log('All four services are up; API keys issued. Sending the demo cases through the police, CPS and court APIs...\n');

  const driven = await Promise.all(DEMO_CASES.map((script) => driveCase(http, script)));
  for (const [i, script] of DEMO_CASES.entries()) console.log(`  case ${driven[i]!.caseId}  ${script.label}`);

  const expected = DEMO_CASES.reduce((sum, script) => sum + expectedEventCount(script), 0);
  await waitFor(`the projection to hold all ${expected} events`, async () => {
    const status = await http.get('projection', '/projection/status');
    // And the statistics recomputed through them: the dashboard shows those (attrition by strand is exact at once).
    return status.body.events === expected && status.body.statistics.throughEvents === expected;
  }, 60000);
  console.log(`\nThe projection holds all ${expected} events of ${DEMO_CASES.length} cases.\n`);

  const first = driven[5]!;
  const journey = await http.get('projection', `/cases/${first.caseId}/journey`);
  const row = journey.body.defendants[0];
  console.log(`The flag of one case at each hand-over (${DEMO_CASES[5]!.label}):`);
  console.log(`  police recorded: ${row.police_strands.join(', ')}; referred: ${row.referral_strands.join(', ')}; CPS holds: ${row.cps_strands.join(', ')}; court holds: ${row.court_strands.join(', ')}`);
  console.log(`  stage reached: ${row.stage_reached}; uplift applied: ${row.uplift_applied}; ${journey.body.events.length} events across three agencies\n`);

  const statistics = await http.get('projection', '/statistics/attrition-by-strand');
  console.log('Attrition and uplift by strand (police-flagged hate crimes; defendants from suspect identification on):\n');
  printTable(statistics.body, [
    ['strand', 'strand'], ['recorded', 'recorded'], ['suspects_identified', 'suspects'], ['referred_to_cps', 'referred'],
    ['pre_charge_decisions', 'decisions'], ['charged', 'charged'], ['convicted', 'convicted'], ['sentenced', 'sentenced'],
    ['uplift_announced', 'uplift'], ['charge_rate_pct', 'charge %'], ['uplift_rate_pct', 'uplift %'],
  ]);
  const config = environment();
  console.log(
    `\nThe dashboard of these figures is ${baseUrl('projection')}/dashboard while the projection runs; the demo stops it now. ` +
      'To open it afterwards, start the projection on the demo database (README, "The dashboard") and sign in with this analyst key:\n' +
      `  DATABASE_URL='${config.DATABASE_URL}' KAFKA_TOPIC_PREFIX='${config.KAFKA_TOPIC_PREFIX}' npm run start:projection\n` +
      `  ${dashboardKey}`,
  );
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exit(1);
});
