import { AccessLog, RateLimit, Roles } from '@hc/service-kit';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { ProjectionRunner } from '../consumer/projection.runner';
import { ReadModelVerification } from '../read-model/verification';
import { StatisticsService } from '../statistics/statistics.service';

export class VerificationQueryDto {
  @ApiPropertyOptional({ example: '1000', description: "How many cases, drawn at random, to fold again and compare (1 to 1000000), or 'all' (seconds at a national year's volume); 1000 by default" })
  @IsOptional() @Matches(/^(all|[1-9]\d{0,5}|1000000)$/, { message: "cases must be a number of cases from 1 to 1000000, or 'all'" })
  cases?: string;
}

@ApiTags('projection')
@Roles('analyst', 'inspector')
@Controller('projection')
export class StatusController {
  constructor(
    private readonly statistics: StatisticsService,
    private readonly runner: ProjectionRunner,
    private readonly verification: ReadModelVerification,
    private readonly accessLog: AccessLog,
  ) {}

  @Get('status')
  @ApiOkResponse({
    description:
      'This process\'s read model version and state (building, active, retired), its Kafka consumer (joining its group, consuming, or restarting) and the batch it keeps failing to take, if any (failingBatch: since, attempts, error), how many events and cases it holds, ' +
      'how many of those events are held back, not counted, and in how many cases (held: events, cases, complete; past a gap in their agency\'s stream versions, waiting for the missing event; complete is false while the process is still counting the cases stored before it started; null while the version is building), ' +
      'where it is in each partition, when its statistics were last recomputed, and every version registered.',
  })
  async status() {
    return {
      ...(await this.statistics.status()),
      held: this.runner.heldEvents(),
      consumer: this.runner.consumerStatus(),
      failingBatch: this.runner.failingBatch(),
    };
  }

  @Get('verification')
  @RateLimit('verification')
  @Roles('inspector')
  @ApiOperation({ summary: 'Verifies the read model against its sources (reads only)' })
  @ApiOkResponse({
    description:
      'How far each partition is behind Kafka; whether the stored journey rows and audit findings of a sample of cases (or all) are what their stored events give, folded again; ' +
      'whether the statistics are current and the attrition by strand exact; the events of the checked cases that are stored but not counted ' +
      '(cases.uncounted: past a gap in their agency\'s stream versions, waiting for the missing event); and a verdict: consistent, behind or inconsistent.',
  })
  @ApiBadRequestResponse({ description: 'cases is not a number from 1 to 1000000 or all.' })
  async verify(@Query() query: VerificationQueryDto) {
    await this.accessLog.record('verify-read-model', null);
    return this.verification.verify(query.cases === undefined ? 1000 : query.cases === 'all' ? 'all' : Number(query.cases));
  }
}
