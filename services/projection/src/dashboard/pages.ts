import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type Response } from 'express';
import nunjucks from 'nunjucks';

/** govuk-frontend's `dist`: its Nunjucks macros and layout (`govuk/...`), CSS, JS, fonts and images. */
const GOVUK_DIST = join(dirname(require.resolve('govuk-frontend/package.json')), 'dist');

/**
 * The dashboard's own files (templates, a stylesheet, a script) sit beside this source file; the
 * compiled service (dist/...) reads them from the source tree, since tsc copies only TypeScript.
 */
function ownDirectory(name: string): string {
  const candidates = [join(__dirname, name), join(__dirname.replace(`${sep}dist${sep}`, sep), name)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`the dashboard's ${name} are not at ${candidates.join(' or ')}`);
  return found;
}

export const ASSET_PATH = '/dashboard/assets';

const templates = new nunjucks.Environment(new nunjucks.FileSystemLoader([ownDirectory('views'), GOVUK_DIST], { noCache: false }), {
  autoescape: true,
  throwOnUndefined: false,
});

/**
 * Renders a page with the headers every dashboard page carries: never cached (it may hold
 * figures a later session must not see), never framed, and a Content-Security-Policy that allows
 * only this service's own files plus the layout's one inline script, by nonce.
 */
export function renderPage(response: Response, status: number, template: string, context: Record<string, unknown>): void {
  const cspNonce = randomBytes(16).toString('base64');
  const html = templates.render(template, { assetPath: ASSET_PATH, cspNonce, ...context });
  response
    .status(status)
    .set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'same-origin',
      'Content-Security-Policy':
        `default-src 'self'; script-src 'self' 'nonce-${cspNonce}'; style-src 'self'; img-src 'self' data:; ` +
        `font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'`,
    })
    .send(html);
}

/**
 * Serves govuk-frontend's CSS, JS, fonts and images, and the dashboard's own stylesheet and script,
 * under /dashboard/assets/ from the installed packages (no CDN). The precompiled stylesheet names
 * its fonts and images at /assets/: it is served with those URLs moved under /dashboard/assets/.
 */
export function serveDashboardAssets(app: NestExpressApplication): void {
  const css = readFileSync(join(GOVUK_DIST, 'govuk', 'govuk-frontend.min.css'), 'utf8').replace(/url\(\/assets\//g, `url(${ASSET_PATH}/`);
  const cache = { maxAge: '1h', fallthrough: false, index: false } as const;
  app.use(`${ASSET_PATH}/govuk-frontend.min.css`, (_request: unknown, response: Response) => {
    response.set({ 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }).send(css);
  });
  app.use(`${ASSET_PATH}/govuk-frontend.min.js`, (_request: unknown, response: Response) => {
    response.sendFile(join(GOVUK_DIST, 'govuk', 'govuk-frontend.min.js'), { maxAge: '1h' });
  });
  app.use(`${ASSET_PATH}/app`, express.static(ownDirectory('assets'), cache));
  app.use(ASSET_PATH, express.static(join(GOVUK_DIST, 'govuk', 'assets'), cache));
}
