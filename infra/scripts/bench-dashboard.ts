import { chromium } from 'playwright-core';

/**
 * The dashboard's render times in a real browser (Debian's Chromium through playwright-core), at
 * whatever volume the projection it is pointed at holds: the first view after signing in, a
 * filter change (the GET form's next page), the published figures and the outcome rates. Each is
 * the browser's own navigation timing (start to load event), the median of five after a warm-up.
 * Part of `npm run bench`, which prints these beside the targets of issue 11.
 */
export const FIRST_VIEW_TARGET_MS = 1000;
export const FILTER_CHANGE_TARGET_MS = 300;

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface RenderTimes {
  readonly label: string;
  readonly ms: number;
  readonly target: number;
}

export async function dashboardRenderTimes(base: string, apiKey: string): Promise<RenderTimes[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${base}/dashboard/sign-in`);
    await page.fill('#apiKey', apiKey);
    await Promise.all([page.waitForURL(`${base}/dashboard**`), page.click('button.govuk-button')]);
    /** The browser's time from navigation start to the load event of `path`, median of 5 after one warm-up. */
    const timed = async (path: string, from?: string): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 6; i++) {
        if (from) await page.goto(`${base}${from}`);
        await page.goto(`${base}${path}`, { waitUntil: 'load' });
        // In the page (the project's TypeScript has no DOM types): the navigation's own timing.
        const ms = Number(await page.evaluate(`(() => { const [n] = performance.getEntriesByType('navigation'); return n.loadEventEnd - n.startTime; })()`));
        if (i > 0) times.push(ms);
      }
      return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
    };
    return [
      { label: 'first view: /dashboard (national funnel)', ms: await timed('/dashboard'), target: FIRST_VIEW_TARGET_MS },
      { label: 'filter change: strand race, force 01', ms: await timed('/dashboard?strand=race&force=01', '/dashboard'), target: FILTER_CHANGE_TARGET_MS },
      { label: 'filter change: 2018/19, Crown Court', ms: await timed('/dashboard?year=2018/19&courtType=crown', '/dashboard'), target: FILTER_CHANGE_TARGET_MS },
      { label: 'filter change: published figures', ms: await timed('/dashboard?published=true', '/dashboard'), target: FILTER_CHANGE_TARGET_MS },
      { label: 'first view: /dashboard/outcome-rates', ms: await timed('/dashboard/outcome-rates'), target: FIRST_VIEW_TARGET_MS },
    ];
  } finally {
    await browser.close();
  }
}
