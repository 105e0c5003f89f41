import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { renderPage } from './pages';

/**
 * The dashboard's errors as pages a person can act on, where the API answers JSON: too many
 * requests (the rate limit, sign-in included) says how long to wait; anything unexpected says
 * sorry, without details, and is logged for the operator.
 */
@Catch()
export class DashboardErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Dashboard');

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const status = error instanceof HttpException ? error.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    if (status === HttpStatus.TOO_MANY_REQUESTS) {
      const seconds = response.getHeader('Retry-After') ?? '60';
      return renderPage(response, status, 'not-ready.njk', {
        title: 'Too many requests',
        paragraphs: [`This browser has sent more requests than the service allows in a short time. Wait ${seconds} seconds, then try again.`],
        retryUrl: request.method === 'GET' ? request.originalUrl : undefined,
      });
    }
    if (status < 500) {
      return renderPage(response, status, 'not-ready.njk', {
        title: status === HttpStatus.NOT_FOUND ? 'Page not found' : 'This request cannot be answered',
        paragraphs: ['Go back to the dashboard and try again.'],
        retryUrl: '/dashboard',
      });
    }
    this.logger.error(`dashboard ${request.method} ${request.path} failed: ${(error as Error).stack ?? String(error)}`);
    renderPage(response, status, 'not-ready.njk', {
      title: 'Sorry, there is a problem with the service',
      paragraphs: ['The page could not be shown. Try again later; if it keeps happening, tell the team that runs the service.'],
      retryUrl: request.method === 'GET' ? request.originalUrl : undefined,
    });
  }
}
