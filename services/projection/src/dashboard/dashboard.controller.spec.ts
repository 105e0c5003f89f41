import { ServiceUnavailableException } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { DataSource } from 'typeorm';
import type { AccessLog } from '@hc/service-kit';
import type { StatisticsService } from '../statistics/statistics.service';
import { DashboardController } from './dashboard.controller';
import type { DashboardSessions } from './dashboard-sessions';

/** The pages' states that the browser test cannot reach: the read model still being built. */
describe('the dashboard controller', () => {
  const session = { principal: { keyId: '0123456789abcdef', name: 'Analyst', role: 'analyst' as const, scope: '*' }, csrfToken: 'token' };
  const sent: { status?: number; body?: string; redirect?: string } = {};
  const response = {
    status(code: number) { sent.status = code; return this; },
    set() { return this; },
    send(body: string) { sent.body = body; return this; },
    redirect(_code: number, to: string) { sent.redirect = to; },
  } as unknown as Response;
  const request = { headers: { cookie: 'other=1; hc_session=abc' }, originalUrl: '/dashboard?year=all' } as unknown as Request;
  const controller = (statistics: Partial<StatisticsService>, found: unknown) =>
    new DashboardController(
      statistics as StatisticsService,
      { resume: async () => found } as unknown as DashboardSessions,
      {} as DataSource,
      { record: async () => undefined } as unknown as AccessLog,
    );

  beforeEach(() => {
    delete sent.status; delete sent.body; delete sent.redirect;
  });

  it('says the statistics are not ready while the read model is built (503), with a way to try again', async () => {
    const building = async () => {
      throw new ServiceUnavailableException('the analytics views are not published yet');
    };
    await controller({ statistics: building, freshness: building }, session).funnel({}, request, response);
    expect(sent.status).toBe(503);
    expect(sent.body).toContain('The statistics are not ready yet');
    expect(sent.body).toContain('href="/dashboard?year=all"');
  });

  it('sends a request without a live session to sign in, saying when the session has ended', async () => {
    await controller({}, undefined).funnel({}, request, response);
    expect(sent.redirect).toBe('/dashboard/sign-in');
    await controller({}, { expired: '0123456789abcdef' }).funnel({}, request, response);
    expect(sent.redirect).toBe('/dashboard/sign-in?expired=1');
  });
});
