import { Body, Controller, Get, HttpException, Logger, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AccessLog, actAs, apiKeyIdOf, findApiKey, Public } from '@hc/service-kit';
import { DataSource } from 'typeorm';
import { ATTRITION_FUNNEL, OUTCOME_RATES } from '../statistics/statistics-tables';
import { StatisticsService, type PublicRelease, type StatisticsRequest } from '../statistics/statistics.service';
import { csrfTokenMatches, DashboardSessions, SESSION_IDLE_MINUTES, SESSION_MAX_HOURS, type DashboardSession } from './dashboard-sessions';
import { DashboardErrorFilter } from './dashboard-error.filter';
import { funnelPage } from './funnel-page';
import { outcomeRatesPage } from './outcome-rates-page';
import type { SlicePageInput } from './slice-page';
import { parseSliceFilters } from './slice-filters';
import { renderPage } from './pages';

export const SESSION_COOKIE = 'hc_session';
const DASHBOARD_ROLES = new Set(['analyst', 'inspector']);

/**
 * The dashboard, served by the projection: pages rendered on the server from StatisticsService
 * (the statistics API's own reads and public release). The routes take no Bearer key (`@Public`
 * lets them past the API key guard; the rate limit still counts them, per client): a person
 * signs in once with a key and the session cookie stands for it. Not in the OpenAPI documents.
 */
@ApiExcludeController()
@Public()
@UseFilters(DashboardErrorFilter)
@Controller('dashboard')
export class DashboardController {
  private readonly logger = new Logger('Dashboard');

  constructor(
    private readonly statistics: StatisticsService,
    private readonly sessions: DashboardSessions,
    private readonly dataSource: DataSource,
    private readonly accessLog: AccessLog,
  ) {}

  @Get('sign-in')
  async signInPage(@Query('signedOut') signedOut: unknown, @Query('expired') expired: unknown, @Res() response: Response) {
    const notice = signedOut === '1' ? 'You have signed out.' : expired === '1' ? 'Your session has ended. Sign in again.' : undefined;
    this.signIn(response, 200, { notice });
  }

  @Post('sign-in')
  async signInWithKey(@Body() body: Record<string, unknown> | undefined, @Req() request: Request, @Res() response: Response) {
    // No CSRF token before there is a session: a sign-in posted from another site's page is refused by its Origin.
    if (!sameOrigin(request)) return this.crossSite(request, response);
    const presented = typeof body?.apiKey === 'string' ? body.apiKey.trim() : '';
    if (presented === '') return this.signIn(response, 400, { keyError: 'Enter your API key' });
    const key = await findApiKey(this.dataSource, presented);
    // The log names the key by its id, never its secret (and a malformed entry not at all).
    const named = apiKeyIdOf(presented) ?? 'malformed';
    if (!key) {
      this.logger.warn(`dashboard sign-in refused: unknown or revoked key (key id ${named})`);
      await this.accessLog.record(`dashboard-sign-in-refused key ${named}`, null);
      return this.signIn(response, 401, { keyError: 'This key is not recognised, or has been revoked. Check it, or ask for a new one' });
    }
    if (!DASHBOARD_ROLES.has(key.role)) {
      this.logger.warn(`dashboard sign-in refused: a ${key.role} key (key id ${key.keyId}) may not read the dashboard`);
      await this.accessLog.record(`dashboard-sign-in-refused ${key.role} key ${key.keyId}`, null);
      return this.signIn(response, 403, { keyError: `This is a ${key.role} key. Sign in with an analyst or inspector key for the projection service` });
    }
    const principal = { keyId: key.keyId, name: key.principal, role: key.role, scope: key.scope };
    actAs(principal);
    // A browser signing in again gets a new session id, and its old session ends.
    const previous = sessionCookie(request);
    if (previous) await this.sessions.end(previous);
    const { sessionId } = await this.sessions.start(principal);
    await this.accessLog.record('dashboard-sign-in', null);
    response.cookie(SESSION_COOKIE, sessionId, { httpOnly: true, sameSite: 'strict', path: '/dashboard', secure: cookieMustBeSecure(request) });
    response.redirect(303, '/dashboard');
  }

  @Post('sign-out')
  async signOut(@Body() body: Record<string, unknown> | undefined, @Req() request: Request, @Res() response: Response) {
    if (!sameOrigin(request)) return this.crossSite(request, response);
    const session = await this.session(request, response);
    if (!session) return;
    if (!csrfTokenMatches(session, body?.csrfToken)) {
      this.logger.warn(`dashboard sign-out refused: the form's CSRF token is not the session's (key id ${session.principal.keyId})`);
      return renderPage(response, 403, 'not-ready.njk', {
        title: 'This form has expired',
        paragraphs: ['The form was not sent from this session. Go back to the dashboard and try again.'],
        retryUrl: '/dashboard',
      });
    }
    await this.sessions.end(sessionCookie(request)!);
    await this.accessLog.record('dashboard-sign-out', null);
    response.clearCookie(SESSION_COOKIE, { path: '/dashboard', httpOnly: true, sameSite: 'strict', secure: cookieMustBeSecure(request) });
    response.redirect(303, '/dashboard/sign-in?signedOut=1');
  }

  @Get()
  async funnel(@Query() query: Record<string, unknown>, @Req() request: Request, @Res() response: Response) {
    await this.slicePage(query, request, response, async (slice) => {
      const [row] = await this.statistics.statistics(ATTRITION_FUNNEL, slice.request, slice.released);
      return funnelPage({ ...(await slice.input()), row });
    });
  }

  @Get('outcome-rates')
  async outcomeRates(@Query() query: Record<string, unknown>, @Req() request: Request, @Res() response: Response) {
    await this.slicePage(query, request, response, async (slice) => {
      const [[row], [funnel]] = await Promise.all([
        this.statistics.statistics(OUTCOME_RATES, slice.request, slice.released),
        this.statistics.statistics(ATTRITION_FUNNEL, slice.request),
      ]);
      const recorded = funnel === undefined || (funnel as { suppressed?: string[] }).suppressed?.includes('recorded') ? null : Number(funnel.recorded);
      return outcomeRatesPage({ ...(await slice.input()), row, recorded: funnel === undefined ? 0 : recorded });
    });
  }

  /**
   * A statistics page of one slice: the session, the filters from the URL, the figures (all, or
   * the public release's), their freshness; the read model still being built is a page saying so.
   */
  private async slicePage(
    query: Record<string, unknown>,
    request: Request,
    response: Response,
    page: (slice: {
      request: StatisticsRequest;
      released: (release: PublicRelease) => void;
      input: () => Promise<SlicePageInput>;
    }) => Promise<Record<string, unknown>>,
  ): Promise<void> {
    const session = await this.session(request, response);
    if (!session) return;
    try {
      const years = await this.financialYears();
      const { filters, problems } = parseSliceFilters(query, years);
      let release: PublicRelease | undefined;
      const context = await page({
        request: { year: filters.year, strand: filters.strand as never, cpsArea: filters.cpsArea, force: filters.force, courtType: filters.courtType as never, public: filters.published },
        released: (made) => (release = made),
        input: async () => {
          const freshness = await this.statistics.freshness();
          return {
            filters, problems, years, session,
            threshold: release?.threshold,
            // Published figures are of the refresh their release was made from.
            refreshedAt: release ? release.of.refreshedAt : freshness.refreshedAt,
            throughEvents: release ? release.of.throughEvents : freshness.throughEvents,
          };
        },
      });
      renderPage(response, problems.length > 0 ? 400 : 200, 'statistic.njk', context);
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() === 503) {
        return renderPage(response, 503, 'not-ready.njk', {
          title: 'The statistics are not ready yet',
          paragraphs: [
            'The projection is still building its statistics from the police, CPS and court events. This takes a few minutes after the service starts for the first time, or after an upgrade of its read model.',
            'Nothing is wrong: try again in a minute.',
          ],
          retryUrl: request.originalUrl,
        });
      }
      throw error;
    }
  }

  private crossSite(request: Request, response: Response): void {
    this.logger.warn(`dashboard ${request.path} refused: posted from another origin (${String(request.headers.origin)})`);
    renderPage(response, 403, 'not-ready.njk', {
      title: 'This form has expired',
      paragraphs: ['The form was not sent from this dashboard. Go to the dashboard and try again.'],
      retryUrl: '/dashboard',
      retryText: 'Go to the dashboard',
    });
  }

  /** The financial years in which a hate crime was recorded, latest first. */
  private async financialYears(): Promise<string[]> {
    const rows = await this.statistics.statistics(ATTRITION_FUNNEL, { strand: 'all', cpsArea: 'all', force: 'all', courtType: 'all' });
    return rows.map((row) => String(row.financial_year)).filter((year) => year !== 'all').sort().reverse();
  }

  private signIn(response: Response, status: number, context: { keyError?: string; notice?: string }): void {
    renderPage(response, status, 'sign-in.njk', {
      title: 'Sign in',
      idleMinutes: SESSION_IDLE_MINUTES,
      maxHours: SESSION_MAX_HOURS,
      errorList: context.keyError ? [{ text: context.keyError, href: '#apiKey' }] : [],
      ...context,
    });
  }

  /** The request's live session, made its caller (for the access log); otherwise a redirect to sign-in and undefined. */
  private async session(request: Request, response: Response): Promise<DashboardSession | undefined> {
    const cookie = sessionCookie(request);
    const found = cookie ? await this.sessions.resume(cookie) : undefined;
    if (found && 'principal' in found) {
      actAs(found.principal);
      return found;
    }
    if (found) this.logger.log(`dashboard session ended (idle, too old or key revoked) for key id ${found.expired}`);
    response.redirect(303, found ? '/dashboard/sign-in?expired=1' : '/dashboard/sign-in');
    return undefined;
  }
}

/** A browser names the page a form was posted from (Origin); one of another host is another site's. */
function sameOrigin(request: Request): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function sessionCookie(request: Request): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/**
 * The cookie is Secure except on plain HTTP to this machine (a person trying the service on their
 * own computer, the tests): anywhere else, HTTP would carry the session in the clear, and a
 * browser then keeps no cookie, so signing in fails instead of leaking.
 */
function cookieMustBeSecure(request: Request): boolean {
  return request.secure || !['localhost', '127.0.0.1', '::1', '[::1]'].includes(request.hostname);
}
