import { Roles } from '@hc/service-kit';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { StatisticsService } from '../statistics/statistics.service';

@ApiTags('projection')
@Roles('analyst', 'inspector')
@Controller('projection')
export class StatusController {
  constructor(private readonly statistics: StatisticsService) {}

  @Get('status')
  @ApiOkResponse({
    description:
      'This process\'s read model version and state (building, active, retired), how many events and cases it holds, where it is in each partition, when its statistics were last recomputed, and every version registered.',
  })
  status() {
    return this.statistics.status();
  }
}
