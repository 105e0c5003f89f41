import { Roles } from '@hc/service-kit';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ProjectionRunner } from '../consumer/projection.runner';
import { StatisticsService } from '../statistics/statistics.service';

@ApiTags('projection')
@Roles('analyst', 'inspector')
@Controller('projection')
export class StatusController {
  constructor(
    private readonly statistics: StatisticsService,
    private readonly runner: ProjectionRunner,
  ) {}

  @Get('status')
  @ApiOkResponse({
    description:
      'This process\'s read model version and state (building, active, retired), its Kafka consumer (joining its group, consuming, or restarting), how many events and cases it holds, where it is in each partition, when its statistics were last recomputed, and every version registered.',
  })
  async status() {
    return { ...(await this.statistics.status()), consumer: this.runner.consumerStatus() };
  }
}
