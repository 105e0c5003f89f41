import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from './access-control';
import { NoRateLimit } from './rate-limits';

/** Something beyond the database that can make a service unhealthy (a consumer stuck on a batch, say). */
export interface HealthIndicator {
  /** Why the service is not healthy now; undefined when it is. */
  healthProblem(): string | undefined;
}

export const HEALTH_INDICATOR = Symbol('HEALTH_INDICATOR');

@ApiTags('health')
@Public()
@NoRateLimit()
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(HEALTH_INDICATOR) private readonly indicator?: HealthIndicator,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'The service is up, reaches its database, and (the projection) its consumer is not stuck on a batch.' })
  @ApiServiceUnavailableResponse({ description: 'Up, but not doing its work: `reason` says why (e.g. a batch that has failed for a while).' })
  async health(): Promise<{ status: 'ok' }> {
    await this.dataSource.query('SELECT 1');
    const problem = this.indicator?.healthProblem();
    if (problem) throw new ServiceUnavailableException({ statusCode: 503, status: 'unhealthy', reason: problem });
    return { status: 'ok' };
  }
}
