/**
 * @api-auth required
 */
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { issueApiKey, revokeApiKey } from '@hc/service-kit';
import { generateDataset } from '../infra/scripts/generator';
import { createProjectionApp } from '../services/projection/src/main';
import { FUNNEL_STAGES } from '../services/projection/src/dashboard/funnel';
import { RATES } from '../services/projection/src/dashboard/outcome-rates';
import { StatisticsService } from '../services/projection/src/statistics/statistics.service';
import { publishOntoTopics, untilProjected } from './support/projection-feed';

/**
 * The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against the
 * projection service fed a known data set: signing in, the funnel's numbers against the database,
 * filters in the URL, the published figures against the public release, signing out, no key in
 * any page, and axe-core's WCAG 2.2 A/AA rules. UPDATE_SCREENSHOTS=1 writes docs/screenshots/.
 */
jest.setTimeout(180_000);

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const events = generateDataset({ seed: 23, cases: 400 }).events.map((event) => event.envelope);

type Slice = { financial_year: string; strand: string; cps_area: string; force_code: string; court_type: string };
const NATIONAL: Slice = { financial_year: 'all', strand: 'all', cps_area: 'all', force_code: 'all', court_type: 'all' };

describe('the dashboard in a browser', () => {
  let app: INestApplication;
  let database: DataSource;
  let base: string;
  let apiKey: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every page's HTML the browser was given, to look for the keys in. */
  const sources: string[] = [];
  const secrets: string[] = [];

  beforeAll(async () => {
    app = await createProjectionApp();
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    database = app.get(DataSource);
    apiKey = (await issueApiKey(database, 'projection', { principal: 'Dashboard test analyst', role: 'analyst' })).apiKey;
    await publishOntoTopics(events);
    await untilProjected(events.length, async () => {
      const response = await fetch(`${base}/projection/status`, { headers: { authorization: `Bearer ${apiKey}` } });
      return (await response.json()) as { events: number; statistics: { throughEvents: number } };
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    // bypassCSP: the pages forbid inline scripts, and axe-core is injected as one (the header is still checked below).
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    page = await context.newPage();
    page.on('response', async (response) => {
      if ((response.headers()['content-type'] ?? '').startsWith('text/html')) sources.push(await response.text().catch(() => ''));
    });
    if (SCREENSHOTS) mkdirSync('docs/screenshots', { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const funnelRow = async (slice: Slice) => {
    const [row] = await database.query(
      `SELECT * FROM analytics.attrition_funnel WHERE financial_year = $1 AND strand = $2 AND cps_area = $3 AND force_code = $4 AND court_type = $5`,
      [slice.financial_year, slice.strand, slice.cps_area, slice.force_code, slice.court_type],
    );
    return FUNNEL_STAGES.map((stage) => Number(row[stage.column]));
  };
  /** The funnel table's counts as the page shows them: a number, or null for "[c] withheld". */
  const shownCounts = () =>
    page.$$eval('table.govuk-table tbody tr', (rows) =>
      rows.map((row) => {
        const text = row.querySelectorAll('td')[0]!.textContent!.trim();
        return text.startsWith('[c]') ? null : Number(text.replace(/,/g, ''));
      }),
    );
  const signIn = async (key: string) => {
    await page.goto(`${base}/dashboard/sign-in`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const axe = async () => {
    await page.addScriptTag({ path: require.resolve('axe-core') });
    const violations = await page.evaluate(async (tags) => {
      // In the page: axe-core's global, and the document (the tests compile without the DOM types).
      const inPage = globalThis as unknown as { document: unknown; axe: { run: (context: unknown, options: unknown) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown }> }> }> } };
      const result = await inPage.axe.run(inPage.document, { runOnly: { type: 'tag', values: tags } });
      return result.violations.map((violation) => `${violation.id}: ${JSON.stringify(violation.nodes.map((node) => node.target))}`);
    }, AXE_TAGS);
    expect(violations).toEqual([]);
  };

  it('sends a visitor without a session to sign in, and the sign-in page passes axe', async () => {
    const response = await page.goto(`${base}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
    expect(response!.headers()).toMatchObject({ 'cache-control': 'no-store', 'x-frame-options': 'DENY', 'content-security-policy': expect.stringMatching(/script-src 'self' 'nonce-/) });
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Sign in to the hate crime statistics');
    await axe();
    if (SCREENSHOTS) await page.screenshot({ path: 'docs/screenshots/dashboard-sign-in.png', fullPage: true });
  });

  it('refuses a wrong key, with a message tied to the field', async () => {
    await page.getByLabel('API key').fill('hc_0123456789abcdef.not-the-right-secret-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toMatch(/not recognised/);
    await axe();
  });

  it('signs in with an analyst key: an HttpOnly, SameSite=Strict cookie for /dashboard, and the funnel shows the database numbers', async () => {
    await page.getByLabel('API key').fill(apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/dashboard`);
    const [cookie] = (await context.cookies()).filter((candidate) => candidate.name === 'hc_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/dashboard', secure: false });
    const [stored] = await database.query(`SELECT key_id, role, principal FROM projection.dashboard_sessions`);
    expect(stored).toMatchObject({ key_id: apiKey.slice(3, 19), role: 'analyst', principal: 'Dashboard test analyst' });
    expect(await shownCounts()).toEqual(await funnelRow(NATIONAL));
    await expect(page.locator('svg[role="img"] desc').textContent()).resolves.toContain(`Recorded: ${(await funnelRow(NATIONAL))[0]!.toLocaleString('en-GB')} cases`);
    await axe();
    if (SCREENSHOTS) await page.screenshot({ path: 'docs/screenshots/dashboard-funnel.png', fullPage: true });
  });

  it('changes the URL and the numbers when a filter changes', async () => {
    const [{ year }] = await database.query(
      `SELECT financial_year AS year FROM analytics.attrition_funnel WHERE financial_year <> 'all' AND strand = 'race' AND cps_area = 'all' AND court_type = 'all' ORDER BY recorded DESC LIMIT 1`,
    );
    await page.getByLabel('Financial year recorded', { exact: true }).selectOption(year);
    await page.getByLabel('Strand', { exact: true }).selectOption('race');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/strand=race/);
    const url = new URL(page.url());
    expect(url.searchParams.get('year')).toBe(year);
    const slice = { ...NATIONAL, financial_year: year, strand: 'race' };
    const shown = await shownCounts();
    expect(shown).toEqual(await funnelRow(slice));
    expect(shown).not.toEqual(await funnelRow(NATIONAL));
    // The link alone reproduces the view.
    await page.goto(url.toString());
    expect(await shownCounts()).toEqual(shown);
  });

  it('with published figures, withholds exactly what the public release withholds, and states the threshold', async () => {
    const release = await app.get(StatisticsService).publicRelease();
    const rows = release.tables.get('attrition_funnel')!;
    // A slice with some figures withheld and others shown, its cases shown if there is one such.
    const partly = rows.filter((row) => row.suppressed.length > 0 && row.suppressed.length < FUNNEL_STAGES.length);
    const shownLater = (row: (typeof rows)[number]) => FUNNEL_STAGES.slice(1).some((stage) => !row.suppressed.includes(stage.column) && Number(row[stage.column]) > 0);
    const withheld = partly.find((row) => !row.suppressed.includes('recorded') && shownLater(row)) ?? partly[0]!;
    expect(withheld).toBeDefined();
    const query = new URLSearchParams({
      year: String(withheld.financial_year), strand: String(withheld.strand), cpsArea: String(withheld.cps_area),
      force: String(withheld.force_code), courtType: String(withheld.court_type), published: 'true',
    });
    await page.goto(`${base}/dashboard?${query}`);
    const expected = FUNNEL_STAGES.map((stage) => (withheld.suppressed.includes(stage.column) ? null : Number(withheld[stage.column])));
    expect(await shownCounts()).toEqual(expected);
    await expect(page.locator('.govuk-inset-text').first().textContent()).resolves.toContain(`under the threshold of ${release.threshold}`);
    // And the same slice with all figures shows every count.
    query.set('published', 'false');
    await page.goto(`${base}/dashboard?${query}`);
    expect(await shownCounts()).toEqual(await funnelRow(withheld as unknown as Slice));
    await axe();
    if (SCREENSHOTS) {
      query.set('published', 'true');
      await page.goto(`${base}/dashboard?${query}`);
      await page.screenshot({ path: 'docs/screenshots/dashboard-funnel-published.png', fullPage: true });
    }
  });

  it('shows the outcome rates of the same slice, numerators and denominators as the database holds them, all or published', async () => {
    await page.goto(`${base}/dashboard?year=all&strand=race&cpsArea=all&force=all&courtType=all&published=false`);
    await page.getByRole('link', { name: 'Outcome rates' }).click();
    await page.waitForURL(/\/dashboard\/outcome-rates\?/);
    expect(new URL(page.url()).searchParams.get('strand')).toBe('race');
    const shownRates = () =>
      page.$$eval('table.govuk-table tbody tr', (rows) =>
        rows.map((row) =>
          [...row.querySelectorAll('td')].slice(0, 2).map((cell) => {
            const text = cell.textContent!.trim();
            return text.startsWith('[c]') ? null : Number(text.replace(/,/g, ''));
          }),
        ),
      );
    const [exact] = await database.query(
      `SELECT * FROM analytics.outcome_rates WHERE financial_year = 'all' AND strand = 'race' AND cps_area = 'all' AND force_code = 'all' AND court_type = 'all'`,
    );
    expect(await shownRates()).toEqual(RATES.map((rate) => [Number(exact[rate.numerator]), Number(exact[rate.denominator])]));
    await axe();
    if (SCREENSHOTS) await page.screenshot({ path: 'docs/screenshots/dashboard-outcome-rates.png', fullPage: true });

    const release = await app.get(StatisticsService).publicRelease();
    const published = release.tables.get('outcome_rates')!.find((row) => row.suppressed.length > 0 && row.suppressed.length < 10)!;
    const query = new URLSearchParams({
      year: String(published.financial_year), strand: String(published.strand), cpsArea: String(published.cps_area),
      force: String(published.force_code), courtType: String(published.court_type), published: 'true',
    });
    await page.goto(`${base}/dashboard/outcome-rates?${query}`);
    const shown = (column: string) => (published.suppressed.includes(column) ? null : Number(published[column]));
    expect(await shownRates()).toEqual(RATES.map((rate) => [shown(rate.numerator), shown(rate.denominator)]));
  });

  it('explains a filter it cannot use', async () => {
    await page.goto(`${base}/dashboard?force=06&cpsArea=London%20North`);
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toMatch(/Greater Manchester is in CPS North West/);
    await axe();
  });

  it('refuses a key of another role, saying which key to use', async () => {
    const police = await issueApiKey(database, 'projection', { principal: 'Police system', role: 'police' });
    secrets.push(police.apiKey.split('.')[1]!);
    await signIn(police.apiKey);
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toMatch(/This is a police key\. Sign in with an analyst or inspector key/);
  });

  it('ends a session idle too long, or whose key is revoked, and says so', async () => {
    await database.query(`UPDATE projection.dashboard_sessions SET idle_expires_at = now() - interval '1 second'`);
    await page.goto(`${base}/dashboard`);
    expect(page.url()).toBe(`${base}/dashboard/sign-in?expired=1`);
    await expect(page.locator('.govuk-notification-banner').textContent()).resolves.toMatch(/Your session has ended/);
    await axe();
    await expect(database.query(`SELECT * FROM projection.dashboard_sessions`)).resolves.toEqual([]);
    const second = await issueApiKey(database, 'projection', { principal: 'Second analyst', role: 'analyst' });
    secrets.push(second.apiKey.split('.')[1]!);
    await signIn(second.apiKey);
    await page.waitForURL(`${base}/dashboard`);
    await revokeApiKey(database, 'projection', second.keyId);
    await page.goto(`${base}/dashboard`);
    expect(page.url()).toBe(`${base}/dashboard/sign-in?expired=1`);
    await signIn(apiKey);
    await page.waitForURL(`${base}/dashboard`);
    // Signing in again replaces the session: one row, a new id.
    const before = (await context.cookies()).find((cookie) => cookie.name === 'hc_session')!.value;
    await signIn(apiKey);
    await page.waitForURL(`${base}/dashboard`);
    expect((await context.cookies()).find((cookie) => cookie.name === 'hc_session')!.value).not.toBe(before);
    await expect(database.query(`SELECT key_id FROM projection.dashboard_sessions`)).resolves.toHaveLength(1);
  });

  it('refuses a sign-out without the session\'s CSRF token and a sign-in posted from another site, and signs out with it', async () => {
    const forged = await page.request.post(`${base}/dashboard/sign-out`, { form: { csrfToken: 'forged' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    const crossSite = await page.request.post(`${base}/dashboard/sign-in`, { form: { apiKey }, headers: { origin: 'https://elsewhere.example' }, maxRedirects: 0 });
    expect(crossSite.status()).toBe(403);
    await page.goto(`${base}/dashboard`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/dashboard\/sign-in\?signedOut=1/);
    await page.goto(`${base}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');
    await expect(database.query(`SELECT * FROM projection.dashboard_sessions`)).resolves.toEqual([]);
    const log: Array<{ action: string }> = await database.query(`SELECT action FROM projection.access_log WHERE action LIKE 'dashboard-%' ORDER BY id`);
    expect(log.map((row) => row.action)).toEqual([
      'dashboard-sign-in-refused key 0123456789abcdef',
      'dashboard-sign-in',
      expect.stringMatching(/^dashboard-sign-in-refused police key [0-9a-f]{16}$/),
      'dashboard-sign-in',
      'dashboard-sign-in',
      'dashboard-sign-in',
      'dashboard-sign-out',
    ]);
  });

  it('never puts an API key in a page', () => {
    secrets.push(apiKey.split('.')[1]!);
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) for (const secret of secrets) expect(source).not.toContain(secret);
  });
});
